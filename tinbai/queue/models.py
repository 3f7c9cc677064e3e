"""The queue's tables (SQLModel). Alembic migrations under tinbai/queue/migrations
create and change them; nothing calls create_all outside the tests of a migration.

Times are stored as timezone-aware UTC; the application shows them in the
configured zone (settings.timezone, by default Asia/Ho_Chi_Minh). JSON documents
(the check report, file facts) are stored as text so that SQLite and PostgreSQL
behave the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from tinbai.queue.states import NEW


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite too (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def TZ(*, nullable: bool, **kw):  # a column factory, named like a type
    default = None if nullable else utcnow
    key = "default" if nullable else "default_factory"
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, **kw), **{key: default})


class MailboxState(SQLModel, table=True):
    """Per mailbox: where ingestion stands and how healthy it is."""

    __tablename__ = "mailbox_state"
    name: str = Field(primary_key=True)
    uidvalidity: int | None = None
    # every UID <= uid_watermark is stored; UIDs above it are looked up one by one
    uid_watermark: int = 0
    last_check_ok_at: datetime | None = TZ(nullable=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_error_at: datetime | None = TZ(nullable=True)
    backlog: int = 0
    # multi-instance mode: who works this mailbox, until when
    lease_owner: str | None = None
    lease_until: datetime | None = TZ(nullable=True)


class ServiceState(SQLModel, table=True):
    """A server tinbai sends to (the SMTP server: name "smtp"): whether it is down, since when
    and why. Written only when that changes, so that `status` and every process see an outage."""

    __tablename__ = "service_state"
    name: str = Field(primary_key=True)
    down_since: datetime | None = TZ(nullable=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_ok_at: datetime | None = TZ(nullable=True)


class Instance(SQLModel, table=True):
    """A running daemon in multi-instance mode (PostgreSQL): its heartbeat, for the fair share
    of mailboxes each takes (tinbai.queue.lease)."""

    __tablename__ = "instance"
    owner: str = Field(primary_key=True)  # host/pid/random, as in mailbox_state.lease_owner
    host: str | None = None
    pid: int | None = None
    started_at: datetime = TZ(nullable=False)
    seen_at: datetime = TZ(nullable=False)


class StoredFile(SQLModel, table=True):
    """An attachment's bytes, stored once by hash under var/files/."""

    __tablename__ = "stored_file"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    content_type: str | None = None


