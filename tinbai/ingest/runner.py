"""From one raw message to one queue item, exactly once.

archive the raw bytes -> skip if already stored -> check -> one transaction
(item, files, problems, emails, fingerprints) -> the caller marks the message
processed on the server. At-least-once fetching plus this idempotent storing
gives exactly-once queue items. A message whose processing breaks is stored as
a `failed` item with its error (retryable), so it never blocks the ones behind it.
"""

from __future__ import annotations

import email.parser
import email.policy
import logging
import os
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session, select

from tinbai import faultpoint
from tinbai.calendar import WorkCalendar
from tinbai.config import Config, Profile
from tinbai.extract.analyse import Analyser
from tinbai.extract.directory import SenderDirectory
from tinbai.extract.submission import Submission
from tinbai.ingest.archive import ContentStore, StoreError
from tinbai.message import parse_message
from tinbai.notifier.notices import notices_for_new_item
from tinbai.pipeline import Analysed, analyse_message, judge, submission_of
from tinbai.queue.directory import DirectoryCache
from tinbai.queue.history import DbHistory
from tinbai.queue.models import Item, Outbox, ReviewEvent, utcnow
from tinbai.queue.states import FAILED
from tinbai.queue.store import SourceRef, already_stored, enqueue, record_failure
from tinbai.queue.unit_answers import record_unit_answer

log = logging.getLogger(__name__)

# Reading attachments (sandboxed parsers, 30-45 ms a file) is most of a message's cost, and
# while the daemon waited for its one worker nothing else ran. So the passes read the next
# messages' attachments in threads (each with its own sandbox worker) while the calling thread
# stores the current one: settings.parser_workers of them (default 2), never more than the
# cores, since each worker is ~150 MB.
def analysis_threads(config: Config) -> int:
    return max(1, min(config.settings.parser_workers, os.cpu_count() or 1))


@dataclass(frozen=True)
class ReadAhead:
    """What a thread worked out for a message before the caller got to it."""

    raw_sha256: str | None  # archived; None when the archive could not be written then
    stored: frozenset[str]  # attachment files already in the file store
    analysed: Analysed | None
    error: Exception | None  # the analysis raised: the message becomes a `failed` item
    # what the rules look at, worked out ahead with the directory held then (see _derive_ahead)
    submission: Submission | None = None
    derived_with: tuple[SenderDirectory, datetime] | None = None


@dataclass
class Outcome:
    item_id: int
    created: bool  # False: the message was stored before (a re-fetch)
    failed: bool = False
    joined: bool = False  # a reply attached to an earlier item


