"""The daemon's watch over one IMAP mailbox: connect, read what is new, wait in IDLE, again.

While the server cannot be reached the watch tries again every few seconds (RECONNECT_CAP at
most), so that reading resumes within seconds of the server's return, and says so in the log
twice: one line when the trouble starts, one when it ends (not one per attempt).

A mailbox that cannot start at all is loud: its password's variable not set is one line at
start and on its `status` row, and the watch does not run (a variable cannot appear in a
running process: set it and restart tinbai).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from tinbai.config import Config, ConfigError, Mailbox
from tinbai.extract.analyse import Analyser
from tinbai.ingest.imap import backoff_delays
from tinbai.ingest.runner import Ingestor
from tinbai.ingest.sources import RETRY_LATER, describe, imap_pass, open_imap, record_error
from tinbai.queue.lease import Leases

log = logging.getLogger(__name__)
IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: servers may drop an IDLE after 29 minutes
# waits between attempts while the server is away: 1, 2, 4 s then 4 s (each drawn from its upper
# half, so that daemons cut off together do not all come back in the same instant)
RECONNECT_CAP = 4.0


def cannot_start(box: Mailbox) -> str | None:
    """Why this mailbox cannot be read however long one waits (a missing password), or None."""
    try:
        box.password()
    except ConfigError as e:
        return f"{e}; đặt biến môi trường này rồi khởi động lại tinbai"
    return None


def safe_record_error(engine, name: str, error: str) -> None:
    """Note the error on the mailbox's row, unless the database is what failed."""
    try:
        record_error(engine, name, error)
    except Exception as e:  # the database may be what failed
        log.warning("%s: could not record the error: %s", name, e)


class ImapWatch:
    """One thread's loop over one IMAP mailbox; `on_new` is called after a pass that stored items."""

    def __init__(self, config: Config, engine, name: str, box: Mailbox, leases: Leases,
                 stop: threading.Event, on_new: Callable[[], object], analyser: Analyser | None = None) -> None:
        self.config, self.engine, self.name, self.box = config, engine, name, box
        self.analyser = analyser  # the daemon's, shared by its mailboxes (tinbai.daemon)
        self.leases, self.stop, self.on_new = leases, stop, on_new
        self._down_since: float | None = None  # monotonic time of the first failure of this outage

    def run(self) -> None:
        ingestor = Ingestor(self.config, self.engine, analyser=self.analyser)
        delays = backoff_delays(cap=RECONNECT_CAP)
        try:
            while not self.stop.is_set():
                if not self.leases.wait_for(self.name, timeout=self.leases.round_every):
                    continue  # another instance works it; ours may come when it dies or hands it back
                client = None
                try:
                    client = open_imap(self.box)
                    delays = backoff_delays(cap=RECONNECT_CAP)  # connected: the next failure starts small
                    self._connected()
                    self._work(ingestor, client)
                except (*RETRY_LATER, ConfigError) as e:
                    # the mailbox, the archive or the database failed: nothing was marked on the
                    # server that is not stored, so the next pass picks up where this one broke
                    self._failed(describe(e))
                    self.stop.wait(next(delays))
                finally:
                    if client is not None:
                        client.close()
                    self.leases.finished(self.name)
        finally:
            ingestor.close()

    def _working(self) -> bool:
        return self.leases.working(self.name) and not self.stop.is_set()

    def _work(self, ingestor: Ingestor, client) -> None:
        box = self.box
        use_idle = box.idle and client.has_capability("IDLE")
        while self._working():
            r = imap_pass(ingestor, self.name, box, client, keep_going=self._working)
            if r.created:
                log.info("%s: %d mục mới", self.name, r.created)
                self.on_new()
            if not self._working():
                break
            wait = min(IDLE_RENEW_SECONDS, max(5, box.poll_seconds)) if use_idle else box.poll_seconds
            if self.leases.shared:
                # bounded by the lease round too: a lease lost or asked back is let go soon
                wait = min(wait, max(1.0, self.leases.round_every))
            if use_idle:
                client.idle_wait(timeout=wait)
            else:
                self.stop.wait(wait)

    def _failed(self, error: str) -> None:
        safe_record_error(self.engine, self.name, error)
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.error("%s: %s; thử kết nối lại sau mỗi vài giây", self.name, error)
        else:
            log.debug("%s: still failing: %s", self.name, error)

    def _connected(self) -> None:
        if self._down_since is not None:
            log.info("%s: đã kết nối lại sau %.0f giây gián đoạn", self.name, time.monotonic() - self._down_since)
            self._down_since = None
