"""Passwords: Office, OpenDocument and PDF files that cannot be opened without one."""

from __future__ import annotations

import io
import re
import zipfile

import msoffcrypto
import msoffcrypto.format.xls97
import pypdf
from pypdf import PasswordType

from tinbai.parsers.danger.containers import OLE_MAGIC, SMALL_PART, ZIP_ERRORS, ZIP_MAGIC


def is_encrypted_office(data: bytes) -> bool:
    """True when an Office or OpenDocument file needs a password to be opened.

    Word/Excel/PowerPoint 97-2003 and 2007+ (an encrypted OOXML file is an OLE
    container) through msoffcrypto-tool; an .xls "encrypted" only with Excel's
    built-in default password opens without one and is not counted.
    OpenDocument: an encryption-data entry in META-INF/manifest.xml.
    """
    if data.startswith(OLE_MAGIC):
        return _ole_encrypted(data)
    if data.startswith(ZIP_MAGIC):
        return _odf_encrypted(data)
    return False


def _ole_encrypted(data: bytes) -> bool:
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not office.is_encrypted():
            return False
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return False
    if isinstance(office, msoffcrypto.format.xls97.Xls97File):
        try:
            office.load_key(password="VelvetSweatshop")  # Excel's default: opens with no prompt
            return False
        except Exception:  # wrong key or unsupported method: a real password
            return True
    return True


def _odf_encrypted(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("META-INF/manifest.xml")
            if info.file_size > SMALL_PART:
                return False
            manifest = zf.read(info)
    except (KeyError, *ZIP_ERRORS):
        return False
    return b"encryption-data" in manifest


_PDF_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")


def is_encrypted_pdf(data: bytes) -> bool:
    """True when the PDF needs a password to be opened.

    A PDF with only an owner password (restrictions on printing or copying)
    opens with the empty user password and is not counted.
    """
    if b"%PDF" not in data[:1024]:
        return False
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if not reader.is_encrypted:
            return False
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return bool(_PDF_ENCRYPT.search(data))
    try:
        return reader.decrypt("") == PasswordType.NOT_DECRYPTED
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return True
