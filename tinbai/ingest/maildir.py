"""A local Maildir as a mailbox (the standard library's `mailbox`).

A message's key (the unique part of its file name) stays the same when it moves
from new/ to cur/, so it identifies the message across runs. After the queue
commit the message is moved to cur/ and flagged Seen, as a mail client would.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path


class MaildirMailbox:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)  # Maildir(create=True) makes the leaf only
        self.md = mailbox.Maildir(str(self.path), factory=None, create=True)

    def keys(self) -> list[str]:
        self.md._refresh()  # pick up messages delivered since the last look
        return sorted(self.md.keys(), key=self._sort_key)

    def _sort_key(self, key: str) -> tuple[float, str]:
        try:
            return (os.path.getmtime(self.path / self.md._lookup(key)), key)
        except (OSError, KeyError):
            return (0.0, key)

    def read(self, key: str) -> tuple[bytes, datetime] | None:
        """The raw bytes and the delivery time; None when another client removed it meanwhile."""
        try:
            rel = self.md._lookup(key)
            full = self.path / rel
            data = full.read_bytes()
            received = datetime.fromtimestamp(full.stat().st_mtime, UTC)
        except (KeyError, FileNotFoundError):
            return None
        return data, received

    def mark_done(self, key: str) -> None:
        """Move to cur/ with the Seen flag by renaming the file: its bytes and time stay as delivered."""
        try:
            rel = self.md._lookup(key)
        except KeyError:
            return
        sub, name = rel.split(os.sep, 1)
        base, _, info = name.partition(self.md.colon)
        flags = set(info[2:]) if info.startswith("2,") else set()
        if sub == "cur" and "S" in flags:
            return
        target = self.path / "cur" / f"{base}{self.md.colon}2,{''.join(sorted(flags | {'S'}))}"
        try:
            os.rename(self.path / rel, target)
        except FileNotFoundError:
            return  # removed by another client meanwhile: nothing to mark
        self.md._refresh()  # the key's table must point at the file's new name

    def add(self, raw: bytes, received_at: datetime | None = None) -> str:
        key = self.md.add(raw)
        if received_at is not None:
            rel = self.md._lookup(key)
            ts = received_at.timestamp()
            os.utime(self.path / rel, (ts, ts))
        return key

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())
