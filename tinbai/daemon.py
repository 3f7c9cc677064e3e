"""The daemon: mailboxes watched, the outbox delivered, reminders planned, on a schedule.

IMAP mailboxes each get a thread that waits in IDLE (renewed well before the
server's 29-minute limit) and falls back to polling where the server has no
IDLE; a network error reconnects after a capped exponential backoff. Maildir
mailboxes, the outbox and the health check run as APScheduler interval jobs.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session

from tinbai.config import Config, Mailbox
from tinbai.ingest.imap import MailboxError, backoff_delays
from tinbai.ingest.runner import Ingestor
from tinbai.ingest.sources import imap_pass, is_stale, mailbox_pass, open_imap, record_error
from tinbai.notifier.delivery import deliver_due
from tinbai.queue.models import MailboxState

log = logging.getLogger(__name__)
IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: servers may drop an IDLE after 29 minutes


class Daemon:
    def __init__(self, config: Config, engine, *, now: datetime | None = None):
        self.config = config
        self.engine = engine
        self.now = now  # a fixed clock (--now) for trying the schedule
        self.stop_event = threading.Event()
        self._threads: list[threading.Thread] = []

    # ----------------------------------------------------------- one pass
    def run_once(self, progress=None) -> dict[str, int]:
        totals = {"created": 0, "failed": 0, "sent": 0, "errors": 0}
        ingestor = Ingestor(self.config, self.engine)
        try:
            for name, box in self.config.mailboxes.items():
                r = mailbox_pass(ingestor, name, box, progress)
                totals["created"] += r.created
                totals["failed"] += r.failed
                totals["errors"] += bool(r.errors)
        finally:
            ingestor.close()
        totals.update(self.after_ingest())
        return totals

    def after_ingest(self) -> dict[str, int]:
        """What follows new items: reminders due, then the outbox."""
        out = {}
        try:
            from tinbai.notifier.scheduler import queue_due_reminders

            out["reminders"] = queue_due_reminders(self.engine, self.config, now=self.now)
        except ImportError:  # reminders are planned by the notifier when it is installed
            pass
        out["sent"] = deliver_due(self.engine, self.config, now=self.now)["sent"]
        return out

    # ----------------------------------------------------------- forever
    def run_forever(self, web: bool = True) -> None:
        sched = BackgroundScheduler(timezone=self.config.settings.timezone)
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

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def stop(signum, _frame):
            log.info("nhận tín hiệu %s, đang dừng", signum)
            self.stop_event.set()
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)

    def _serve_web(self) -> None:
        import uvicorn

        from tinbai.web.app import create_app

        app = create_app(self.config, self.engine)
        uvicorn.run(app, host=self.config.web.host, port=self.config.web.port, log_level="warning")

    def _maildir_job(self, name: str, box: Mailbox) -> None:
        ingestor = Ingestor(self.config, self.engine)
        try:
            r = mailbox_pass(ingestor, name, box)
            if r.created:
                log.info("%s: %d mục mới", name, r.created)
                self.after_ingest()
        finally:
            ingestor.close()

    def _imap_loop(self, name: str, box: Mailbox) -> None:
        ingestor = Ingestor(self.config, self.engine)
        delays = backoff_delays()
        try:
            while not self.stop_event.is_set():
                client = None
                try:
                    client = open_imap(box)
                    delays = backoff_delays()  # connected: the next failure starts small again
                    use_idle = box.idle and client.has_capability("IDLE")
                    while not self.stop_event.is_set():
                        r = imap_pass(ingestor, name, box, client)
                        if r.created:
                            log.info("%s: %d mục mới", name, r.created)
                            self.after_ingest()
                        if use_idle:
                            client.idle_wait(timeout=min(IDLE_RENEW_SECONDS, max(5, box.poll_seconds)))
                        else:
                            self.stop_event.wait(box.poll_seconds)
                except MailboxError as e:
                    record_error(self.engine, name, str(e))
                    delay = next(delays)
                    log.error("%s: %s; kết nối lại sau %.0f giây", name, e, delay)
                    self.stop_event.wait(delay)
                finally:
                    if client is not None:
                        client.close()
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
