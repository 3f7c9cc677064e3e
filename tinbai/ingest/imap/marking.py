"""Marking messages as processed, after the database commit: \\Seen, or a move to another folder."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from imapclient.exceptions import IMAPClientError

from tinbai.ingest.imap.connection import ImapConnection, MailboxError, connection_lost

Action = Literal["seen", "move", "none"]

MARK_AT_ONCE = 500
_SEEN = b"\\Seen"
_DELETED = b"\\Deleted"


class ImapMarking(ImapConnection):
    """Marking processed messages (mark_done), and the folder they may be moved to."""

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
                if attempt == 1 and "EXPUNGEISSUED" in str(e) and not connection_lost(e):
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


def _uid_list(uids: list[int]) -> str:
    shown = ", ".join(map(str, uids[:5])) + (f" and {len(uids) - 5} more" if len(uids) > 5 else "")
    return f"message{'s' if len(uids) > 1 else ''} {shown}"
