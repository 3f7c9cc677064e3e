"""Header values as text, decoded once for every header: From, Subject, file names and the rest.

A value reaches us as RFC 2047 encoded words ("=?utf-8?B?…?="), as raw 8-bit bytes (UTF-8
from webmail and phones, GBK, Shift_JIS, Latin-1, windows-1258 from older clients), or both.
Every value is decoded from its bytes:
- encoded words in their declared charset (read as the superset its writers use, see
  tinbai.message.charsets), else UTF-8, else the message's charsets; adjacent words of one
  charset are joined before decoding (clients split a character across two words); spaces
  inside a word and folds inside a word are tolerated, as mail clients tolerate them;
- raw 8-bit bytes as UTF-8 first, then the part's and the message's declared charsets, then
  the charset a detector finds in all the message's 8-bit header bytes;
- U+FFFD only for bytes nothing reads, and then `HeaderDecoder.lossy` is set so that the
  message is reported as malformed.

Why not the email package's own decoding: compat32 turns a value with 8-bit bytes into a
Header whose str() has already replaced them with U+FFFD (get_filename, get_param, msg[…]),
and email.header.decode_header reads text outside encoded words as raw-unicode-escape, fails
the whole value on one bad word and knows no charset supersets. mail-parser's subject drops
what its first guess cannot decode (errors="ignore"). So the values are taken as stored
(`raw_items`, whose 8-bit bytes are surrogate escapes of the exact bytes) and decoded here.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable, Sequence
from email.message import Message
from email.policy import Compat32

from tinbai.message.charsets import codec_of, decode_bytes
from tinbai.textutil import nfc

__all__ = ["HeaderDecoder", "decode_header_value", "header_bytes", "message_ids", "raw_params"]

# An encoded word, leniently: spaces may stand inside the encoded text (folded or typed so),
# but another word's start may not (a word left open must not swallow the next one).
_ENCODED_WORD = re.compile(
    r"=\?(?P<charset>[^?\s]{1,80})\?(?P<enc>[qQbB])\?(?P<text>(?:(?!=\?[^?\s]{1,80}\?[qQbB]\?).)*?)\?=",
    re.DOTALL)
# a fold: the line break goes; a tab that starts the next line stands for the space the writer
# typed (Exchange and older Outlook fold with CRLF TAB), and every client shows it as one
_FOLD = re.compile(r"\r?\n(?:\t|(?= ))|\r(?:\t|(?= ))")
_QP_BYTE = re.compile(rb"=([0-9A-Fa-f]{2})")


def header_bytes(value: str) -> bytes:
    """The exact bytes of a value as the email package stores it (8-bit bytes as surrogate
    escapes; a value parsed from text has real characters, written back as UTF-8)."""
    return value.encode("utf-8", "surrogateescape")


class _KeepBytes(Compat32):
    """compat32 that hands back a stored value as it is, 8-bit bytes still surrogate escapes:
    compat32 itself turns such a value into a Header whose text has lost them."""

    def header_fetch_parse(self, name, value):
        return value


_KEEP_BYTES = _KeepBytes()


def raw_params(part: Message, header: str) -> list[tuple[str, str | tuple[str, str, str]]]:
    """The parameters of a part's Content-Type or Content-Disposition with their bytes kept:
    the email package's parameter parser (quotes, RFC 2231 continuations) on the stored value."""
    view = Message(policy=_KEEP_BYTES)
    stored = next((v for k, v in part.raw_items() if k.lower() == header.lower()), None)
    if stored is None:
        return []
    view[header] = stored
    try:
        return view.get_params(header=header, failobj=[]) or []
    except (ValueError, IndexError, TypeError, LookupError):  # a parameter list past repair
        return []


