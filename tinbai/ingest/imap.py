"""A thin adapter over imapclient: the few things the daemon does with an IMAP mailbox.

New mail is found by UID (UID SEARCH UID n:*), never by the \\Seen flag: a colleague who reads
a submission in webmail must not hide it from us. Bodies are fetched with BODY.PEEK[], which
leaves \\Seen alone; the message is marked (flag or move) only by mark_done(), which the caller
runs after its database commit. Every network or protocol failure surfaces as MailboxError
with a one-line message; the caller logs it, closes, and reconnects after backoff_delays().
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import logging
import random
import ssl
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal, Self

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError, ProtocolError

from tinbai.config import Mailbox

log = logging.getLogger(__name__)

Action = Literal["seen", "move", "none"]

# RFC 2177: a client should re-issue IDLE at least every 29 minutes, or the server may log it out.
IDLE_RENEW_SECONDS = 25 * 60
# The first IDLE after a pass is ended this soon and followed by NOOP. Mail that reaches the
# folder between the NOOP before IDLE and the moment the server starts watching is announced by
# neither (seen on the latency bench: 1 message in ~300 waited the whole 60 s wait); NOOP
# a second later finds it. The rounds after the first are as long as the caller asked.
IDLE_FIRST_ROUND_SECONDS = 1.0
DEFAULT_TIMEOUT = 30.0
# Bodies held at once per round trip. imaplib keeps a response's literals and its lines as
# well, so the peak is about twice this: 16 MB is a dozen phone photos, plenty to amortise
# the round trip on a LAN, and keeps the daemon's memory flat under a backlog of big emails.
MAX_BATCH_BYTES = 16 * 1024 * 1024
_SEEN = b"\\Seen"
_DELETED = b"\\Deleted"


class MailboxError(Exception):
    """A one-line description of what failed with the mailbox.

    connection_lost=True: the connection is gone (network, timeout, server shut down, protocol
    confusion); the adapter has dropped it and the caller must connect() again, after a delay.
    False: the server refused one command (a NO, e.g. a missing folder); the connection still works.
    """

    def __init__(self, message: str, *, connection_lost: bool = True) -> None:
        super().__init__(message)
        self.connection_lost = connection_lost


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    uidnext: int
    exists: int


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


def _one_line(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    return " ".join(text.split())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ImapMailbox:
    """One IMAP connection to one folder of one mailbox. Not thread-safe: one per worker.

    >>> box = ImapMailbox(config.mailboxes["thainguyen"])
    >>> box.connect(); state = box.select()
    >>> for uid, raw in box.fetch(box.uids_after(last_uid)): ...
    """

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

    # ----- connection -------------------------------------------------------------------------------
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
            raise MailboxError(f"{self.where}: cannot connect: {_one_line(e)}") from e
        try:
            if c.security == "starttls":
                client.starttls(self._ssl_context())
            client.login(c.username or "", self._password)
            self._caps = frozenset(cap.decode().upper() for cap in client.capabilities())
        except LoginError as e:
            _drop(client)
            raise MailboxError(
                f"{self.where}: login failed (wrong username or password?): {_one_line(e)}"
            ) from e
        except (OSError, IMAPClientError) as e:
            _drop(client)
            raise MailboxError(f"{self.where}: cannot start the session: {_one_line(e)}") from e
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
        lost = _connection_lost(e)
        if lost and self._client is not None:
            _drop(self._client)
            self._client = None
        return MailboxError(f"{self.where}: {what}: {_one_line(e)}", connection_lost=lost)

    # ----- reading ----------------------------------------------------------------------------------
    def select(self) -> FolderState:
        """Select the folder (read-write). A UIDVALIDITY unlike the stored one means: UIDs were reset."""
        client = self._conn()
        try:
            r = client.select_folder(self.folder)
        except (OSError, IMAPClientError) as e:
            raise self._failed("cannot open the folder", e) from e
        # SELECT's own EXISTS is the folder's size, not news: the caller has it in the result
        client._imap.untagged_responses.clear()
        self._exists_since_search = False
        return FolderState(
            uidvalidity=int(r.get(b"UIDVALIDITY", 0)),
            uidnext=int(r.get(b"UIDNEXT", 0)),
            exists=int(r.get(b"EXISTS", 0)),
        )

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above `last_uid` in the selected folder, ascending. Flags play no part."""
        client = self._conn()
        self._exists_since_search = False  # what arrived before this SEARCH, it finds
        try:
            found = client.search(["UID", f"{last_uid + 1}:*"])
        except (OSError, IMAPClientError) as e:
            raise self._failed("UID SEARCH failed", e) from e
        # "n:*" with n above the highest UID still matches the highest message (RFC 3501 6.4.8)
        return sorted(u for u in found if u > last_uid)

    def fetch(
        self, uids: Iterable[int], batch: int = 100, *, max_bytes: int = MAX_BATCH_BYTES
    ) -> Iterator[tuple[int, bytes]]:
        """(uid, raw bytes) for each UID still present, ascending (see fetch_messages)."""
        for uid, raw, _received in self.fetch_messages(uids, batch, max_bytes=max_bytes):
            yield uid, raw

    def fetch_messages(
        self, uids: Iterable[int], batch: int = 100, *, max_bytes: int = MAX_BATCH_BYTES
    ) -> Iterator[tuple[int, bytes, datetime | None]]:
        """(uid, raw bytes, INTERNALDATE) for each UID still present, ascending.

        Up to `batch` messages per round trip, and no more than `max_bytes` of them at once (a
        single bigger message comes alone), so that a run of 25 MB attachments cannot fill the
        memory. BODY.PEEK[] leaves \\Seen unset. A message expunged by another client is skipped.
        Each round trip completes before its messages are yielded: other calls (mark_done) are
        fine between two items. INTERNALDATE is when the server received the message.
        """
        wanted = sorted(set(uids))
        for i in range(0, len(wanted), batch):
            meta = self._fetch_items(wanted[i : i + batch], ["RFC822.SIZE", "INTERNALDATE"],
                                     b"RFC822.SIZE", int, extra=b"INTERNALDATE")
            sizes = {uid: size for uid, (size, _d) in meta.items()}
            for group in _groups_by_size(sorted(sizes.items()), max_bytes):
                bodies = self._fetch_items(group, ["BODY.PEEK[]"], b"BODY[]", bytes)
                for uid in group:
                    if uid in bodies:
                        received = meta[uid][1]
                        yield uid, bodies[uid][0], _stdlib_zone(received) if isinstance(received, datetime) else None

    def _fetch_items(self, uids: list[int], items: list[str], key: bytes, kind: type,
                     extra: bytes | None = None) -> dict[int, tuple[Any, Any]]:
        """{uid: (value of `key`, value of `extra`)} for the UIDs the server still has."""
        if not uids:
            return {}
        client = self._conn()
        wanted = set(uids)
        for attempt in (1, 2):
            try:
                resp = client.fetch(uids, items)
            except (OSError, IMAPClientError) as e:
                # Some servers answer NO (Dovecot's MOVE says [EXPUNGEISSUED]) when another session
                # expunged a message we were not told about yet; NOOP delivers the EXPUNGE, and
                # then the UID is simply absent. (Dovecot's FETCH returns NIL for it instead.)
                if attempt == 1 and not _connection_lost(e):
                    log.info("%s: FETCH refused, retrying after NOOP: %s", self.where, _one_line(e))
                    self.noop()
                    continue
                raise self._failed("FETCH failed", e) from e
            # unsolicited FETCH responses (flag changes of other messages, keyed by sequence
            # number) lack the item: keep only real answers
            return {
                uid: (data[key], data.get(extra) if extra else None)
                for uid, data in resp.items()
                if uid in wanted and isinstance(data.get(key), kind)
            }
        return {}

    # ----- after the commit -------------------------------------------------------------------------
    def mark_done(self, uids: int | Iterable[int], action: Action | None = None, move_to: str | None = None) -> None:
        """Record on the server that `uids` (one or several) are processed: add \\Seen, or move
        them, or nothing; several in one command.

        Call only after the database commit: if we crash before, the message is fetched again and
        the idempotent store makes that harmless. A UID that no longer exists is not an error.
        """
        action = action or self.config.after
        wanted = sorted({uids} if isinstance(uids, int) else set(uids))
        if action == "none" or not wanted:
            return
        if len(wanted) > MARK_AT_ONCE:  # a command line of thousands of UIDs is too long for some servers
            for i in range(0, len(wanted), MARK_AT_ONCE):
                self.mark_done(wanted[i:i + MARK_AT_ONCE], action, move_to)
            return
        client = self._conn()
        target = move_to or self.config.move_to
        if action == "move" and not target:
            raise MailboxError(f"{self.where}: after = 'move' needs move_to", connection_lost=False)
        for attempt in (1, 2):
            try:
                if action == "seen":
                    client.add_flags(wanted, [_SEEN], silent=True)
                else:
                    self._move(wanted, target or "")
                return
            except IMAPClientError as e:
                # Dovecot refuses MOVE/COPY with NO [EXPUNGEISSUED] when another session expunged
                # the message and we were not told yet; after NOOP it is a no-op on a missing UID.
                if attempt == 1 and "EXPUNGEISSUED" in str(e) and not _connection_lost(e):
                    self.noop()
                    continue
                raise self._failed(f"cannot mark {_uid_list(wanted)} as processed ({action})", e) from e
            except OSError as e:
                raise self._failed(f"cannot mark {_uid_list(wanted)} as processed ({action})", e) from e

    def _move(self, uids: list[int], target: str) -> None:
        client = self._conn()
        self._ensure_folder(target)
        if self.has_capability("MOVE"):
            client.move(uids, target)
            return
        # RFC 6851 fallback. Without UIDPLUS a plain EXPUNGE would also remove messages another
        # client flagged \Deleted: then the original stays, flagged \Deleted, for the server's
        # own expunge.
        client.copy(uids, target)
        client.add_flags(uids, [_DELETED], silent=True)
        if self.has_capability("UIDPLUS"):
            client.uid_expunge(uids)

    def _ensure_folder(self, name: str) -> None:
        if name in self._known_folders:
            return
        client = self._conn()
        if not client.folder_exists(name):
            try:
                client.create_folder(name)
            except IMAPClientError:
                # another worker may have created it a moment ago
                if not client.folder_exists(name):
                    raise
        self._known_folders.add(name)

    # ----- waiting ----------------------------------------------------------------------------------
    def noop(self) -> bool:
        """Keep the session alive and let the server report changes; True if new mail (EXISTS)."""
        client = self._conn()
        try:
            _, responses = client.noop()
        except (OSError, IMAPClientError) as e:
            raise self._failed("NOOP failed", e) from e
        return _has_exists(responses)

    def idle_wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for new mail; True when the server announced some.

        False means only "nothing announced": the caller polls with uids_after() and calls again.
        Without IDLE (server or config), this sleeps `timeout` and then asks with NOOP.
        IDLE is re-issued every IDLE_RENEW_SECONDS, well inside the 29-minute limit.
        """
        client = self._conn()
        if self.config.idle and self.has_capability("IDLE") and (self.noop() or self._exists_since_search):
            # Mail that arrived while we worked, since the last UID SEARCH: Dovecot does not
            # announce it when IDLE starts, only mail arriving after, so IDLE would sit on it
            # until its timeout (measured: 1 in 3 such messages waited the whole timeout).
            # NOOP asks first; EXISTS in its answer (or in an earlier one) means: look now.
            self._exists_since_search = False
            return True
        if not (self.config.idle and self.has_capability("IDLE")):
            time.sleep(max(0.0, timeout))
            return self.noop()
        deadline = time.monotonic() + max(0.0, timeout)
        first_round = True
        try:
            while True:
                new_mail = False
                client.idle()
                renew_at = min(deadline, time.monotonic() + (IDLE_FIRST_ROUND_SECONDS if first_round
                                                             else IDLE_RENEW_SECONDS))
                while True:
                    left = renew_at - time.monotonic()
                    if left <= 0:
                        break
                    started = time.monotonic()
                    responses = client.idle_check(timeout=left)
                    if _has_exists(responses):
                        new_mail = True
                        break
                    if not responses and time.monotonic() - started < left - 0.05:
                        # idle_check returns [] early only on EOF: idle_done() below will raise
                        break
                _, responses = client.idle_done()
                if new_mail or _has_exists(responses):
                    return True
                if time.monotonic() >= deadline:
                    return False
                if first_round:
                    first_round = False
                    if self.noop():  # what arrived as the first IDLE began
                        return True
        except (OSError, IMAPClientError) as e:
            raise self._failed("IDLE failed", e) from e


MARK_AT_ONCE = 500


def _uid_list(uids: list[int]) -> str:
    shown = ", ".join(map(str, uids[:5])) + (f" and {len(uids) - 5} more" if len(uids) > 5 else "")
    return f"message{'s' if len(uids) > 1 else ''} {shown}"


def quiet_imaplib(client: IMAPClient) -> None:
    """Stop imaplib from formatting every response for a debug log nobody reads.

    IMAPClient sets imaplib's debug level to 5 and sends its messages to the
    "imapclient.imaplib" logger: imaplib then builds the repr() of every response, message
    bodies included, before the logger drops it (~3 ms of the interpreter lock for a 0.4 MB
    message, a third of a FETCH's time). Kept when that logger would print DEBUG lines."""
    if not logging.getLogger("imapclient.imaplib").isEnabledFor(logging.DEBUG):
        client._imap.debug = 0


def _has_exists(responses: Iterable[object]) -> bool:
    return any(isinstance(r, tuple) and len(r) >= 2 and r[1] == b"EXISTS" for r in responses)


def _connection_lost(e: BaseException) -> bool:
    """True when, after `e`, the connection can no longer be trusted."""
    if isinstance(e, imaplib.IMAP4.abort | ProtocolError):
        return True  # EOF, BYE, socket errors inside imaplib; a response we could not parse
    if isinstance(e, IMAPClientError):
        # a tagged NO ("select failed: …") or a refusal on our side (wrong state, missing
        # capability) leaves the session usable; after a BAD ("command error") we may be out of step
        return "command error" in str(e)
    return True  # OSError: network, TLS, timeout


def _stdlib_zone(dt: datetime) -> datetime:
    """The same time with a datetime.timezone: imapclient's own FixedOffset cannot be deep-copied
    (dataclasses.asdict does that to a CheckReport), which failed every IMAP message."""
    offset = dt.utcoffset()
    return dt if offset is None else dt.replace(tzinfo=timezone(offset))


def _groups_by_size(sizes: list[tuple[int, int]], max_bytes: int) -> Iterator[list[int]]:
    group: list[int] = []
    total = 0
    for uid, size in sizes:
        if group and total + size > max_bytes:
            yield group
            group, total = [], 0
        group.append(uid)
        total += size
    if group:
        yield group


def _drop(client: IMAPClient) -> None:
    """Close the socket without a word to the server (it may be gone or hung)."""
    try:
        client.shutdown()
    except Exception:  # the socket may be closed already
        with contextlib.suppress(Exception):
            client.socket().close()


__all__ = ["Action", "FolderState", "ImapMailbox", "MailboxError", "backoff_delays"]
