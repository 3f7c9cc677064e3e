"""The daemon: mailboxes watched, the outbox delivered, reminders planned, on a schedule.

IMAP mailboxes each get a thread that waits in IDLE (renewed well before the
server's 29-minute limit) and falls back to polling where the server has no
IDLE; a network error reconnects after a capped exponential backoff. Maildir
mailboxes, the outbox and the health check run as APScheduler interval jobs.

On PostgreSQL several daemons may share the database: each mailbox is worked only by
the process holding its lease (tinbai.queue.lease); `run --once` skips a mailbox
another process is working. On SQLite every lease is granted at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session

from tinbai.config import Config, Mailbox
from tinbai.duties.jobs import run_duties
from tinbai.ingest.imap import MailboxError, backoff_delays
from tinbai.ingest.original import original_text
from tinbai.ingest.runner import Ingestor
from tinbai.ingest.sources import RETRY_LATER, imap_pass, is_stale, mailbox_pass, open_imap, record_error
from tinbai.notifier.delivery import deliver_due
from tinbai.notifier.feedback_duties import queue_feedback_duties
from tinbai.notifier.scheduler import queue_due_reminders
from tinbai.queue.lease import Leases
from tinbai.queue.models import MailboxState
from tinbai.web.serve import serve

log = logging.getLogger(__name__)
IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: servers may drop an IDLE after 29 minutes


class Daemon:
    def __init__(self, config: Config, engine, *, now: datetime | None = None):
        self.config = config
        self.engine = engine
        self.now = now  # a fixed clock (--now) for trying the schedule
        self.stop_event = threading.Event()
        self._threads: list[threading.Thread] = []
        self._ingestors: dict[str, Ingestor] = {}  # the Maildir jobs', by mailbox
        self.leases = Leases(engine, config.mailboxes, config.database.lease_seconds)

    # ----------------------------------------------------------- one pass
    def run_once(self, progress=None) -> dict[str, int]:
        totals = {"created": 0, "failed": 0, "sent": 0, "errors": 0, "busy": 0}
        ingestor = Ingestor(self.config, self.engine)
        self.leases.start(balance=False)  # renews the lease of the mailbox being worked
        try:
            for name, box in self.config.mailboxes.items():
                if not self.leases.acquire(name):
                    owner, until = self.leases.holder(name)
                    log.info("%s: another instance (%s) works this mailbox until %s; skipped", name, owner, until)
                    totals["busy"] += 1
                    continue
                try:
                    r = mailbox_pass(ingestor, name, box, progress, keep_going=lambda n=name: self.leases.holds(n))
                finally:
                    self.leases.release(name)
                totals["created"] += r.created
                totals["failed"] += r.failed
                totals["errors"] += bool(r.errors)
        finally:
            self.leases.stop()
            ingestor.close()
        totals.update(self.after_ingest())
        return totals

    def after_ingest(self) -> dict[str, int]:
        """What follows new items (and every 30 s): reminders due, the feedback's notices, the
        board's periodic duties due (chasing the units, the daily posting duty: tinbai.duties.jobs),
        then the outbox."""
        out = {"reminders": queue_due_reminders(self.engine, self.config, now=self.now),
               "feedback": queue_feedback_duties(self.engine, self.config, now=self.now,
                                                 question_of=lambda item: original_text(self.config, item))}
        out["duties"] = run_duties(self.engine, self.config, now=self.now)
        out["sent"] = deliver_due(self.engine, self.config, owner=self.leases.owner, now=self.now)["sent"]
        return out

    # ----------------------------------------------------------- forever
    def run_forever(self, web: bool = True) -> None:
        sched = BackgroundScheduler(timezone=self.config.settings.zone)
        self.leases.start(balance=True)  # takes this instance's share of the mailboxes
        for name, box in self.config.mailboxes.items():
            if box.kind == "imap":
                t = threading.Thread(target=self._imap_loop, args=(name, box), name=f"imap-{name}", daemon=True)
                self._threads.append(t)
                t.start()
            else:
                sched.add_job(self._maildir_job, "interval", seconds=min(box.poll_seconds, 10), args=(name, box),
                              id=f"maildir-{name}", max_instances=1, coalesce=True, next_run_time=datetime.now())
        sched.add_job(self.after_ingest, "interval", seconds=30, id="outbox", max_instances=1, coalesce=True,
                      next_run_time=datetime.now())
        sched.add_job(self._health, "interval", seconds=60, id="health", max_instances=1, coalesce=True)
        sched.start()
        self._install_signals()
        log.info("tinbai đang chạy: %d hộp thư", len(self.config.mailboxes))
        try:
            if web:
                self._serve_web()
            else:
                self.stop_event.wait()
        finally:
            self.stop_event.set()
            sched.shutdown(wait=True)
            for t in self._threads:
                t.join(timeout=5)
            for ingestor in self._ingestors.values():
                ingestor.close()
            self.leases.stop()  # hand the mailboxes over at once rather than after expiry

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def stop(signum, _frame):
            log.info("nhận tín hiệu %s, đang dừng", signum)
            self.stop_event.set()
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)

    def _serve_web(self) -> None:
        serve(self.config, self.engine)

    def _maildir_job(self, name: str, box: Mailbox) -> None:
        if not self.leases.wait_for(name, 0):
            return  # another instance works it
        # one Ingestor per mailbox for the daemon's life: its parser workers are started once,
        # not at every poll (the job never runs twice at once: max_instances=1)
        ingestor = self._ingestors.get(name)
        if ingestor is None:
            ingestor = self._ingestors[name] = Ingestor(self.config, self.engine)
        try:
            r = mailbox_pass(ingestor, name, box, keep_going=lambda: self.leases.working(name))
            if r.created:
                log.info("%s: %d mục mới", name, r.created)
                self.after_ingest()
        finally:
            self.leases.finished(name)

    def _imap_loop(self, name: str, box: Mailbox) -> None:
        ingestor = Ingestor(self.config, self.engine)
        delays = backoff_delays()
        try:
            while not self.stop_event.is_set():
                if not self.leases.wait_for(name, timeout=self.leases.round_every):
                    continue  # another instance works it; ours may come when it dies or hands it back
                working = lambda: self.leases.working(name) and not self.stop_event.is_set()
                client = None
                try:
                    client = open_imap(box)
                    delays = backoff_delays()  # connected: the next failure starts small again
                    use_idle = box.idle and client.has_capability("IDLE")
                    while working():
                        r = imap_pass(ingestor, name, box, client, keep_going=working)
                        if r.created:
                            log.info("%s: %d mục mới", name, r.created)
                            self.after_ingest()
                        if not working():
                            break
                        wait = min(IDLE_RENEW_SECONDS, max(5, box.poll_seconds)) if use_idle else box.poll_seconds
                        if self.leases.shared:
                            # bounded by the lease round too: a lease lost or asked back is let go soon
                            wait = min(wait, max(1.0, self.leases.round_every))
                        if use_idle:
                            client.idle_wait(timeout=wait)
                        else:
                            self.stop_event.wait(wait)
                except RETRY_LATER as e:
                    # the mailbox, the archive or the database failed: nothing was marked on the
                    # server that is not stored, so the next pass picks up where this one broke
                    _safe_record_error(self.engine, name, str(e) if isinstance(e, MailboxError)
                                       else f"{type(e).__name__}: {e}")
                    delay = next(delays)
                    log.error("%s: %s; kết nối lại sau %.0f giây", name, e, delay)
                    self.stop_event.wait(delay)
                finally:
                    if client is not None:
                        client.close()
                    self.leases.finished(name)
        finally:
            ingestor.close()

    def _health(self) -> None:
        """No silent stalls: a mailbox not checked successfully for too long is an error in the log."""
        with Session(self.engine) as s:
            for name, box in self.config.mailboxes.items():
                st = s.get(MailboxState, name)
                if st is not None and is_stale(st, box):
                    log.error("%s: không kiểm tra được hộp thư từ %s (lỗi gần nhất: %s)", name,
                              st.last_check_ok_at, st.last_error)


def _safe_record_error(engine, name: str, error: str) -> None:
    """Note the error on the mailbox's row, unless the database is what failed."""
    try:
        record_error(engine, name, error)
    except Exception as e:  # the database may be what failed
        log.warning("%s: could not record the error: %s", name, e)