class Ingestor:
    """Processes raw messages for the queue. One per process; reuses its parser workers."""

    def __init__(self, config: Config, engine, *, clock=None, analyser: Analyser | None = None):
        """analyser: the process's shared one (the daemon's: its parser workers serve every
        mailbox), left open by close(); by default one of its own, closed with it."""
        self.config = config
        self.engine = engine
        self.archive = ContentStore(config.resolve(config.settings.var_dir) / "archive")
        self.files = ContentStore(config.resolve(config.settings.var_dir) / "files")
        self.workers = analysis_threads(config)
        self._own_analyser = analyser is None
        self.analyser = Analyser(workers=self.workers) if analyser is None else analyser
        self.clock = clock or utcnow
        self._calendars: dict[str, WorkCalendar] = {}
        self._directory = DirectoryCache()
        self._pool: ThreadPoolExecutor | None = None  # started on first use

    def close(self) -> None:
        if self._pool is not None:  # let running analyses end before their sandbox is closed
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._own_analyser:
            self.analyser.close()

    def analyse_ahead(self, profile: Profile, raw: bytes, received_at: datetime | None = None) -> Future[ReadAhead]:
        """Start archiving and reading the message in a thread; pass the future to process().

        Only what depends on nothing but the bytes and the profile runs ahead: the raw message
        archived (still before it is parsed), its attachments read in the sandbox workers and
        put in the file store. The fsyncs and the hashing then overlap the storing of the
        message before. The history (duplicates), the queue and the marking stay in the caller's
        thread, in mailbox order, so their meaning is unchanged. An analysis that raised is
        raised in process(), where it becomes a `failed` item as before. The caller keeps only
        a few futures in flight (memory: each holds its raw message)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="tinbai-analyse")
        return self._pool.submit(self._read_ahead, profile, raw, received_at)

    def _read_ahead(self, profile: Profile, raw: bytes, received_at: datetime | None) -> ReadAhead:
        try:
            sha = self.archive.put(raw)
        except StoreError:
            sha = None  # process() tries again, and leaves the message on the server if it fails too
        try:
            analysed = analyse_message(raw, profile, self.analyser)
        except Exception as e:
            return ReadAhead(sha, frozenset(), None, e)
        stored = set()
        if sha is not None:
            try:
                for att in analysed.parsed.attachments:
                    stored.add(self.files.put(att.data, att.sha256))
            except StoreError:
                pass  # the ones not stored are tried again in process()
        return ReadAhead(sha, frozenset(stored), analysed, None, *self._derive_ahead(analysed, profile, received_at))

    def _derive_ahead(self, analysed: Analysed, profile: Profile, received_at: datetime | None
                      ) -> tuple[Submission | None, tuple[SenderDirectory, datetime] | None]:
        """The submission worked out in the analysing thread, off the storing thread's path: it was
        a third of that thread's time (dates, the document's header, the duplicate fingerprint),
        and the storing is done one message after another. It is pure but for the directory of
        units, which lives in the database: the one held now is used, and _check_and_store uses
        the result only if the directory it reads in its transaction is still that one (a unit
        saved in between is then seen, as before). Nothing before the first message's storing."""
        directory = self._directory.held(profile.id)
        if received_at is None or directory is None:
            return None, None
        try:
            sub = submission_of(analysed, profile, received_at, self.calendar(profile), directory)
        except Exception:  # worked out again in _check_and_store, where a failure is recorded
            return None, None
        return sub, (directory, received_at)

    def calendar(self, profile: Profile) -> WorkCalendar:
        if profile.id not in self._calendars:
            self._calendars[profile.id] = WorkCalendar.for_profile(profile, self.config)
        return self._calendars[profile.id]

    def process(self, mailbox: str, profile: Profile, source_key: str, raw: bytes,
                received_at: datetime, analysed: Future[ReadAhead] | None = None) -> Outcome:
        """Store one message; raise only when it must stay unprocessed on the server
        (the archive cannot be written, the database is unreachable).
        `analysed`: from analyse_ahead(profile, raw), or None to analyse here."""
        ahead = None
        if analysed is not None:
            try:
                ahead = analysed.result()
            except Exception as e:  # _read_ahead itself broke: handled like an analysis that raised
                ahead = ReadAhead(None, frozenset(), None, e)
        # StoreError propagates: retried later, nothing half-written
        sha = ahead.raw_sha256 if ahead is not None and ahead.raw_sha256 else self.archive.put(raw)
        message_id = parse_message_id(raw)
        ref = SourceRef(mailbox=mailbox, source_key=source_key, raw_sha256=sha, message_id=message_id,
                        received_at=received_at)
        return self._check_and_store(ref, profile, raw, ahead=ahead, skip_if_stored=True)

    def retry(self, item_id: int) -> Outcome:
        """Run a failed item again from its archived raw message."""
        with Session(self.engine, expire_on_commit=False) as s:
            item = s.get(Item, item_id)
            if item is None:
                raise LookupError(f"không có mục #{item_id}")
            if item.state != FAILED:
                raise ValueError(f"mục #{item_id} không ở trạng thái lỗi (trạng thái: {item.state})")
            ref = SourceRef(item.mailbox, item.source_key, item.raw_sha256, item.message_id, item.received_at)
            profile = self.config.profile(item.profile)
        return self._check_and_store(ref, profile, self.archive.get(ref.raw_sha256), existing_id=item_id)

    def _check_and_store(self, ref: SourceRef, profile: Profile, raw: bytes, existing_id: int | None = None,
                         ahead: ReadAhead | None = None, skip_if_stored: bool = False) -> Outcome:
        """skip_if_stored: a message stored before (a re-fetch) is not checked again; looked up in
        the transaction that stores it, so one transaction a message."""
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                if skip_if_stored:
                    stored = already_stored(s, ref)
                    if stored is not None:
                        return Outcome(stored.id, created=False, failed=stored.state == FAILED)
                # inside the try: a parser bug in the thread that analysed ahead is handled as if here
                if ahead is not None and ahead.error is not None:
                    raise ahead.error
                analysed = ahead.analysed if ahead is not None else analyse_message(raw, profile, self.analyser)
                directory = self._directory.get(s, profile.id)
                sub = ahead.submission if ahead is not None and _derived_with(ahead, directory, ref.received_at) else None
                if sub is None:
                    sub = submission_of(analysed, profile, ref.received_at, self.calendar(profile), directory)
                history = DbHistory(s, profile.duplicate_threshold)
                outcome = judge(sub.with_duplicates(history.find_duplicates(profile.id, sub.fingerprint)))
                report, texts = outcome.report, outcome.texts
                for sha, data in outcome.files.items():
                    if ahead is None or sha not in ahead.stored:
                        self.files.put(data, sha)
                existing = s.get(Item, existing_id) if existing_id else None
                parent = _parent_item(s, report, profile.id)

                def after(session: Session, item: Item, rep) -> None:
                    history.remember(item.id, profile.id, rep.content_fingerprint)
                    if parent is not None:
                        item.parent_id = parent.id
                        session.add(ReviewEvent(item_id=parent.id, at=utcnow(), actor="tinbai", action="reply",
                                                comment=f"Thư trả lời/gửi lại: mục #{item.id} ({rep.subject})"))
                        record_unit_answer(session, parent, item, rep.sender.address, profile, utcnow())
                    notices_for_new_item(session, item, rep, profile, self.config, inserted=existing is None)

                first_step = profile.review_steps[0].id if profile.review_steps else None
                item = enqueue(s, report, ref, attachment_texts=texts,
                               tracking_prefix=self.config.settings.tracking_prefix, first_step=first_step,
                               existing=existing, after_insert=after)
                faultpoint.reached("storing")  # the transaction open: a kill here leaves nothing
                s.commit()
                faultpoint.reached("stored")  # committed, not yet marked on the server
                return Outcome(item.id, created=True, joined=parent is not None)
        except IntegrityError:
            # another process stored the same message first: exactly once all the same
            with Session(self.engine, expire_on_commit=False) as s:
                existing = already_stored(s, ref)
                if existing is not None:
                    return Outcome(existing.id, created=False)
            raise
        except (OperationalError, InterfaceError, StoreError):
            # the database is busy or away, or the file store is full: not the message's fault.
            # It stays unprocessed on the server and is tried again, rather than kept as `failed`.
            raise
        except Exception as e:  # a bug or a parser crash must not block the mailbox
            log.exception("processing %s %s failed", ref.mailbox, ref.source_key)
            error = f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=8)}"
            subject = _subject_of(raw)
            with Session(self.engine, expire_on_commit=False) as s:
                item = record_failure(s, ref, profile.id, error, subject)
                s.commit()
                return Outcome(item.id, created=existing_id is None, failed=True)


