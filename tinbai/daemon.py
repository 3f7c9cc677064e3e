"""The daemon: mailboxes watched, the outbox delivered, reminders planned, on a schedule.

IMAP mailboxes each get a thread that waits in IDLE (renewed well before the
server's 29-minute limit) and falls back to polling where the server has no
IDLE; a network error reconnects within seconds (tinbai.ingest.watch). The outbox
has a thread of its own that probes a down SMTP server every few seconds
(tinbai.notifier.sender). Maildir mailboxes, the reminders and duties, and the
health check run as APScheduler interval jobs.

No silent failure: a mailbox that cannot start is one line at start and on its
`status` row; the start line and the health check count the mailboxes not read.

On PostgreSQL several daemons may share the database: each mailbox is worked only by
the process holding its lease (tinbai.queue.lease); `run --once` skips a mailbox
another process is working. On SQLite every lease is granted at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from tinbai.config import Config, Mailbox
from tinbai.duties.jobs import run_duties
from tinbai.extract.analyse import Analyser
from tinbai.ingest.original import original_text
from tinbai.ingest.runner import Ingestor, analysis_threads
from tinbai.ingest.sources import is_failing, is_stale, mailbox_pass
from tinbai.ingest.watch import ImapWatch, cannot_start, safe_record_error
from tinbai.notifier.delivery import deliver_due
from tinbai.notifier.feedback_duties import queue_feedback_duties
from tinbai.notifier.outage import service_state
from tinbai.notifier.scheduler import queue_due_reminders
from tinbai.notifier.sender import OutboxSender
from tinbai.queue.db import read_session
from tinbai.queue.lease import Leases
from tinbai.queue.models import MailboxState

log = logging.getLogger(__name__)


class Daemon:
    def __init__(self, config: Config, engine, *, now: datetime | None = None):
        self.config = config
        self.engine = engine
        self.now = now  # a fixed clock (--now) for trying the schedule
        self.stop_event = threading.Event()
        self._threads: list[threading.Thread] = []
        self._ingestors: dict[str, Ingestor] = {}  # the Maildir jobs', by mailbox
        self.leases = Leases(engine, config.mailboxes, config.database.lease_seconds)
        self.sender: OutboxSender | None = None  # run_forever's outbox thread
        # One reader of attachments for the whole process: every mailbox's thread (and the pages'
        # registration of submissions handed in) shares its parser workers, two on two cores,
        # instead of each mailbox starting its own (~40-70 MB each: bench/memory.py)
        self.analyser = Analyser(workers=analysis_threads(config))

    # ----------------------------------------------------------- one pass
    def run_once(self, progress=None) -> dict:
        """One pass over every mailbox, then the outbox. Besides the counts, `unreachable`: a
        line per mailbox (or the SMTP server) that could not be reached, and `config_error`:
        whether one of those is the configuration's fault (a password's variable not set)."""
        totals: dict = {"created": 0, "failed": 0, "sent": 0, "errors": 0, "busy": 0,
                        "unreachable": [], "config_error": False}
        ingestor = Ingestor(self.config, self.engine, analyser=self.analyser)
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
                if r.unreachable:
                    totals["unreachable"].append(f"hộp thư {name} ({r.errors[0]})")
                    totals["config_error"] |= r.unreachable == "config"
        finally:
            self.leases.stop()
            ingestor.close()
            self.analyser.close()
        totals.update(self.after_ingest())
        if totals.pop("smtp_down"):
            state = service_state(self.engine)
            totals["unreachable"].append(f"máy chủ SMTP ({state.last_error if state else 'không trả lời'})")
        return totals

    def queue_due(self) -> dict[str, int]:
        """What follows new items (and every 30 s): reminders due, the feedback's notices, the
        board's periodic duties due (chasing the units, the daily posting duty: tinbai.duties.jobs)."""
        out = {"reminders": queue_due_reminders(self.engine, self.config, now=self.now),
               "feedback": queue_feedback_duties(self.engine, self.config, now=self.now,
                                                 question_of=lambda item: original_text(self.config, item))}
        out["duties"] = run_duties(self.engine, self.config, now=self.now)
        return out

    def after_ingest(self) -> dict[str, int]:
        """queue_due, then the outbox: handed to the outbox thread when it runs (run_forever),
        else delivered here."""
        out = self.queue_due()
        if self.sender is not None:
            self.sender.wake()
            out["sent"], out["smtp_down"] = 0, 0
            return out
        counts = deliver_due(self.engine, self.config, owner=self.leases.owner, now=self.now)
        out["sent"], out["smtp_down"] = counts["sent"], counts["down"]
        return out

    # ----------------------------------------------------------- forever
    def run_forever(self, serve_pages: Callable[[Analyser], None] | None = None) -> None:
        """Until stopped (SIGTERM, Ctrl+C). `serve_pages`: the review pages, served in this thread
        with the daemon's parser workers (tinbai.cli.run_web); without it the thread only waits.
        The daemon does not import the web server itself: `run --once` and `run --no-web` do not
        load it (~12 MB of the daemon's memory, 0.4 s of its start)."""
        sched = BackgroundScheduler(timezone=self.config.settings.zone)
        self.leases.start(balance=True)  # takes this instance's share of the mailboxes
        self.sender = OutboxSender(self.engine, self.config, self.leases.owner, self.stop_event)
        self.sender.start()
        broken: dict[str, str] = {}
        for name, box in self.config.mailboxes.items():
            if box.kind == "imap":
                problem = cannot_start(box)
                if problem is not None:
                    broken[name] = problem
                    safe_record_error(self.engine, name, problem)
                    log.error("%s: không đọc được hộp thư: %s", name, problem)
                    continue
                watch = ImapWatch(self.config, self.engine, name, box, self.leases, self.stop_event,
                                  on_new=self.after_ingest, analyser=self.analyser)
                t = threading.Thread(target=watch.run, name=f"imap-{name}", daemon=True)
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
        total = len(self.config.mailboxes)
        if broken:
            log.error("tinbai đang chạy: đọc %d/%d hộp thư; không đọc được: %s", total - len(broken), total,
                      ", ".join(sorted(broken)))
        else:
            log.info("tinbai đang chạy: %d hộp thư", total)
        try:
            if serve_pages is not None:
                serve_pages(self.analyser)
            else:
                self.stop_event.wait()
        finally:
            self.stop_event.set()
            self.sender.wake()
            sched.shutdown(wait=True)
            for t in self._threads:
                t.join(timeout=5)
            self.sender.thread.join(timeout=10)
            for ingestor in self._ingestors.values():
                ingestor.close()
            self.analyser.close()
            self.leases.stop()  # hand the mailboxes over at once rather than after expiry

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def stop(signum, _frame):
            log.info("nhận tín hiệu %s, đang dừng", signum)
            self.stop_event.set()
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)

    def _maildir_job(self, name: str, box: Mailbox) -> None:
        if not self.leases.wait_for(name, 0):
            return  # another instance works it
        # one Ingestor per mailbox for the daemon's life: its parser workers are started once,
        # not at every poll (the job never runs twice at once: max_instances=1)
        ingestor = self._ingestors.get(name)
        if ingestor is None:
            ingestor = self._ingestors[name] = Ingestor(self.config, self.engine, analyser=self.analyser)
        try:
            # asked to stop (SIGTERM): end after the message in hand, not after the whole backlog
            r = mailbox_pass(ingestor, name, box,
                             keep_going=lambda: not self.stop_event.is_set() and self.leases.working(name))
            if r.created:
                log.info("%s: %d mục mới", name, r.created)
                self.after_ingest()
        finally:
            self.leases.finished(name)

    def _health(self) -> None:
        """No silent stalls: each mailbox not read for too long is an error in the log, and so is
        their count, so that a look at the log's last lines tells whether all is read."""
        unread = []
        with read_session(self.engine) as s:
            for name, box in self.config.mailboxes.items():
                st = s.get(MailboxState, name)
                if st is not None and (is_stale(st, box) or is_failing(st)):
                    unread.append(name)
                if st is not None and is_stale(st, box):
                    since = (f"từ {st.last_check_ok_at.astimezone(self.config.settings.zone):%H:%M %d/%m/%Y}"
                             if st.last_check_ok_at else "lần nào kể từ khi khởi động")
                    log.error("%s: chưa kiểm tra được hộp thư %s (lỗi gần nhất: %s)", name, since, st.last_error)
        if unread:
            log.error("sức khỏe: %d/%d hộp thư không đọc được: %s", len(unread), len(self.config.mailboxes),
                      ", ".join(unread))
