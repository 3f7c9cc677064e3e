"""The transactional outbox: an email is a row written with the change that caused it.

A row's Message-ID is fixed when the row is written, so that a crash between
sending and marking the row sent can only make the same email go out again
(which receiving servers and clients recognise), never two different emails.
`dedupe_key` makes writing the same notice twice a no-op.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from tinbai.config import Config
from tinbai.queue.models import Outbox, utcnow


def sender_domain(config: Config) -> str:
    """The domain of the Message-IDs tinbai writes: the one of its sending address."""
    addr = config.smtp.sender
    return addr.rsplit("@", 1)[1].strip(" >") if "@" in addr else "tinbai.local"


def stable_message_id(kind: str, key: str, domain: str) -> str:
    digest = hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()[:24]
    return f"<tinbai.{kind}.{digest}@{domain}>"


# built once: one per email queued, and building it cost five times running it
_BY_DEDUPE_KEY = select(Outbox.id).where(Outbox.dedupe_key == bindparam("key")).limit(1)


def queue_email(
    session: Session,
    *,
    kind: str,
    to: list[str],
    subject: str,
    body_text: str,
    body_html: str | None = None,
    item_id: int | None = None,
    dedupe_key: str,
    in_reply_to: str | None = None,
    domain: str = "tinbai.local",
    not_before: datetime | None = None,
) -> Outbox | None:
    """Add an email to the outbox in the caller's transaction; None if this notice exists already."""
    if not to:
        return None
    if session.connection().execute(_BY_DEDUPE_KEY, {"key": dedupe_key}).first() is not None:
        return None
    now = utcnow()
    row = Outbox(
        message_id=stable_message_id(kind, dedupe_key, domain),
        item_id=item_id,
        kind=kind,
        dedupe_key=dedupe_key,
        to_addrs=", ".join(sorted(set(to))),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        in_reply_to=in_reply_to,
        status="pending",
        next_attempt_at=not_before or now,
        created_at=now,
    )
    session.add(row)
    return row
