"""Reading the folder: SELECT, new mail by UID, and the bodies in batches bounded by size."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from imapclient.exceptions import IMAPClientError

from tinbai.ingest.imap.connection import ImapConnection, connection_lost, one_line

log = logging.getLogger(__name__)

# Bodies held at once per round trip. imaplib keeps a response's literals and its lines as
# well, so the peak is about twice this. 2 MB is ~30 messages of the mix (median
# 64 KB) or a phone photo or two: a round trip on a LAN (~1 ms) is still small beside
# the 2 MB it carries, and the daemon holds ~5 MB less at its peak than with 16 MB, which
# held the whole count batch of 100 (bench/memory.py; issue 18: the tree under 300 MB).
MAX_BATCH_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    uidnext: int
    exists: int


class ImapFetching(ImapConnection):
    """Reading the selected folder: SELECT, UID SEARCH, FETCH."""

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
                if attempt == 1 and not connection_lost(e):
                    log.info("%s: FETCH refused, retrying after NOOP: %s", self.where, one_line(e))
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
