"""The daemon's outbox thread: delivers as soon as an email is due, and while the SMTP server is
down probes it every few seconds, so that what waited leaves within seconds of its return.

A probe is one delivery pass: it connects and stops at the first refusal (tinbai.notifier.delivery),
so a down server costs one connection attempt a probe, not one per email. Waits grow 1, 2, 5 s
and stay at 5 s; a refused login is probed every minute (a server may lock an account that
keeps failing, and the password is the administrator's to fix).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from tinbai.config import Config
from tinbai.notifier.delivery import deliver_due, next_due
from tinbai.queue.models import utcnow

log = logging.getLogger(__name__)
PROBE_DELAYS = (1.0, 2.0, 5.0)  # then the last one, for as long as the outage lasts
LOGIN_PROBE_SECONDS = 60.0
IDLE_SECONDS = 30.0  # the longest wait with nothing due (emails queued by another process)
SHORTEST_WAIT = 0.2


def probe_delay(failures: int) -> float:
    return PROBE_DELAYS[min(failures, len(PROBE_DELAYS)) - 1] if failures else 0.0


class OutboxSender:
    """deliver_due in a loop of its own; wake() after a commit that queued an email."""

    def __init__(self, engine, config: Config, owner: str, stop: threading.Event, *,
                 after_pass: Callable[[dict[str, int]], None] | None = None) -> None:
        self.engine, self.config, self.owner, self.stop = engine, config, owner, stop
        self.after_pass = after_pass  # a hook for the tests: called with each pass's counts
        self._wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        failures = 0
        while not self.stop.is_set():
            self._wake.clear()
            try:
                counts = deliver_due(self.engine, self.config, owner=self.owner)
            except Exception as e:  # the database busy or away: the next round tries again
                log.warning("outbox: %s: %s", type(e).__name__, e)
                counts = {"down": 1, "login": 0}
            if self.after_pass is not None:
                self.after_pass(counts)
            if counts["down"]:
                failures += 1
                wait = LOGIN_PROBE_SECONDS if counts.get("login") else probe_delay(failures)
            else:
                failures = 0
                wait = self._until_due()
            if self.stop.is_set():
                return
            self._wake.wait(wait)

    def _until_due(self) -> float:
        try:
            due = next_due(self.engine)
        except Exception:  # the database away: looked at again soon
            return PROBE_DELAYS[-1]
        if due is None:
            return IDLE_SECONDS
        return min(IDLE_SECONDS, max(SHORTEST_WAIT, (due - utcnow()).total_seconds()))
