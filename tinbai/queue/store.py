"""Putting a checked submission into the queue, in one transaction.

enqueue() writes the item, its attachments (files stored once by hash), its
problems, the first review event, the emails it causes (outbox rows) and its
duplicate fingerprints together: either all of it is committed or none, and only
then does the ingest mark the message processed on the mail server.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert
from sqlmodel import Session, col, select

from tinbai.queue.models import (
    Attachment,
    Item,
    ProblemRow,
    ReviewEvent,
    StoredFile,
    utcnow,
)
from tinbai.queue.privacy import identity_values, redact
from tinbai.queue.states import FAILED, NEW
from tinbai.report import AttachmentReport, CheckReport
from tinbai.textutil import strip_diacritics

log = logging.getLogger(__name__)



@dataclass
class SourceRef:
    """Where a message came from: one per stored message, so that it is stored once."""

    mailbox: str
    source_key: str
    raw_sha256: str
    message_id: str | None
    received_at: datetime
    channel: str = "email"  # or brought by hand: "paper", "usb", "cd" (tinbai.ingest.handed)


# The statements of every message, built once: building and compiling a statement anew cost
# ~0.1 ms, five times what SQLite takes to run these (tinbai/ingest is ~20 of them a message).
_BY_SOURCE_KEY = select(Item.id).where(Item.mailbox == bindparam("mailbox"),
                                       Item.source_key == bindparam("key")).limit(1)
_BY_MESSAGE_ID = select(Item.id).where(Item.mailbox == bindparam("mailbox"), Item.message_id == bindparam("mid"),
                                       Item.raw_sha256 == bindparam("sha")).limit(1)
_FILES_KNOWN = select(StoredFile.sha256).where(col(StoredFile.sha256).in_(bindparam("shas", expanding=True)))


def already_stored(session: Session, ref: SourceRef) -> Item | None:
    """The same mailbox+source key, or, in the same mailbox, the same Message-ID with the same
    content hash (a message seen again after a UIDVALIDITY change, or delivered twice).
    Asked for the id first: for a new message (nearly every one) nothing is found, and the
    ORM's select of whole items cost ~1 ms a message for that nothing."""
    conn = session.connection()
    item_id = conn.execute(_BY_SOURCE_KEY, {"mailbox": ref.mailbox, "key": ref.source_key}).scalar()
    if item_id is None and ref.message_id:
        # the same mailbox only: one email sent to two agencies' mailboxes is an item for each
        item_id = conn.execute(_BY_MESSAGE_ID, {"mailbox": ref.mailbox, "mid": ref.message_id,
                                                "sha": ref.raw_sha256}).scalar()
    return session.get(Item, item_id) if item_id is not None else None


def tracking_code(prefix: str, item: Item) -> str:
    year = item.received_at.year
    return f"{prefix}-{year}-{item.id:06d}"


def _flatten(atts: Iterable[AttachmentReport]) -> Iterable[AttachmentReport]:
    for a in atts:
        yield a
        yield from _flatten(a.children)


def _item_search_text(report: CheckReport, names: Iterable[str], texts: Iterable[str], *,
                      with_content: bool = True) -> str:
    """What the queue's search looks in: subject, sender, body, the attachments' names and texts;
    without `with_content`, the sender only (an item held for a state-secret mark)."""
    content = [report.subject or "", report.body_text, *names, *texts] if with_content else []
    parts = [report.sender.name or "", report.sender.address or "", report.sender.unit or "", *content]
    return search_key(" ".join(parts))[:200_000]


def keep_provider_unnamed(item: Item, sender: dict, unnamed: bool = True) -> None:
    """Move the provider's identity out of the search text everyone searches, into the one only
    secretaries and heads search (thainguyen/haiduong Art. 4.2; tinbai.queue.privacy); or back."""
    keys = [search_key(v) for v in identity_values(item, sender)]
    item.provider_unnamed = unnamed
    if unnamed:
        item.search_text = redact(item.search_text, keys, " ")
        item.provider_search = " ".join(keys)
    else:
        # the sender's details searchable again (their mentions inside the texts stay out)
        item.search_text = " ".join([item.search_text, *keys])
        item.provider_search = None


def search_key(text: str) -> str:
    """What the queue's search compares: lower case without diacritics, so that "hoi nghi"
    finds "Hội nghị" and "Hội nghị" finds "hoi nghi"."""
    return " ".join(strip_diacritics(text).lower().split())


