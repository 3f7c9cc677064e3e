"""Content-addressed storage of raw messages and attachment files.

Every raw message is archived before it is parsed (so nothing is lost if the
parse crashes), and every attachment is stored once by its sha256. A file is
written to a temporary name, flushed to disk and renamed into place, so a full
disk or a crash never leaves a half-written file under its final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class StoreError(Exception):
    """The store could not write (disk full, permissions): the message must be retried later."""


class ContentStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._dirs: set[Path] = set()  # made already: a mkdir per file cost more than its fsync

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store `data`; its sha256 may be given when known already (hashed from these bytes)."""
        sha = sha256 or hashlib.sha256(data).hexdigest()
        final = self.path(sha)
        try:
            if final.stat().st_size == len(data):
                return sha
        except OSError:
            pass
        tmp_name = None
        try:
            fd, tmp_name = self._temp_file(final.parent)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp_name, final)
            tmp_name = None
        except OSError as e:
            raise StoreError(f"cannot write {final}: {e.strerror or e}") from e
        finally:
            if tmp_name:
                try:
                    os.unlink(tmp_name)
                except OSError:
                    pass
        return sha

    def _temp_file(self, folder: Path) -> tuple[int, str]:
        if folder not in self._dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._dirs.add(folder)
        try:
            return tempfile.mkstemp(dir=folder, prefix=".tmp-")
        except FileNotFoundError:  # removed behind our back since: make it again
            self._dirs.discard(folder)
            folder.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(dir=folder, prefix=".tmp-")

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()
