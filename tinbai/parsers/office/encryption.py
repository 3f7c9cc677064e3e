"""Password-protected Office files in an OLE2 container: the encrypted OOXML package and 97-2003 files."""

from __future__ import annotations

import io

import msoffcrypto
import olefile

from tinbai.parsers.facts import ENCRYPTED, FileFacts
from tinbai.parsers.formats import encrypted_detail

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_encrypted(data: bytes) -> bool:
    """Whether an OLE2 file is password-protected: an encrypted OOXML package, or
    a 97-2003 document/workbook/presentation with its encryption flag set."""
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # msoffcrypto does not know every OLE layout; then look at the streams
        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                return ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")
        except OSError:
            return False


def encrypted(data: bytes, facts: FileFacts) -> bool:
    if data[:8] == OLE_MAGIC and ole_encrypted(data):
        facts.add_finding(ENCRYPTED, encrypted_detail(facts.detected_type))
        return True
    return False
