"""The pages deliver the emails their own actions queue, at once.

Without this an assignment's or a return's email waited for the daemon's next outbox pass (and
for ever under `main.py demo`, which runs no daemon). A small thread in the web process runs the
notifier's own `deliver_due` when woken after a commit that queued an email, and every
PASS_EVERY seconds besides (retries, and emails queued by another process). `deliver_due` claims
each row before sending it (tinbai.notifier.delivery), so the daemon's delivery job and this
thread, or several web processes, never send the same email twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import object_session
from sqlmodel import Session

from tinbai.config import Config
from tinbai.notifier.delivery import deliver_due
from tinbai.queue.models import Outbox

log = logging.getLogger(__name__)
PASS_EVERY = 60.0  # seconds between passes when nobody wakes the thread
QUEUED = "tinbai.queued_emails"  # Session.info key: this session inserted an outbox row


@event.listens_for(Outbox, "after_insert")
def _note_queued(mapper, connection, target: Outbox) -> None:
    s = object_session(target)
    if s is not None:
        s.info[QUEUED] = True


class Courier:
    """One delivery thread per web app, started on first use or at the app's start-up."""

    def __init__(self, engine: Engine, config: Config, *, after_pass: Callable[[dict[str, int]], None] | None = None):
        self.engine = engine
        self.config = config
        self.owner = f"web:{socket.gethostname()}:{os.getpid()}"
        self.after_pass = after_pass  # a hook for the tests: called with each pass's counts
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="web-courier", daemon=True)
                self._thread.start()

    def wake(self) -> None:
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def commit(self, session: Session) -> None:
        """Commit `session`; when it queued an email, deliver it now."""
        session.flush()  # the outbox rows still pending are inserted (and noted) now
        queued = session.info.pop(QUEUED, False)
        session.commit()
        if queued:
            self.wake()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(PASS_EVERY)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                counts = deliver_due(self.engine, self.config, owner=self.owner)
            except Exception:  # the database or the configuration: the next pass tries again
                log.exception("web: delivering the outbox failed")
                continue
            if counts["sent"] or counts["retry"] or counts["failed"]:
                log.info("web: %d thư đã gửi, %d chờ gửi lại, %d lỗi", counts["sent"], counts["retry"],
                         counts["failed"])
            if self.after_pass:
                self.after_pass(counts)
