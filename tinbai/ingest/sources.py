"""One pass over one mailbox: find what is new, store it, then mark it processed.

New mail is found by what the database has stored (UIDs per UIDVALIDITY for
IMAP, keys for Maildir), never by the \\Seen flag: a message someone already
opened in a mail client is still new to tinbai. The server-side flag or move
happens only after the item is committed and on disk (make_durable).
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, col, select

from tinbai.config import ConfigError, Mailbox
from tinbai.ingest.archive import StoreError
from tinbai.ingest.imap import ImapMailbox, MailboxError
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.ingest.runner import Ingestor
from tinbai.queue.db import make_durable
from tinbai.queue.models import Item, MailboxState, utcnow

log = logging.getLogger(__name__)

# A pass that breaks on one of these leaves the message it was on unmarked on the server
# (nothing half-stored): the mailbox is tried again later. The network or the server
# (MailboxError), a full or read-only archive (StoreError), the database busy or away.
RETRY_LATER = (MailboxError, StoreError, OperationalError, InterfaceError)


@dataclass
class PassResult:
    mailbox: str
    found: int = 0
    created: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    # the mailbox could not be reached: "network" (the server, the address, the login) or
    # "config" (its password's variable not set); None when it was read, or broke on our side
    unreachable: str | None = None


def _state(s: Session, name: str) -> MailboxState:
    st = s.get(MailboxState, name)
    if st is None:
        st = MailboxState(name=name)
        s.add(st)
        s.flush()
    return st


def record_ok(engine, name: str, backlog: int) -> None:
    with Session(engine) as s:
        st = _state(s, name)
        st.last_check_ok_at = utcnow()
        st.backlog = backlog
        s.add(st)
        s.commit()


def record_error(engine, name: str, error: str) -> None:
    with Session(engine) as s:
        st = _state(s, name)
        st.last_error = error[:2000]
        st.last_error_at = utcnow()
        s.add(st)
        s.commit()


def stored_keys(engine, name: str, keys: list[str]) -> set[str]:
    """Which of these source keys of the mailbox are stored: asked for the keys in hand, a pass
    reads as many rows as the mailbox has messages, not every item the mailbox ever had (the
    IMAP pass once read all 100,000 of them to skip none)."""
    found: set[str] = set()
    with Session(engine) as s:
        for start in range(0, len(keys), 500):
            found.update(s.exec(select(Item.source_key).where(
                Item.mailbox == name, col(Item.source_key).in_(keys[start:start + 500]))))
    return found


T = TypeVar("T")

# How far the analyses run ahead of the storing: messages vary (a text email is read in no
# time, one with three photos in 100 ms), and with only one message ahead per analysis thread
# the threads waited on the storing as often as it waited on them. Three per thread kept both
# busy (150 messages of the bench mix from a Maildir: 31 ms a message against 43); the bytes
# held are capped as well.
AHEAD_PER_THREAD = 3
AHEAD_MAX_BYTES = 48 * 1024 * 1024


def _analysed_ahead(ingestor: Ingestor, profile, messages: Iterable[tuple[T, bytes | None, datetime | None]]
                    ) -> Iterator[tuple[T, Future | None]]:
    """(message, future of its analysis) in the order given, each analysis started up to
    AHEAD_PER_THREAD messages per analysis thread before the caller gets to it (and no more
    than AHEAD_MAX_BYTES of raw messages, but always one per thread): enough to keep them busy,
    few enough to bound memory (each holds its raw message and what was read from it).
    `messages` is pulled in the caller's thread (an IMAP connection is used only by the thread
    that owns it); raw None is passed through with no analysis. Only analysis runs ahead:
    everything with an effect on the queue (database, marking on the server) stays in the
    caller's loop, one message after another.
    Close it (try/finally) so that an early exit does not leave analyses running."""
    pending: deque[tuple[T, Future | None, int]] = deque()
    held = 0
    most = ingestor.workers * AHEAD_PER_THREAD
    try:
        for msg, raw, received_at in messages:
            size = len(raw) if raw is not None else 0
            pending.append((msg, ingestor.analyse_ahead(profile, raw, received_at) if raw is not None else None,
                            size))
            held += size
            while len(pending) > ingestor.workers and (len(pending) > most or held > AHEAD_MAX_BYTES):
                m, f, n = pending.popleft()
                held -= n
                yield m, f
        while pending:
            m, f, _n = pending.popleft()
            yield m, f
    finally:
        # the pass ended early (lease lost, an error to retry later): what was read ahead is
        # dropped unstored; not yet started is cancelled, running analyses are let finish
        futures = [f for _m, f, _n in pending if f is not None]
        for f in futures:
            f.cancel()
        wait(futures)


# Messages are marked on the server (flag or move) a few at a time, in one command, after their
# commits are on disk (make_durable: one fsync a batch): a command and an fsync per message were
# a round trip and ~3 ms the storing waited for. Stored but not yet marked when the pass breaks,
# they are marked by the next pass without being read again.
MARK_EVERY = 20


def maildir_pass(ingestor: Ingestor, name: str, box: Mailbox, progress=None, keep_going=None) -> PassResult:
    profile = ingestor.config.profile_for_mailbox(name)
    md = MaildirMailbox(ingestor.config.resolve(box.path))
    result = PassResult(name)
    keys = md.keys()
    done = stored_keys(ingestor.engine, name, [f"maildir:{k}" for k in keys])
    todo = [k for k in keys if f"maildir:{k}" not in done]
    # messages stored earlier but not yet marked (a crash between commit and mark): mark them now
    stored_before = [k for k in keys if f"maildir:{k}" in done]
    if stored_before:
        make_durable(ingestor.engine)
    for k in stored_before:
        md.mark_done(k)
    result.found = len(todo)
    committed: list[str] = []  # stored, not yet moved to cur/

    def mark_committed() -> None:
        if committed:
            make_durable(ingestor.engine)  # on disk before the message leaves new/
        for k in committed:
            md.mark_done(k)
        committed.clear()

    def read_all():
        for key in todo:
            got = md.read(key)
            yield (key, got), *(got if got is not None else (None, None))

    ahead = _analysed_ahead(ingestor, profile, read_all())
    try:
        for i, ((key, got), analysed) in enumerate(ahead, 1):
            if keep_going is not None and not keep_going():
                break  # the lease was lost or handed over: the new holder goes on from here
            if got is None:
                result.skipped += 1
                continue
            raw, received = got
            outcome = ingestor.process(name, profile, f"maildir:{key}", raw, received, analysed)
            result.created += outcome.created
            result.failed += outcome.failed
            committed.append(key)  # marked after its commit is on disk, a few at a time
            if len(committed) >= MARK_EVERY:
                mark_committed()
            if progress:
                progress(name, i, len(todo))
    finally:
        ahead.close()
        mark_committed()
    record_ok(ingestor.engine, name, 0)
    return result


def imap_pass(ingestor: Ingestor, name: str, box: Mailbox, client: ImapMailbox, progress=None,
              keep_going=None) -> PassResult:
    """One pass on a connected, selected IMAP mailbox. Raises MailboxError on network trouble."""
    profile = ingestor.config.profile_for_mailbox(name)
    engine = ingestor.engine
    result = PassResult(name)
    folder = client.select()
    with Session(engine) as s:
        st = _state(s, name)
        if st.uidvalidity != folder.uidvalidity:
            if st.uidvalidity is not None:
                # the mailbox was recreated: UIDs start over. Messages stored before are
                # recognised by Message-ID and content hash, so nothing is doubled.
                log.warning("%s: UIDVALIDITY changed %s -> %s; re-syncing", name, st.uidvalidity, folder.uidvalidity)
            st.uidvalidity = folder.uidvalidity
            st.uid_watermark = 0
            s.add(st)
            s.commit()
        watermark = st.uid_watermark
    prefix = f"imap:{folder.uidvalidity}:"
    uids = client.uids_after(watermark)
    done = {int(k[len(prefix):]) for k in stored_keys(engine, name, [f"{prefix}{u}" for u in uids])}
    todo = [u for u in uids if u not in done]
    already = [u for u in uids if u in done]
    if already:
        make_durable(engine)
    client.mark_done(already, box.after, box.move_to)  # stored before a crash could mark them
    result.found = len(todo)
    fetched: set[int] = set()
    committed: list[int] = []  # stored, not yet marked on the server
    # fetching (this thread, the connection's owner) and analysis run a few messages ahead;
    # storing and mark_done stay here, in UID order, each mark after that message's commit
    ahead = _analysed_ahead(ingestor, profile, (((uid, raw, internaldate), raw, internaldate)
                                                for uid, raw, internaldate in client.fetch_messages(todo)))
    try:
        for i, ((uid, raw, internaldate), analysed) in enumerate(ahead, 1):
            if keep_going is not None and not keep_going():
                break  # the lease was lost or handed over: the new holder goes on from here
            fetched.add(uid)
            received = internaldate or utcnow()
            outcome = ingestor.process(name, profile, f"{prefix}{uid}", raw, received, analysed)
            result.created += outcome.created
            result.failed += outcome.failed
            committed.append(uid)
            done.add(uid)
            if len(committed) >= MARK_EVERY:
                make_durable(engine)
                client.mark_done(committed, box.after, box.move_to)
                committed.clear()
            if progress:
                progress(name, i, len(todo))
    except BaseException:
        # the pass broke (the archive full, the database away): what is stored is marked now if
        # the connection still works, else by the next pass, without reading it again
        with contextlib.suppress(MailboxError, OSError):
            make_durable(engine)
            client.mark_done(committed, box.after, box.move_to)
        raise
    finally:
        ahead.close()
    make_durable(engine)
    client.mark_done(committed, box.after, box.move_to)
    result.skipped = len(set(todo) - fetched)  # deleted by another client meanwhile
    # advance the watermark over the leading run of stored UIDs (a failed or skipped
    # message keeps it back, so the next pass looks at that UID again)
    new_mark = watermark
    for u in sorted(uids):
        if u not in done:
            break
        new_mark = u
    with Session(engine) as s:
        st = _state(s, name)
        if st.uidvalidity == folder.uidvalidity and new_mark > st.uid_watermark:
            st.uid_watermark = new_mark
        st.last_check_ok_at = utcnow()
        st.backlog = 0
        s.add(st)
        s.commit()
    return result


def open_imap(box: Mailbox) -> ImapMailbox:
    client = ImapMailbox(box, box.password())
    client.connect()
    return client


def mailbox_pass(ingestor: Ingestor, name: str, box: Mailbox, progress=None, keep_going=None) -> PassResult:
    """One pass with its own connection (run --once, polling); errors are recorded, not raised."""
    try:
        if box.kind == "maildir":
            return maildir_pass(ingestor, name, box, progress, keep_going)
        client = open_imap(box)
        try:
            return imap_pass(ingestor, name, box, client, progress, keep_going)
        finally:
            client.close()
    except (*RETRY_LATER, ConfigError) as e:
        error = describe(e)
        try:
            record_error(ingestor.engine, name, error)
        except (OperationalError, InterfaceError) as db:  # the database itself is what failed
            log.warning("%s: could not record the error: %s", name, db)
        log.error("%s: %s", name, error)
        return PassResult(name, errors=[error], unreachable=unreachable(e))


def describe(e: BaseException) -> str:
    """A mailbox's failure in one line, as `status` shows it."""
    if isinstance(e, MailboxError | ConfigError):
        return str(e)
    return f"{type(e).__name__}: {' '.join(str(e).split())[:500]}"


def unreachable(e: BaseException) -> str | None:
    if isinstance(e, ConfigError):
        return "config"
    if isinstance(e, MailboxError):
        return "network"
    return None


def is_failing(st: MailboxState) -> bool:
    """Its last check failed (it has never been read, or failed since it last was)."""
    return st.last_error_at is not None and (st.last_check_ok_at is None or st.last_error_at > st.last_check_ok_at)


def is_stale(st: MailboxState, box: Mailbox, now: datetime | None = None) -> bool:
    """Unread too long: never checked and already failed, or no good check for longer than the
    mailbox allows."""
    now = now or datetime.now(UTC)
    if st.last_check_ok_at is None:
        return st.last_error_at is not None
    return (now - st.last_check_ok_at).total_seconds() > box.stale_after_minutes * 60
