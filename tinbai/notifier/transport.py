"""Where emails go: an SMTP server, or files in a directory (the embedded default).

A failure is sorted by whom it is about. ServerDown: the server (or the folder) cannot take any
email now (refused or timed-out connection, 421, a failed login, the password's variable not
set): no email is blamed, the sender probes again in seconds. TemporaryFailure: a 4xx about this
email (a recipient's mailbox full, greylisting): this email waits its own backoff.
PermanentFailure: a 5xx about this email (no such recipient): given up, shown to the board.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from pathlib import Path

from tinbai.config import ConfigError, Smtp
from tinbai.queue.models import Outbox

log = logging.getLogger(__name__)
AUTH_CODES = (530, 534, 535)  # authentication: the administrator must fix the config


class ServerDown(Exception):
    """The server cannot take any email now; not about any one email. login=True: the server
    is up but refuses our login (or the password is not set): the administrator's to fix."""

    def __init__(self, message: str, *, login: bool = False) -> None:
        super().__init__(message)
        self.login = login


class PermanentFailure(Exception):
    """The server refused this email for good (5xx)."""


class TemporaryFailure(Exception):
    """The server refused this email for now (4xx)."""


def _reply(e: smtplib.SMTPResponseException) -> str:
    text = e.smtp_error.decode(errors="replace") if isinstance(e.smtp_error, bytes) else e.smtp_error
    return f"{e.smtp_code} {text}"


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


class _HeaderClasses(HeaderRegistry):
    """The email package's header factory, with each header's class made once.

    HeaderRegistry.__getitem__ builds a new class with type() for every header it is given
    (Python 3.11: a tenth of composing and sending an acknowledgement, and every new class
    resets the interpreter's method caches); the class depends only on the header's name."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        cls = self._made.get(key)
        if cls is None:  # two threads may both make it: the same class either way
            cls = self._made[key] = super().__getitem__(name)
        return cls


POLICY = _WordsKeepingPolicy(header_factory=_HeaderClasses())


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
        name = msg["Message-ID"].strip("<>").replace("/", "_") + ".eml"
        tmp = folder / ("." + name + ".tmp")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(msg.as_bytes())
            os.replace(tmp, folder / name)  # the same Message-ID overwrites: never two files for one email
        except OSError as e:  # the folder full or read-only: no email can be written
            raise ServerDown(f"{folder}: {e.strerror or e}") from e

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
        except ConfigError as e:  # the password's variable is not set: nothing can be sent
            raise ServerDown(str(e), login=True) from e
        except smtplib.SMTPResponseException as e:  # 421 at the greeting, 535 at AUTH…
            self.close()
            raise ServerDown(_reply(e), login=e.smtp_code in AUTH_CODES) from e
        except (TimeoutError, smtplib.SMTPException, OSError) as e:  # refused, TLS, gone
            self.close()
            raise ServerDown(f"{type(e).__name__}: {e}") from e
        try:
            refused = self._smtp.send_message(msg, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as e:
            self.close()
            codes = [code for code, _ in e.recipients.values()]
            detail = "; ".join(f"{r}: {c} {m.decode(errors='replace')}" for r, (c, m) in e.recipients.items())
            if 421 in codes:
                raise ServerDown(detail) from e
            if all(400 <= c < 500 for c in codes):
                raise TemporaryFailure(detail) from e
            raise PermanentFailure(detail) from e
        except smtplib.SMTPResponseException as e:
            self.close()
            text = _reply(e)
            if e.smtp_code == 421 or e.smtp_code in AUTH_CODES:  # the server, not this email
                raise ServerDown(text, login=e.smtp_code in AUTH_CODES) from e
            if 400 <= e.smtp_code < 500:
                raise TemporaryFailure(text) from e
            raise PermanentFailure(text) from e
        except (TimeoutError, smtplib.SMTPException, OSError) as e:
            self.close()
            raise ServerDown(f"{type(e).__name__}: {e}") from e
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
