"""The order in which a file's bytes are looked at, and libmagic as the last resort.

Fixed signatures (magic numbers) first, then containers that need a look inside
(ZIP: OOXML / ODF / JAR / APK; OLE2: doc / xls / ppt / msi / msg), then text
(html, xml, svg, scripts, plain text), then libmagic for binary formats our table
does not know.
"""

from __future__ import annotations

try:
    import magic
except ImportError:  # libmagic missing: our own table has decided what it can
    magic = None

from tinbai.parsers.sniff.containers import ole_kind, zip_kind
from tinbai.parsers.sniff.names import extension_of
from tinbai.parsers.sniff.signatures import by_signature
from tinbai.parsers.sniff.text import SAMPLE, decode_sample, text_kind


def detect_type(data: bytes, filename: str | None = None) -> str:
    """The format of `data` from its content; `filename` only breaks ties the content
    cannot (an encrypted OOXML package; a text file whose name makes Windows run it)."""
    if not data:
        return "empty"
    kind = by_signature(data)
    if kind == "zip":
        return zip_kind(data)
    if kind == "ole":
        return ole_kind(data, filename)
    if kind:
        return kind
    text = decode_sample(data[:SAMPLE])
    if text is not None:
        return text_kind(text, extension_of(filename))
    return _by_libmagic(data) or "unknown"


_MAGIC_MIME = {
    "application/x-dosexec": "exe", "application/x-msdownload": "exe",
    "application/vnd.microsoft.portable-executable": "exe",
    "application/x-executable": "elf", "application/x-sharedlib": "elf", "application/x-pie-executable": "elf",
    "application/x-mach-binary": "macho", "application/x-ms-shortcut": "lnk",
    "application/x-java-applet": "class",
    "audio/mpeg": "mp3", "audio/x-wav": "wav", "audio/flac": "flac", "audio/ogg": "ogg", "audio/x-m4a": "m4a",
    "audio/midi": "mid", "audio/x-hx-aac-adts": "aac", "audio/amr": "amr",
    "video/mpeg": "mpg", "video/mp4": "mp4", "video/quicktime": "mov", "video/x-msvideo": "avi",
    "video/x-ms-asf": "wmv", "video/x-matroska": "mkv", "video/webm": "webm", "video/x-flv": "flv",
    "video/mp2t": "ts", "video/3gpp": "3gp",
    "image/heic": "heic", "image/avif": "avif", "image/webp": "webp",
    "application/x-iso9660-image": "iso", "application/x-qemu-disk": "img",
}


def _by_libmagic(data: bytes) -> str | None:
    if magic is None:
        return None
    try:
        mime = magic.from_buffer(data[:1 << 20], mime=True)
    except Exception:  # a libmagic failure is not the file's fault
        return None
    return _MAGIC_MIME.get(mime)
