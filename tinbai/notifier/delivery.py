"""Delivering the outbox: SMTP (SSL, STARTTLS, AUTH) or, by default, a directory of .eml files.

Each pending row is claimed (locked_by/locked_until; `FOR UPDATE SKIP LOCKED` on
PostgreSQL so that several instances never take the same row), sent, and marked
sent. A temporary failure (4xx, a network error) is retried with capped
exponential backoff; a permanent one (5xx) stops and is shown to the board.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import or_
from sqlmodel import Session, col, select

from tinbai.config import Config, ConfigError, Smtp
from tinbai.queue.models import Outbox, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
LOCK_SECONDS = 120


class PermanentFailure(Exception):
    pass


class TemporaryFailure(Exception):
    pass


class _WordsKeepingPolicy(EmailPolicy):
    """email.policy.default, folding unstructured headers with non-ASCII text as the email
    package's RFC 2047 encoder (email.header.Header) writes them.

    Python 3.11's own folder puts the space between two words outside the encoded words when it
    folds a long Vietnamese subject, and decoders drop whitespace between encoded words (RFC 2047
    6.2): "rất dài" arrives as "rấtdài". Header encodes the whole text in words of at most 75
    characters, cut at character boundaries with every space inside a word, so that every
    decoder joins them back as written. Address headers keep the default folding."""

    def fold(self, name: str, value: str) -> str:
        if _encode_as_words(value):
            return f"{name}: {_words(name, value, self)}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if _encode_as_words(value):
            return f"{name}: {_words(name, value, self)}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


def _encode_as_words(value: object) -> bool:
    return isinstance(value, UnstructuredHeader) and not str(value).isascii()


# Q words: the ASCII of a subject (the item's tracking code "TB-2026-000123") stays legible in
# the raw message, for the filters and searches that read it undecoded
_UTF8_Q = Charset("utf-8")
_UTF8_Q.header_encoding = QP


def _words(name: str, value: str, policy: EmailPolicy) -> str:
    # lines of at most 76: a continuation's word then stays within RFC 2047's 75 characters
    width = min(policy.max_line_length or 76, 76)
    return Header(str(value), _UTF8_Q, maxlinelen=width, header_name=name).encode(linesep=policy.linesep)


POLICY = _WordsKeepingPolicy()


def build_email(row: Outbox, sender: str) -> EmailMessage:
    msg = EmailMessage(policy=POLICY)
    msg["From"] = sender
    msg["To"] = row.to_addrs
    msg["Subject"] = row.subject
    msg["Message-ID"] = row.message_id
    msg["Date"] = format_datetime(row.created_at)
    if row.in_reply_to:
        msg["In-Reply-To"] = row.in_reply_to
        msg["References"] = row.in_reply_to
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to our notices
    msg.set_content(row.body_text)
    if row.body_html:
        msg.add_alternative(row.body_html, subtype="html")
    return msg


class Transport:
    """Where emails go: an SMTP server, or files in a directory (the embedded default)."""

    def __init__(self, cfg: Smtp, base: Path):
        self.cfg = cfg
        self.base = base
        self._smtp: smtplib.SMTP | None = None

    def send(self, msg: EmailMessage, recipients: list[str]) -> None:
        if self.cfg.kind == "directory":
            self._write(msg)
        else:
            self._send_smtp(msg, recipients)

    def _write(self, msg: EmailMessage) -> None:
        folder = self.base / self.cfg.directory
        folder.mkdir(parents=True, exist_ok=True)
        name = msg["Message-ID"].strip("<>").replace("/", "_") + ".eml"
        tmp = folder / ("." + name + ".tmp")
        tmp.write_bytes(msg.as_bytes())
        os.replace(tmp, folder / name)  # the same Message-ID overwrites: never two files for one email

    def _connect(self) -> smtplib.SMTP:
        c = self.cfg
        ctx = ssl.create_default_context(cafile=c.ca_file) if c.security != "plain" else None
        if c.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=ctx)
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            if c.security == "starttls":
                smtp.starttls(context=ctx)
        if c.username:
            smtp.login(c.username, c.password() or "")  # login re-sends EHLO after STARTTLS
        return smtp

    def _send_smtp(self, msg: EmailMessage, recipients: list[str]) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.send_message(msg, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as e:
            self.close()
            codes = [code for code, _ in e.recipients.values()]
            detail = "; ".join(f"{r}: {c} {m.decode(errors='replace')}" for r, (c, m) in e.recipients.items())
            if all(400 <= c < 500 for c in codes):
                raise TemporaryFailure(detail) from e
            raise PermanentFailure(detail) from e
        except smtplib.SMTPResponseException as e:
            self.close()
            text = f"{e.smtp_code} {e.smtp_error.decode(errors='replace') if isinstance(e.smtp_error, bytes) else e.smtp_error}"
            if 400 <= e.smtp_code < 500:
                raise TemporaryFailure(text) from e
            if e.smtp_code in (530, 534, 535):  # authentication: the administrator must fix the config
                raise TemporaryFailure(text) from e
            raise PermanentFailure(text) from e
        except (TimeoutError, smtplib.SMTPException, OSError) as e:
            self.close()
            raise TemporaryFailure(f"{type(e).__name__}: {e}") from e
        if refused:
            # some recipients refused, others took it: the email went out; note who did not get it
            log.warning("recipients refused for %s: %s", msg["Message-ID"], refused)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except Exception:  # closing a broken connection
                pass
            self._smtp = None


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def claim_due(session: Session, owner: str, now: datetime, limit: int = 50) -> list[Outbox]:
    q = (select(Outbox)
         .where(Outbox.status == "pending", Outbox.next_attempt_at <= now,
                or_(col(Outbox.locked_until).is_(None), col(Outbox.locked_until) < now))
         .order_by(Outbox.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = list(session.exec(q))
    for row in rows:
        row.locked_by = owner
        row.locked_until = now + timedelta(seconds=LOCK_SECONDS)
        session.add(row)
    session.commit()
    return rows


def deliver_due(engine, config: Config, *, owner: str = "tinbai", now: datetime | None = None) -> dict[str, int]:
    """Send what is due; return counts of sent / retried / failed."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    transport = Transport(config.smtp, config.base_dir())
    try:
        while True:
            # a fixed clock in the past (run --once --now) must still send what is due now
            now_ = max(now, utcnow()) if now else utcnow()
            with Session(engine, expire_on_commit=False) as s:
                rows = claim_due(s, owner, now_)
            if not rows:
                break
            for row in rows:
                recipients = [a.strip() for a in row.to_addrs.split(",") if a.strip()]
                status, error = "sent", None
                try:
                    transport.send(build_email(row, config.smtp.sender), recipients)
                except TemporaryFailure as e:
                    status, error = "pending", str(e)
                except PermanentFailure as e:
                    status, error = "failed", str(e)
                except ConfigError as e:
                    status, error = "pending", str(e)
                except Exception as e:
                    # encode) must not stop the others nor stay locked: retried, and shown to the board
                    transport.close()
                    status, error = "pending", f"{type(e).__name__}: {e}"
                with Session(engine, expire_on_commit=False) as s:
                    fresh = s.get(Outbox, row.id)
                    fresh.attempts += 1
                    fresh.locked_by = fresh.locked_until = None
                    if status == "sent":
                        fresh.status, fresh.sent_at, fresh.last_error = "sent", utcnow(), None
                        counts["sent"] += 1
                    elif status == "pending" and fresh.attempts < MAX_ATTEMPTS:
                        fresh.last_error = error
                        fresh.next_attempt_at = (now or utcnow()) + backoff(fresh.attempts)
                        counts["retry"] += 1
                        log.warning("email %s not sent yet (attempt %d): %s", fresh.id, fresh.attempts, error)
                    else:
                        fresh.status, fresh.last_error = "failed", error
                        counts["failed"] += 1
                        log.error("email %s to %s failed for good: %s", fresh.id, fresh.to_addrs, error)
                    s.add(fresh)
                    s.commit()
    finally:
        transport.close()
    return counts