def _derived_with(ahead: ReadAhead, directory: SenderDirectory, received_at: datetime) -> bool:
    """Whether the submission worked out ahead saw this directory (the same object: the cache
    hands out a new one when the rows changed) and this time of receipt."""
    return ahead.derived_with is not None and ahead.derived_with[0] is directory \
        and ahead.derived_with[1] == received_at


def _parent_item(s: Session, report, profile_id: str) -> Item | None:
    """A reply or re-submission joins the item it answers: by tracking code, or by
    In-Reply-To/References naming a message we sent or received about it."""
    if report.tracking_code:
        item = s.exec(select(Item).where(Item.tracking_code == report.tracking_code,
                                         Item.profile == profile_id)).first()
        if item is not None:
            return item
    for ref in [report.in_reply_to, *report.references]:
        if not ref:
            continue
        row = s.exec(select(Outbox).where(Outbox.message_id == ref)).first()
        if row is not None and row.item_id is not None:
            return s.get(Item, row.item_id)
        item = s.exec(select(Item).where(Item.message_id == ref, Item.profile == profile_id)).first()
        if item is not None:
            return item
    return None


def parse_message_id(raw: bytes) -> str | None:
    head = _header_block(raw)
    try:
        msg = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
        value = msg.get("Message-ID")
    except Exception:
        return None
    if not value:
        return None
    value = str(value).strip()
    return value if value.startswith("<") else f"<{value}>"


def _header_block(raw: bytes) -> bytes:
    """The bytes before the first blank line (found, not split: split copied the whole body)."""
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    return raw[:min(ends)] if ends else raw


def _subject_of(raw: bytes) -> str:
    try:
        return parse_message(raw).subject
    except Exception:
        return ""