class Item(SQLModel, table=True):
    """One submission (one email) in the board's queue."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("mailbox", "source_key", name="uq_item_source"),
        Index("ix_item_msgid_hash", "message_id", "raw_sha256"),
        Index("ix_item_state_deadline", "state", "deadline"),
    )
    id: int | None = Field(default=None, primary_key=True)
    tracking_code: str | None = Field(default=None, index=True)
    profile: str = Field(index=True)
    mailbox: str
    source_key: str  # "imap:<uidvalidity>:<uid>" or "maildir:<key>" or "file:<sha256>"
    message_id: str | None = None
    raw_sha256: str = Field(max_length=64)
    received_at: datetime = TZ(nullable=False)
    subject: str = Field(default="", sa_column=Column(Text))
    sender_address: str | None = None
    sender_name: str | None = None
    sender_unit: str | None = None
    category: str | None = None
    anchor_kind: str | None = None
    anchor_at: datetime | None = TZ(nullable=True)
    anchor_has_time: bool = True
    deadline: datetime | None = TZ(nullable=True)
    verdict: str | None = None
    # new → in_review → … → published | refused | returned; failed when processing broke
    state: str = Field(default=NEW, index=True)
    step: str | None = None  # the review step the item is at
    holder: str | None = None  # who holds it now (user email)
    report_json: str = Field(default="{}", sa_column=Column(Text))
    search_text: str = Field(default="", sa_column=Column(Text))  # lower case, no diacritics
    error: str | None = Field(default=None, sa_column=Column(Text))
    attempts: int = 0
    parent_id: int | None = Field(default=None, foreign_key="item.id")  # a reply joins its item
    sensitive: bool = False
    # how it reached the board: "email", or brought by hand ("paper", "usb", "cd": tinbai.config.duties)
    channel: str = Field(default="email")
    # the provider asked to stay unnamed: name, address and phone shown to secretaries and heads only;
    # then search_text holds none of them and provider_search (searched for those two only) holds them
    provider_unnamed: bool = False
    provider_search: str | None = Field(default=None, sa_column=Column(Text))
    # a state-secret mark was found (content.classified): only the board's head and the agency head open it
    classified: bool = False
    deadline_extended: bool = False  # a reviewer gave it its category's longer limit (binhphuoc Art. 9.3.e)
    published_url: str | None = None
    published_at: datetime | None = TZ(nullable=True)
    created_at: datetime = TZ(nullable=False)
    updated_at: datetime = TZ(nullable=False)


class Attachment(SQLModel, table=True):
    __tablename__ = "attachment"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    path: str  # "a.zip/b.docx" for archive members
    filename: str
    sha256: str | None = Field(default=None, foreign_key="stored_file.sha256")
    size: int = 0
    detected_type: str = "unknown"
    text_encoding: str | None = None
    red_stamp: bool | None = None
    digital_signature: bool | None = None
    quarantined: bool = False
    text: str = Field(default="", sa_column=Column(Text))
    facts_json: str = Field(default="{}", sa_column=Column(Text))


class ProblemRow(SQLModel, table=True):
    __tablename__ = "problem"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    code: str
    severity: str
    attachment: str | None = None
    detail: str = Field(default="", sa_column=Column(Text))
    article: str | None = None


class ReviewEvent(SQLModel, table=True):
    """Append-only audit log: who did what to an item, when, and why."""

    __tablename__ = "review_event"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    at: datetime = TZ(nullable=False)
    actor: str  # a user's email, or "tinbai" for the daemon
    action: str
    from_state: str | None = None
    to_state: str | None = None
    step: str | None = None
    comment: str | None = Field(default=None, sa_column=Column(Text))
    ground: str | None = None  # a refusal's ground (a key of the profile's refusal_grounds)


class Outbox(SQLModel, table=True):
    """Every outgoing email, written in the transaction of the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True)  # stable: a resend after a crash is the same email
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    kind: str  # acknowledgement, correction, reminder, overdue, escalation, refusal, publication
    dedupe_key: str | None = Field(default=None, unique=True)  # e.g. "ack:<item>", "reminder:<item>:<kind>:<at>"
    to_addrs: str  # comma-separated
    subject: str = Field(sa_column=Column(Text))
    body_text: str = Field(sa_column=Column(Text))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    in_reply_to: str | None = None
    status: str = Field(default="pending", index=True)  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = TZ(nullable=False)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = TZ(nullable=False)
    sent_at: datetime | None = TZ(nullable=True)
    locked_by: str | None = None
    locked_until: datetime | None = TZ(nullable=True)


class UnitForward(SQLModel, table=True):
    """Feedback forwarded to the unit in charge, whose answer the board awaits (binhphuoc Art. 11.2:
    the unit head answers within 15 working days; Art. 11.3: the board may set another date)."""

    __tablename__ = "unit_forward"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    unit: str
    addresses: str  # comma-separated: where the unit receives it (its head's and deputies' addresses)
    forwarded_by: str
    forwarded_at: datetime = TZ(nullable=False)
    due_at: datetime = TZ(nullable=False)
    answered_at: datetime | None = TZ(nullable=True)
    answer_item_id: int | None = Field(default=None, foreign_key="item.id")  # the unit's reply, joined


class ReminderRow(SQLModel, table=True):
    """A planned reminder about an item's deadline; replanned when the deadline or holder changes."""

    __tablename__ = "reminder"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    kind: str  # due_soon | due_now | overdue | escalation
    due_at: datetime = TZ(nullable=False)
    recipient: str | None = None
    overdue_days: int = 0
    status: str = Field(default="planned", index=True)  # planned | sent | cancelled
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")


