"""The IMAP session: connecting and logging in, failures as MailboxError, reconnect delays, NOOP."""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import logging
import random
import ssl
from collections.abc import Iterable, Iterator
from typing import Self

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError, ProtocolError

from tinbai.config import Mailbox

DEFAULT_TIMEOUT = 30.0


class MailboxError(Exception):
    """A one-line description of what failed with the mailbox.

    connection_lost=True: the connection is gone (network, timeout, server shut down, protocol
    confusion); the adapter has dropped it and the caller must connect() again, after a delay.
    False: the server refused one command (a NO, e.g. a missing folder); the connection still works.
    """

    def __init__(self, message: str, *, connection_lost: bool = True) -> None:
        super().__init__(message)
        self.connection_lost = connection_lost


def backoff_delays(base: float = 1.0, cap: float = 300.0) -> Iterator[float]:
    """Delays before reconnect attempts: base, 2·base, 4·base … capped at `cap`, with jitter.

    Each delay is drawn from [d/2, d] so that several daemons cut off by the same outage do not
    all come back in the same second. The iterator never ends; start a new one after a success.
    """
    attempt = 0
    while True:
        d = min(cap, base * 2**attempt)
        yield random.uniform(d / 2, d)
        if d < cap:
            attempt += 1


def one_line(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    return " ".join(text.split())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ImapConnection:
    """One IMAP session with one mailbox: what the reading, marking and waiting parts share."""

    def __init__(
        self, mailbox: Mailbox, password: str | None = None, *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        if mailbox.kind != "imap":
            raise ValueError("ImapMailbox needs a mailbox with kind = 'imap'")
        self.config = mailbox
        self._password = password if password is not None else (mailbox.password() or "")
        self.timeout = timeout
        self.folder = mailbox.folder
        self._client: IMAPClient | None = None
        self._caps: frozenset[str] = frozenset()
        self._known_folders: set[str] = set()
        # an EXISTS the server sent with the answer to some other command (STORE, NOOP…) since
        # the last UID SEARCH: new mail the next IDLE would not be told about again
        self._exists_since_search = False

    @property
    def where(self) -> str:
        c = self.config
        return f"{c.username}@{c.host}:{self.port}/{self.folder}"

    @property
    def port(self) -> int:
        if self.config.port:
            return self.config.port
        return 993 if self.config.security == "ssl" else 143

    @property
    def connected(self) -> bool:
        return self._client is not None

    def _ssl_context(self) -> ssl.SSLContext:
        # With ca_file, only that CA is trusted (a private CA or a self-signed server);
        # otherwise the system's store. Hostname checking stays on either way.
        return ssl.create_default_context(cafile=self.config.ca_file)

    def connect(self) -> None:
        """Open the connection and log in. Raises MailboxError (bad password, TLS, refused…)."""
        self.close()
        c = self.config
        host = c.host or ""
        if c.security == "plain" and not _is_loopback(host):
            # config.py checks this too; a password must never cross a network in clear text
            raise MailboxError(
                f"{self.where}: security 'plain' is allowed on loopback only", connection_lost=False
            )
        try:
            client = IMAPClient(
                host,
                self.port,
                ssl=c.security == "ssl",
                ssl_context=self._ssl_context() if c.security == "ssl" else None,
                timeout=self.timeout,
            )
            client.normalise_times = False  # INTERNALDATE with its zone: it is the receipt time
            quiet_imaplib(client)
        except (OSError, IMAPClientError) as e:
            raise MailboxError(f"{self.where}: cannot connect: {one_line(e)}") from e
        try:
            if c.security == "starttls":
                client.starttls(self._ssl_context())
            client.login(c.username or "", self._password)
            self._caps = frozenset(cap.decode().upper() for cap in client.capabilities())
        except LoginError as e:
            _drop(client)
            raise MailboxError(
                f"{self.where}: login failed (wrong username or password?): {one_line(e)}"
            ) from e
        except (OSError, IMAPClientError) as e:
            _drop(client)
            raise MailboxError(f"{self.where}: cannot start the session: {one_line(e)}") from e
        self._client = client
        self._known_folders.clear()

    def close(self) -> None:
        """Log out if possible; never raises. Safe to call twice."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            # a dead peer answers LOGOUT with EOF at once; a hung one within the timeout
            client.logout()
        except Exception:  # closing must not fail
            _drop(client)

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has_capability(self, name: str) -> bool:
        return name.upper() in self._caps

    def _conn(self) -> IMAPClient:
        if self._client is None:
            raise MailboxError(f"{self.where}: not connected")
        # imaplib keeps every untagged response (EXISTS, RECENT, flag FETCHes…) until someone
        # pops it, and imapclient pops only those of the command it runs: a session that lives
        # for weeks would grow without bound. Responses of finished commands are never needed,
        # except the news that mail arrived.
        untagged = self._client._imap.untagged_responses
        if "EXISTS" in untagged:
            self._exists_since_search = True
        untagged.clear()
        return self._client

    def _failed(self, what: str, e: BaseException) -> MailboxError:
        """Turn an exception into MailboxError; drop the connection if it cannot be trusted any more."""
        lost = connection_lost(e)
        if lost and self._client is not None:
            _drop(self._client)
            self._client = None
        return MailboxError(f"{self.where}: {what}: {one_line(e)}", connection_lost=lost)

    def noop(self) -> bool:
        """Keep the session alive and let the server report changes; True if new mail (EXISTS)."""
        client = self._conn()
        try:
            _, responses = client.noop()
        except (OSError, IMAPClientError) as e:
            raise self._failed("NOOP failed", e) from e
        return has_exists(responses)


def quiet_imaplib(client: IMAPClient) -> None:
    """Stop imaplib from formatting every response for a debug log nobody reads.

    IMAPClient sets imaplib's debug level to 5 and sends its messages to the
    "imapclient.imaplib" logger: imaplib then builds the repr() of every response, message
    bodies included, before the logger drops it (~3 ms of the interpreter lock for a 0.4 MB
    message, a third of a FETCH's time). Kept when that logger would print DEBUG lines."""
    if not logging.getLogger("imapclient.imaplib").isEnabledFor(logging.DEBUG):
        client._imap.debug = 0


def has_exists(responses: Iterable[object]) -> bool:
    return any(isinstance(r, tuple) and len(r) >= 2 and r[1] == b"EXISTS" for r in responses)


def connection_lost(e: BaseException) -> bool:
    """True when, after `e`, the connection can no longer be trusted."""
    if isinstance(e, imaplib.IMAP4.abort | ProtocolError):
        return True  # EOF, BYE, socket errors inside imaplib; a response we could not parse
    if isinstance(e, IMAPClientError):
        # a tagged NO ("select failed: …") or a refusal on our side (wrong state, missing
        # capability) leaves the session usable; after a BAD ("command error") we may be out of step
        return "command error" in str(e)
    return True  # OSError: network, TLS, timeout


def _drop(client: IMAPClient) -> None:
    """Close the socket without a word to the server (it may be gone or hung)."""
    try:
        client.shutdown()
    except Exception:  # the socket may be closed already
        with contextlib.suppress(Exception):
            client.socket().close()
