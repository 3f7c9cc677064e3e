"""Containers that need a look inside: ZIP (OOXML, OpenDocument, JAR, APK) and OLE2 (doc, xls, ppt, msi, msg).

Office files with VBA macros are reported as docm / xlsm / pptm (not docx…): the
macro-enabled format is a different format to Word. An encrypted OOXML file (OLE2
container with EncryptionInfo and EncryptedPackage) does not reveal whether it is a
document, workbook or presentation; there the file name decides among the OOXML types
(default docx).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import olefile

from tinbai.filekinds import OOXML_TYPES
from tinbai.parsers.sniff.names import canonical_type, extension_of

# the binary workbook is an OOXML package too
_OOXML_FAMILY = OOXML_TYPES | {"xlsb"}

_OOXML_MAIN = (  # content type of the main part -> type; macro-enabled ones first
    ("ms-word.document.macroenabled.main", "docm"),
    ("ms-word.template.macroenabledtemplate.main", "docm"),
    ("wordprocessingml.document.main", "docx"),
    ("wordprocessingml.template.main", "docx"),
    ("ms-excel.sheet.binary.macroenabled.main", "xlsb"),
    ("ms-excel.sheet.macroenabled.main", "xlsm"),
    ("ms-excel.template.macroenabled.main", "xlsm"),
    ("ms-excel.addin.macroenabled.main", "xlsm"),
    ("spreadsheetml.sheet.main", "xlsx"),
    ("spreadsheetml.template.main", "xlsx"),
    ("ms-powerpoint.presentation.macroenabled.main", "pptm"),
    ("ms-powerpoint.slideshow.macroenabled.main", "pptm"),
    ("ms-powerpoint.template.macroenabled.main", "pptm"),
    ("ms-powerpoint.addin.macroenabled.main", "pptm"),
    ("presentationml.presentation.main", "pptx"),
    ("presentationml.slideshow.main", "pptx"),
    ("presentationml.template.main", "pptx"),
)
_OOXML_DIRS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
_MACRO_OF = {"docx": "docm", "xlsx": "xlsm", "pptx": "pptm"}
_ODF_MIME = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.text-master": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.presentation-template": "odp",
}
_MAX_MEMBER_READ = 1 << 20


def zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            lower = {n.lower(): n for n in names}
            mimetype = _read_member(zf, lower.get("mimetype"))
            content_types = _read_member(zf, lower.get("[content_types].xml"))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        # truncated or damaged: the central directory is gone, the local headers remain
        names, mimetype, content_types = _local_headers(data)
    return _classify_zip(names, mimetype, content_types)


def _read_member(zf: zipfile.ZipFile, name: str | None) -> bytes:
    if name is None:
        return b""
    try:
        with zf.open(name) as f:
            return f.read(_MAX_MEMBER_READ)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return b""  # encrypted or broken member: the names still tell the kind


def _local_headers(data: bytes) -> tuple[list[str], bytes, bytes]:
    names: list[str] = []
    mimetype = content_types = b""
    for m in re.finditer(rb"PK\x03\x04", data):
        pos = m.start()
        if pos + 30 > len(data) or len(names) >= 5000:
            break
        method, csize = struct.unpack_from("<H", data, pos + 8)[0], struct.unpack_from("<I", data, pos + 18)[0]
        name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
        name = data[pos + 30:pos + 30 + name_len].decode("utf-8", "replace")
        names.append(name)
        start = pos + 30 + name_len + extra_len
        body = data[start:start + (csize or _MAX_MEMBER_READ)]
        if name.lower() in ("mimetype", "[content_types].xml"):
            if method == 8:
                try:
                    body = zlib.decompressobj(-15).decompress(body, _MAX_MEMBER_READ)
                except zlib.error:
                    body = b""
            if name.lower() == "mimetype":
                mimetype = body
            else:
                content_types = body
    return names, mimetype, content_types


def _classify_zip(names: list[str], mimetype: bytes, content_types: bytes) -> str:
    lower = [n.lower().replace("\\", "/") for n in names]
    odf = _ODF_MIME.get(mimetype.strip().decode("ascii", "replace"))
    if odf:
        return odf
    kind = None
    ct = content_types.decode("utf-8", "replace").lower()
    for marker, ooxml in _OOXML_MAIN:
        if marker in ct:
            kind = ooxml
            break
    if kind is None and ("[content_types].xml" in lower or "_rels/.rels" in lower):
        for prefix, ooxml in _OOXML_DIRS:
            if any(n.startswith(prefix) for n in lower):
                kind = ooxml
                break
    if kind:
        # a VBA project inside a package named as macro-free is still a macro file
        if kind in _MACRO_OF and any(n.endswith("vbaproject.bin") for n in lower):
            return _MACRO_OF[kind]
        return kind
    if "androidmanifest.xml" in lower and "classes.dex" in lower:
        return "apk"
    if "meta-inf/manifest.mf" in lower and any(n.endswith(".class") for n in lower):
        return "jar"
    return "zip"


_OLE_NAMES = (  # top-level stream -> type, in UTF-16LE for the raw fallback
    ("WordDocument", "doc"),
    ("Workbook", "xls"),
    ("Book", "xls"),
    ("PowerPoint Document", "ppt"),
)
_MSI_CLSIDS = {
    "000C1084-0000-0000-C000-000000000046",  # msi
    "000C1086-0000-0000-C000-000000000046",  # msp
    "000C1082-0000-0000-C000-000000000046",  # mst
}


def ole_kind(data: bytes, filename: str | None) -> str:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # a libmagic failure is not the file's fault
        return _ole_kind_raw(data, filename)
    try:
        top = {entry[0] for entry in ole.listdir(streams=True, storages=True) if len(entry) == 1}
        clsid = (ole.root.clsid or "").upper() if ole.root else ""
    finally:
        ole.close()
    return _classify_ole(top, clsid, filename)


def _ole_kind_raw(data: bytes, filename: str | None) -> str:
    top = {name for name in ("WordDocument", "Workbook", "Book", "PowerPoint Document", "EncryptedPackage",
                             "EncryptionInfo") if name.encode("utf-16-le") + b"\0\0" in data}
    return _classify_ole(top, "", filename)


def _classify_ole(top: set[str], clsid: str, filename: str | None) -> str:
    if "EncryptedPackage" in top and "EncryptionInfo" in top:
        claimed = canonical_type(extension_of(filename))
        return claimed if claimed in _OOXML_FAMILY else "docx"
    for stream, kind in _OLE_NAMES:
        if stream in top:
            return kind
    if clsid in _MSI_CLSIDS:
        return "msi"
    if any(name.startswith("__substg1.0_") for name in top):
        return "msg"
    return "unknown"
