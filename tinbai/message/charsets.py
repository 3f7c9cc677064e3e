"""Bytes to text by a mail's charset labels, without dropping a byte: the one cascade for headers and bodies.

A charset label in mail is a claim, and often a narrow one: clients write "gb2312" over GBK
bytes, "iso-8859-1" over windows-1252, "shift_jis" over Microsoft's cp932, "ks_c_5601-1987"
over cp949. Each label is read as the superset the writers really use (the WHATWG Encoding
Standard's rule, which every browser and most mail clients follow), then the bytes are tried
against the candidates in order; a detector (charset-normalizer) guesses only when no
candidate reads them, and U+FFFD appears only when nothing does, which the caller reports.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable

from charset_normalizer import from_bytes

__all__ = ["codec_of", "decode_bytes", "detect", "try_decode"]

# label -> the charset its writers really use (WHATWG Encoding Standard, "Legacy multi-byte
# Chinese (simplified) encodings" and the single-byte table); labels Python does not know
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030",
    "euc-cn": "gb18030", "chinese": "gb18030", "iso-ir-58": "gb18030", "cp936": "gb18030",
    "big5": "big5hkscs", "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "csshiftjis": "cp932", "windows-31j": "cp932",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "ks_c_5601-1989": "cp949", "ks_c_5601": "cp949",
    "ksc5601": "cp949", "x-windows-949": "cp949",
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "iso-8859-9": "cp1254", "latin5": "cp1254", "iso-8859-11": "cp874", "tis-620": "cp874",
    "windows-874": "cp874", "iso-8859-8-i": "iso-8859-8", "x-mac-roman": "mac-roman",
    "unicode-1-1-utf-7": "utf-7", "x-unicode-1-1-utf-7": "utf-7", "utf7": "utf-7",
    "utf8": "utf-8", "x-utf-8": "utf-8", "x-user-defined": "cp1252",
}
# labels that claim nothing about the bytes
_NO_CLAIM = frozenset({"unknown-8bit", "x-unknown", "unknown", "default", "charset", "8bit", "binary"})

# What the detector may answer: the charsets mail clients write raw into headers and bodies.
# Unrestricted, charset-normalizer reads a few GBK bytes as UTF-16 and Latin-1 as Mac encodings.
_DETECTABLE = [
    "utf_8", "cp1258", "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "koi8_r", "koi8_u", "gb18030", "big5hkscs", "cp932", "euc_jp", "iso2022_jp", "cp949", "cp874",
    "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_15",
]
_DETECT_BYTES = 1 << 16  # enough text to tell a charset; a long body is not read whole for it


def codec_of(label: object) -> str | None:
    """Python's codec for a charset label ('"GB2312"', 'utf-8*vi'), the superset for narrow
    labels; None for a label that names nothing Python can decode or that claims nothing."""
    if not label:
        return None
    name = str(label).strip().strip("\"'").strip().lower().split("*", 1)[0]
    if not name or name in _NO_CLAIM or "\x00" in name:
        return None
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name  # bytes.decode refuses "base64" or "zlib" (LookupError)
    except (LookupError, ValueError):
        return None


def try_decode(data: bytes, label: object) -> str | None:
    """data in the charset `label` names (or its superset); None if it does not read cleanly."""
    codec = codec_of(label)
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, ValueError, LookupError):
        return None


def detect(data: bytes) -> str | None:
    """The charset a detector reads data in, among the mail charsets; None when it cannot say."""
    if not data:
        return None
    try:
        best = from_bytes(data[:_DETECT_BYTES], cp_isolation=_DETECTABLE).best()
    except Exception:  # the detector's own failure is no reason to lose the text
        return None
    return codec_of(best.encoding) if best is not None else None


def decode_bytes(data: bytes, candidates: Iterable[object], *, detect_sample: bytes | None = None,
                 fallbacks: Iterable[object] = ()) -> tuple[str, bool]:
    """(text, exact): data read by the first candidate charset that decodes it cleanly, else by
    the charset a detector finds in `detect_sample` (more text of the same writer than data
    alone) or in data itself, else by the first of `fallbacks` that reads it; exact is False
    when none could and U+FFFD stands in for the bytes that could not be read."""
    tried: set[str] = set()

    def attempt(label: object) -> str | None:
        codec = codec_of(label)
        if codec is None or codec in tried:
            return None
        tried.add(codec)
        return try_decode(data, codec)

    for label in candidates:
        text = attempt(label)
        if text is not None:
            return text, True
    for sample in (detect_sample, data):
        text = attempt(detect(sample)) if sample else None
        if text is not None:
            return text, True
    for label in fallbacks:
        text = attempt(label)
        if text is not None:
            return text, True
    return data.decode("utf-8", "replace"), False