class HeaderDecoder:
    """Decodes the header values of one message with what the message says of its charsets.

    `charsets`: the charsets the message declares (its own and its text parts'), tried after
    UTF-8 for raw 8-bit bytes; `sample`: all its 8-bit header bytes, where a detector looks
    when no declared charset reads a value. `lossy` is set once a value needed U+FFFD.
    """

    def __init__(self, charsets: Iterable[str] = (), sample: bytes = b"") -> None:
        self.charsets = [c for c in dict.fromkeys(codec_of(c) for c in charsets) if c]
        self.sample = sample
        self.lossy = False

    def text(self, value: str | bytes | None, charsets: Sequence[str] = ()) -> str:
        """One value (as stored, or its bytes) as NFC text on one line; `charsets`: the part's
        own, tried first."""
        if value is None or value == "":
            return ""
        if isinstance(value, bytes):
            value = value.decode("ascii", "surrogateescape")
        value = _FOLD.sub(lambda m: " " if m.group(0).endswith("\t") else "", str(value))
        out: list[str] = []
        pos = 0
        pending: list[tuple[str, bytes]] = []  # adjacent encoded words not decoded yet
        for m in _ENCODED_WORD.finditer(value):
            between = value[pos:m.start()]
            data = _word_bytes(m.group("enc"), m.group("text"))
            if data is None or between.strip() or not pending:  # whitespace between two words is no text
                self._flush(pending, out, charsets)
                out.append(self._raw(between, charsets))
            if data is None:  # a damaged word is shown as written
                out.append(self._raw(m.group(0), charsets))
            else:
                charset = m.group("charset")
                if pending and codec_of(pending[-1][0]) == codec_of(charset):
                    pending[-1] = (pending[-1][0], pending[-1][1] + data)
                else:
                    pending.append((charset, data))
            pos = m.end()
        self._flush(pending, out, charsets)
        out.append(self._raw(value[pos:], charsets))
        return nfc(re.sub(r"[\r\n]+", " ", "".join(out))).strip()

    def _flush(self, pending: list[tuple[str, bytes]], out: list[str], charsets: Sequence[str]) -> None:
        for charset, data in pending:
            out.append(self._decode(data, [charset, "utf-8", *charsets, *self.charsets]))
        pending.clear()

    def _raw(self, text: str, charsets: Sequence[str]) -> str:
        """Text outside encoded words: ASCII as it is, 8-bit bytes decoded."""
        if text.isascii():
            return text
        return self._decode(header_bytes(text), ["utf-8", *charsets, *self.charsets])

    def _decode(self, data: bytes, candidates: list[str]) -> str:
        text, exact = decode_bytes(data, candidates, detect_sample=self.sample)
        if not exact:
            self.lossy = True
        return text

    def param(self, value: str | tuple[str, str, str] | None, charsets: Sequence[str] = ()) -> str:
        """A MIME parameter's value (from raw_params): an RFC 2231 value's bytes in its own
        charset first; a plain value like any header value (Outlook writes RFC 2047 words
        inside quotes, webmail raw UTF-8)."""
        if value is None:
            return ""
        if isinstance(value, tuple):
            charset, _lang, text = value
            data = text.encode("latin-1", "surrogateescape") if _latin1(text) else header_bytes(text)
            return nfc(self._decode(data, [charset, "utf-8", *charsets, *self.charsets])).strip()
        return self.text(value, charsets)


def _latin1(text: str) -> bool:
    return all(ord(ch) < 256 or "\udc80" <= ch <= "\udcff" for ch in text)


def _word_bytes(enc: str, text: str) -> bytes | None:
    """The bytes of an encoded word's text; None when it cannot be decoded at all."""
    raw = header_bytes(text)
    if enc in "bB":
        if re.search(rb"[^A-Za-z0-9+/=\s]", raw):
            return None  # not base64: the text was damaged or never encoded
        data = re.sub(rb"[^A-Za-z0-9+/]", b"", raw)
        if len(data) % 4 == 1:
            data = data[:-1]  # a stray character: the words' decoders drop it too
        try:
            return binascii.a2b_base64(data + b"=" * (-len(data) % 4))
        except binascii.Error:
            return None
    return _QP_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), raw.replace(b"_", b" "))


def decode_header_value(value: object, charsets: Sequence[str] = ()) -> str:
    """One header value as NFC text, for a value met outside a parsed message (a stored
    From header, a test); a message's own headers go through its HeaderDecoder."""
    return HeaderDecoder(charsets).text(value)


def message_ids(value: object) -> list[str]:
    """The <…> message ids in a Message-ID, In-Reply-To or References value."""
    # str(): a header with 8-bit bytes in it comes as an email.header.Header (fuzzing found it)
    return re.findall(r"<[^<>\s]+>", str(value) if value else "")
