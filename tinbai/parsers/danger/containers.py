"""The containers that Office files and packages come in: OLE2 and zip, and what a damaged zip raises."""

from __future__ import annotations

import zipfile
import zlib

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SMALL_PART = 1024 * 1024  # manifests and content-type lists are small

# what reading a damaged zip can raise
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)