def enqueue(
    session: Session,
    report: CheckReport,
    ref: SourceRef,
    *,
    attachment_texts: dict[str, str],
    tracking_prefix: str = "TB",
    first_step: str | None = None,
    existing: Item | None = None,
    after_insert: Callable[[Session, Item, CheckReport], None] | None = None,
) -> Item:
    """Write one submission; the caller commits. `after_insert` adds what else belongs to the
    same transaction (outbox rows, reminders, fingerprints)."""
    now = utcnow()
    flat = list(_flatten(report.attachments))
    classified = "content.classified" in report.codes()  # held: only the head and the agency head open it
    fields = dict(
        profile=report.profile,
        mailbox=ref.mailbox,
        source_key=ref.source_key,
        message_id=ref.message_id,
        raw_sha256=ref.raw_sha256,
        received_at=ref.received_at,
        subject=report.subject or "",
        sender_address=report.sender.address,
        sender_name=report.sender.name,
        sender_unit=report.sender.unit,
        category=report.category,
        anchor_kind=report.anchor.kind,
        anchor_at=report.anchor.at,
        anchor_has_time=report.anchor.has_time,
        deadline=report.deadline,
        verdict=report.verdict,
        classified=classified,
        state=NEW,
        step=first_step,
        report_json=json.dumps(report.to_dict(), ensure_ascii=False),
        # a held item's words are not searchable: a search would tell others what the secret says
        search_text=_item_search_text(report, (a.filename for a in flat), attachment_texts.values(),
                                      with_content=not classified),
        error=None,
        updated_at=now,
        channel=ref.channel,
        provider_unnamed=report.provider_unnamed,
    )
    if existing is not None:  # a failed message retried: the same queue item, now complete
        item = existing
        for k, v in fields.items():
            setattr(item, k, v)
    else:
        item = Item(created_at=now, **fields)
    if report.provider_unnamed:
        keep_provider_unnamed(item, asdict(report.sender))
    session.add(item)
    session.flush()  # the id, for the tracking code and the child rows
    item.tracking_code = tracking_code(tracking_prefix, item)
    quarantine = report.verdict == "quarantine"
    top_level = {id(a) for a in report.attachments}  # archive members live inside their archive's file
    # The child rows go in as Core executemany statements on the session's connection: nothing
    # reads them back in this transaction, and one ORM flush per row was a third of the storing.
    files = {a.sha256: a for a in flat if id(a) in top_level and a.sha256 is not None}
    if files:
        known = set(session.connection().execute(_FILES_KNOWN, {"shas": list(files)}).scalars())
        new_files = [dict(sha256=sha, size=a.size, content_type=a.content_type)
                     for sha, a in files.items() if sha not in known]
        _insert(session, StoredFile, new_files)
    _insert(session, Attachment, [dict(
        item_id=item.id, path=a.path or a.filename, filename=a.filename,
        sha256=a.sha256 if id(a) in top_level else None, size=a.size,
        detected_type=a.detected_type, text_encoding=a.text_encoding, red_stamp=a.red_stamp,
        digital_signature=a.digital_signature, quarantined=quarantine,
        text=attachment_texts.get(a.path or a.filename, ""),
        facts_json=json.dumps({
            "facts": a.facts, "seals": [s.__dict__ for s in a.seals],
            "signatures": [_sig(s) for s in a.signatures],
            "document": a.document.__dict__ if a.document else None,
            "text_from_ocr": a.text_from_ocr, "pages": a.pages, "sha256": a.sha256,
        }, ensure_ascii=False, default=str),
    ) for a in flat])
    _insert(session, ProblemRow, [dict(item_id=item.id, code=p.code, severity=p.severity, attachment=p.attachment,
                                       detail=p.detail, article=p.article) for p in report.problems])
    _insert(session, ReviewEvent, [dict(item_id=item.id, at=now, actor="tinbai", action="received", to_state=NEW,
                                        from_state=None, step=first_step,
                                        comment=f"Đề xuất tự động: {report.verdict}")])
    if after_insert:
        after_insert(session, item, report)
    return item


def _insert(session: Session, model: type, rows: list[dict]) -> None:
    if rows:
        session.connection().execute(_insert_into(model), rows)


@functools.cache
def _insert_into(model: type):
    """The model's INSERT, built once (see the statements above)."""
    return insert(model.__table__)


def record_failure(session: Session, ref: SourceRef, profile: str, error: str, subject: str = "") -> Item:
    """A message whose processing broke: kept in the queue as `failed`, retryable, never lost."""
    now = utcnow()
    item = already_stored(session, ref)
    if item is None:
        item = Item(profile=profile, mailbox=ref.mailbox, source_key=ref.source_key, message_id=ref.message_id,
                    raw_sha256=ref.raw_sha256, received_at=ref.received_at, subject=subject, state=FAILED,
                    created_at=now, updated_at=now)
        session.add(item)
        session.flush()
    item.state = FAILED
    item.error = error[:4000]
    item.attempts += 1
    item.updated_at = now
    session.add(ReviewEvent(item_id=item.id, at=now, actor="tinbai", action="failed", to_state=FAILED,
                            comment=error[:1000]))
    return item


def _sig(s) -> dict:
    d = dict(s.__dict__)
    if d.get("signed_at") is not None:
        d["signed_at"] = d["signed_at"].isoformat()
    return d
