"""Header values as text: RFC 2047 encoded words and raw 8-bit bytes decoded, to NFC.

A header's value reaches us as an RFC 2047 word ("=?utf-8?B?…?="), as raw 8-bit bytes
(UTF-8, or windows-1258 from older Vietnamese clients), or as the email package's Header
object; each becomes one line of NFC text. A damaged encoded word is shown as written.
"""

from __future__ import annotations

import email.errors
import re
from email.header import Header, decode_header
from email.message import Message

from tinbai.textutil import nfc

__all__ = ["decode_header_value", "header_text", "message_ids"]


def decode_header_value(value: object) -> str:
    """RFC 2047 words and raw 8-bit headers (UTF-8, else windows-1258), to NFC text."""
    if not value:
        return ""
    if isinstance(value, Header) or "=?" in str(value):
        try:
            chunks = decode_header(value if isinstance(value, Header) else _undo_surrogates(str(value)))
            value = "".join(_decode_chunk(c, cs) for c, cs in chunks)
        except (LookupError, ValueError, UnicodeError, TypeError, email.errors.MessageError):
            value = str(value)  # a damaged encoded word is shown as written
    value = _undo_surrogates(str(value))
    return nfc(re.sub(r"\s*\r?\n\s*", " ", value)).strip()


def _decode_chunk(chunk: bytes | str, charset: str | None) -> str:
    if isinstance(chunk, str):
        return chunk
    for cs in (charset, "utf-8", "windows-1258"):
        if not cs or cs == "unknown-8bit":
            continue
        try:
            return chunk.decode(cs)
        except (LookupError, UnicodeDecodeError):
            continue
    return chunk.decode("latin-1")


def _undo_surrogates(value: str) -> str:
    """Raw 8-bit header bytes arrive as surrogate escapes: read them as UTF-8 (or windows-1258)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    for cs in ("utf-8", "windows-1258"):
        try:
            return raw.decode(cs)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def header_text(msg: Message, name: str) -> str:
    """A header as text: raw 8-bit bytes make the parser hand back Header objects, not strings."""
    return decode_header_value(msg.get(name))


def message_ids(value: object) -> list[str]:
    """The <…> message ids in a Message-ID, In-Reply-To or References value."""
    # str(): a header with 8-bit bytes in it comes as an email.header.Header (fuzzing found it)
    return re.findall(r"<[^<>\s]+>", str(value) if value else "")