class Fingerprint(SQLModel, table=True):
    """What makes two submissions the same (REGULATIONS §5 ground (d)): file and text hashes,
    the MinHash LSH bands of the text for near-duplicates, and the text's sentences (how many items
    contain a sentence says whether it is boilerplate: tinbai.queue.history)."""

    __tablename__ = "fingerprint"
    __table_args__ = (Index("ix_fingerprint_lookup", "kind", "value", "profile", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    profile: str
    kind: str  # "file" | "text" | "band" | "sentence"
    value: str
    minhash: str | None = Field(default=None, sa_column=Column(Text))  # kind "text": the signature


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True)
    name: str | None = None
    password_hash: str
    role: str  # secretary | member | head | agency_head | admin | viewer
    profiles: str = ""  # comma-separated profile ids; "*" for all
    disabled: bool = False
    must_change_password: bool = True
    created_at: datetime = TZ(nullable=False)


class UnitRow(SQLModel, table=True):
    """A unit that sends to the board, kept by the board (imported from config.toml on first
    start: tinbai.queue.directory). Lists are comma-separated; a unit is retired, never deleted,
    so that its past items keep their unit."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("profile", "name", name="uq_unit_name"),)
    id: int | None = Field(default=None, primary_key=True)
    profile: str = Field(index=True)
    name: str
    domains: str = ""
    addresses: str = ""
    leaders: str = ""
    focal_name: str | None = None  # kontum Art. 9.1.a: the unit's focal person
    focal_email: str | None = None
    focal_phone: str | None = None
    quota_per_month: int | None = None
    retired: bool = False
    created_at: datetime = TZ(nullable=False)
    updated_at: datetime = TZ(nullable=False)


class ContributorRow(SQLModel, table=True):
    """A person who sends items (a unit's staff, a registered contributor), kept by the board."""

    __tablename__ = "contributor"
    __table_args__ = (UniqueConstraint("profile", "email", name="uq_contributor_email"),)
    id: int | None = Field(default=None, primary_key=True)
    profile: str = Field(index=True)
    name: str
    email: str  # lower case
    phone: str | None = None
    title: str | None = None
    postal_address: str | None = None
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    retired: bool = False
    created_at: datetime = TZ(nullable=False)
    updated_at: datetime = TZ(nullable=False)


class ItemCredit(SQLModel, table=True):
    """What a reviewer set for the royalty sheet when it differs from what tinbai reads: the
    authors (a JSON list of names), the kind, words or photos counted."""

    __tablename__ = "item_credit"
    item_id: int = Field(foreign_key="item.id", primary_key=True)
    authors: str = Field(default="[]", sa_column=Column(Text))
    kind: str | None = None
    words: int | None = None
    photos: int | None = None
    set_by: str
    set_at: datetime = TZ(nullable=False)


class DutyRun(SQLModel, table=True):
    """A periodic duty done for a period (chasing for 2026-11, the daily duty for 2026-11-20):
    written in the transaction of its emails, unique, so that it is done once whatever the
    number of instances and restarts."""

    __tablename__ = "duty_run"
    __table_args__ = (UniqueConstraint("job", "profile", "period", name="uq_duty_run"),)
    id: int | None = Field(default=None, primary_key=True)
    job: str  # "chasing" | "daily_post"
    profile: str
    period: str
    done_at: datetime = TZ(nullable=False)
    emails: int = 0
    note: str = Field(default="", sa_column=Column(Text))


class WebSession(SQLModel, table=True):
    """A signed-in browser (tinbai.web.sessions): the cookie carries only a random token, this row
    says whose it is, so that logout, a password change, a disabled account or the idle timeout
    end it on every instance at once. Only the token's hash is kept."""

    __tablename__ = "web_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    csrf: str
    created_at: datetime = TZ(nullable=False)
    seen_at: datetime = TZ(nullable=False)
    address: str | None = None  # the client's address at sign-in, for the administrator


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per client address and per account name (tinbai.web.throttle): each
    failure makes the next try wait longer, up to a cap; nothing is ever locked."""

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True)  # "address:<ip>" or "account:<email as typed>"
    failures: int = 0
    last_failure_at: datetime = TZ(nullable=False)
    next_try_at: datetime = TZ(nullable=False)


class PasswordReset(SQLModel, table=True):
    """A "forgot password" link: one use, a short life; only the token's hash is kept."""

    __tablename__ = "password_reset"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = TZ(nullable=False)
    expires_at: datetime = TZ(nullable=False)
    used_at: datetime | None = TZ(nullable=True)
