"""One RFC 5322 message, parsed into what the checks need.

The email package's parser gives the tree and its defects; the headers are decoded here
(tinbai.message.headers), the attachments taken from the same tree so that their bytes are
exact, and base64 damage recorded as a defect on the part. mail-parser's forensic address
parser reads a From that ours cannot. Nothing here raises on bad input: damage becomes a
defect, and the message still parses.
"""

from __future__ import annotations

import base64
import binascii
import email.feedparser
import email.utils
import functools
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

from mailparser.utils import get_addresses

from tinbai.message.addresses import address_list, parse_from
from tinbai.message.charsets import decode_bytes
from tinbai.message.headerblock import REPAIRED, repair_header_block
from tinbai.message.headers import HeaderDecoder, header_bytes, message_ids, raw_params
from tinbai.textutil import nfc

__all__ = ["DEFECT_NOTES", "STRUCTURAL_DEFECTS", "ParsedMessage", "RawAttachment", "decode_text", "is_malformed",
           "parse_message"]


MULTIPLE_FROM = "MultipleFromDefect"  # RFC 5322 3.6: one From field
UNDECODABLE_HEADER = "UndecodableHeaderDefect"  # header bytes no charset reads: U+FFFD shown

# what a reviewer is told of the repairs this package makes (the email package's defects are
# named as they are)
DEFECT_NOTES = {
    REPAIRED: "tiêu đề thư ngắt dòng sai hoặc có dòng lạ ở đầu, đã được đọc lại",
    MULTIPLE_FROM: "thư có nhiều trường From, đã lấy trường đầu tiên có địa chỉ",
    UNDECODABLE_HEADER: "có byte trong tiêu đề thư không bảng mã nào đọc được, hiện là ký tự �",
}

# Defects that mean the structure or the transfer encoding was damaged and had to
# be repaired or skipped (message.malformed). Odd charset labels that still decode
# are not damage: the text is read and nothing is lost.
STRUCTURAL_DEFECTS = {
    "CloseBoundaryNotFoundDefect",
    "StartBoundaryNotFoundDefect",
    "FirstHeaderLineIsContinuationDefect",
    "MisplacedEnvelopeHeaderDefect",
    "MissingHeaderBodySeparatorDefect",
    "MultipartInvariantViolationDefect",
    "NoBoundaryInMultipartDefect",
    "InvalidMultipartContentTransferEncodingDefect",
    "InvalidBase64PaddingDefect",
    "InvalidBase64CharactersDefect",
    "InvalidBase64LengthDefect",
    "HeaderMissingRequiredValue",
    "InvalidHeaderDefect",
    REPAIRED,
    MULTIPLE_FROM,
    UNDECODABLE_HEADER,
}


class _LineEndAtTheEnd:
    r"""email.feedparser's NLCRE_eol, r"(\r\n|\r|\n)\Z", looked for in the last two characters.

    The email package strips the line break at the end of each part with
    NLCRE_eol.search(payload), and the regex engine tries every position of the payload before
    the one at its end: ~2 ms for a message with 0.5 MB of photos, a tenth of a parser worker's
    time on the ingest bench. A match ends where the string ends and is at most two characters
    long, so the last two hold it; the feedparser reads only group(0) of the match."""

    pattern = r"(\r\n|\r|\n)\Z"
    _compiled = re.compile(pattern)

    def search(self, string, *args):
        if args:  # a position given: the stdlib's behaviour, exactly
            return self._compiled.search(string, *args)
        return self._compiled.search(string[-2:])


email.feedparser.NLCRE_eol = _LineEndAtTheEnd()


@dataclass
class RawAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    named: bool = True  # False when the sender's client gave no file name
    defects: list[str] = field(default_factory=list)

    @functools.cached_property
    def sha256(self) -> str:  # asked for by the report, the file store and the duplicates' fingerprint
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class ParsedMessage:
    message_id: str | None
    subject: str
    from_header: str | None
    from_name: str | None
    from_address: str | None
    date: datetime | None
    in_reply_to: str | None
    references: list[str]
    to: list[str]
    cc: list[str]
    headers: list[tuple[str, str]]
    plain: str
    html: str
    attachments: list[RawAttachment]
    defects: list[str]

    @property
    def from_domain(self) -> str | None:
        if self.from_address and "@" in self.from_address:
            return self.from_address.rsplit("@", 1)[1].lower()
        return None


def decode_text(payload: bytes, charset: str | None) -> str:
    """A text part's bytes to NFC text: the declared charset (read as the superset its writers
    use) when it decodes cleanly, else UTF-8, else the charset a detector finds, else
    windows-1258 (Vietnamese), else Latin-1: a body never fails to read."""
    text, _exact = decode_bytes(payload, [charset, "utf-8"], fallbacks=["windows-1258", "latin-1"])
    return nfc(text)


_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")
_B64_SPACE = b" \t\n\r\x0b\x0c"  # what rb"\s" matches: line breaks are no damage


def _payload(part: Message) -> tuple[bytes | None, list[str]]:
    """The part's decoded bytes and the damage found. Damaged base64 (stray characters, a body
    cut short) is decoded as far as it goes, as mail clients do; the email package would hand
    back the undecoded text instead."""
    cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if cte == "base64":
        raw = part.get_payload(decode=False)
        if isinstance(raw, str):
            text = raw.encode("ascii", "replace")
            try:  # the usual, well-formed body: one pass in C, no damage to look for
                return binascii.a2b_base64(text.translate(None, _B64_SPACE), strict_mode=True), []
            except (binascii.Error, ValueError):
                pass
            text = text.rstrip(b"\r\n\t =")
            damage = []
            data = _B64_JUNK.sub(b"", re.sub(rb"\s+", b"", text))
            if len(data) != len(re.sub(rb"[\s=]+", b"", text)):
                damage.append("InvalidBase64CharactersDefect")
            padded = raw.rstrip().endswith("=")
            if len(data) % 4 == 1 or (len(data) % 4 and not padded):  # the body was cut short
                damage.append("InvalidBase64LengthDefect")
            whole = data[: len(data) - len(data) % 4]
            tail = data[len(whole):]
            try:
                decoded = base64.b64decode(whole)
                if len(tail) >= 2:  # a last quantum without its padding still holds bytes
                    decoded += base64.b64decode(tail + b"=" * (4 - len(tail)))
                return decoded, damage
            except (binascii.Error, ValueError):
                pass
    payload = part.get_payload(decode=True)
    return payload, [type(d).__name__ for d in part.defects]


def _attachment_name(part: Message, index: int, decoder: HeaderDecoder) -> tuple[str, bool]:
    raw = _param(part, "content-disposition", "filename") or _param(part, "content-type", "name")
    if raw:
        name = decoder.param(raw, [c for c in (_charset(part),) if c])
        name = name.replace("\\", "/").split("/")[-1].strip() or f"tep-dinh-kem-{index}"
        return name, True
    ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    ext = {".jpe": ".jpg", ".jfif": ".jpg"}.get(ext, ext)
    return f"tep-dinh-kem-{index}{ext}", False


def _param(part: Message, header: str, name: str) -> str | tuple[str, str, str] | None:
    """A parameter of a part's header, its bytes kept (tinbai.message.headers.raw_params)."""
    return next((v for k, v in raw_params(part, header) if k.lower() == name), None)


def _charset(part: Message) -> str | None:
    value = _param(part, "content-type", "charset")
    return value if isinstance(value, str) else None


def _stored(msg: Message, name: str) -> list[str]:
    """The stored values of a header, every occurrence, their bytes kept."""
    return [v for k, v in msg.raw_items() if k.lower() == name.lower()]


def _header_decoder(msg: Message) -> HeaderDecoder:
    """The decoder for this message's headers: the charsets it declares (its own first, then
    its text parts'), and all its 8-bit header bytes for a detector to read."""
    declared, eight_bit = [], []
    for part in msg.walk():
        charset = _charset(part)
        if charset:
            declared.append(charset)
        eight_bit += [header_bytes(v) for _k, v in part.raw_items() if not v.isascii()]
    return HeaderDecoder(declared, b"\n".join(eight_bit))


def _is_body(part: Message) -> bool:
    if part.get_content_maintype() != "text" or part.get_content_subtype() not in ("plain", "html"):
        return False
    if _param(part, "content-disposition", "filename") or _param(part, "content-type", "name"):
        return False
    return part.get_content_disposition() != "attachment"


def parse_message(raw: bytes) -> ParsedMessage:
    mended, repaired = repair_header_block(raw)
    # The email package's parser alone: mail-parser (used here until 2026-12) parsed with it
    # and then walked the tree again for its own record of the message (bodies, attachments
    # re-encoded, header diagnostics), of which only the parser's defects were read: a third
    # of the parsing's time. Its own header diagnostics are not damage (STRUCTURAL_DEFECTS).
    msg = email.message_from_bytes(mended)
    defects = [type(d).__name__ for part in msg.walk() for d in part.defects]
    if repaired:
        defects.append(REPAIRED)
    decoder = _header_decoder(msg)

    plain_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[RawAttachment] = []
    for part in msg.walk():
        if part.is_multipart():
            defects += [type(d).__name__ for d in part.defects]
            continue
        if part.get_content_type() == "message/rfc822" and not _param(part, "content-disposition", "filename"):
            continue
        try:
            payload, part_defects = _payload(part)
        except Exception:  # a part the library cannot decode at all
            payload, part_defects = None, ["UndecodablePartDefect"]
        defects += part_defects
        if payload is None:
            payload = b""
        if _is_body(part):
            text = decode_text(payload, _charset(part))
            (html_parts if part.get_content_subtype() == "html" else plain_parts).append(text)
            continue
        name, named = _attachment_name(part, len(attachments) + 1, decoder)
        attachments.append(RawAttachment(
            filename=name, content_type=part.get_content_type(), data=payload,
            inline=part.get_content_disposition() == "inline", named=named, defects=part_defects))

    def header(name: str) -> str:
        values = _stored(msg, name)
        return decoder.text(values[0]) if values else ""

    # RFC 5322 allows one From field; with several, the first that holds an address is the sender
    from_fields = [decoder.text(v) for v in _stored(msg, "From")]
    if len(from_fields) > 1:
        defects.append(MULTIPLE_FROM)
    from_header = next((f for f in from_fields if parse_from(f)[1]), from_fields[0] if from_fields else "")
    from_name, from_address = parse_from(from_header)
    if not from_address:
        from_name, from_address = _recovered_from(msg) or (from_name, from_address)
    date = None
    try:
        date = email.utils.parsedate_to_datetime(header("Date")) if header("Date") else None
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year of dozens of digits (atheris)
        date = None
    if date is not None and date.tzinfo is None:
        date = None  # a Date without zone cannot anchor a deadline honestly
    headers = [(k, decoder.text(v)) for k, v in msg.raw_items()]
    subject = header("Subject")
    to = address_list([decoder.text(v) for v in _stored(msg, "To")])
    cc = address_list([decoder.text(v) for v in _stored(msg, "Cc")])
    if decoder.lossy:
        defects.append(UNDECODABLE_HEADER)
    return ParsedMessage(
        message_id=(message_ids(header("Message-ID")) or [None])[0],
        subject=subject,
        from_header=from_header or None,
        from_name=nfc(from_name).strip() or None,
        from_address=(from_address or "").strip().lower() or None,
        date=date,
        in_reply_to=(message_ids(header("In-Reply-To")) or [None])[0],
        references=message_ids(header("References")),
        to=to,
        cc=cc,
        headers=headers,
        plain="\n\n".join(plain_parts),
        html="\n\n".join(html_parts),
        attachments=attachments,
        defects=sorted(set(defects)),
    )


def _recovered_from(msg: Message) -> tuple[str, str] | None:
    """(name, address) that mail-parser's forensic address parser reads in the first From field
    (its recovery of unquoted names, comments and stray angle brackets), or None."""
    values = msg.get_all("From") or []
    found = [("" if name == address else name, address)
             for name, address in get_addresses(values[0], decode_names=True) if address] if values else []
    return found[0] if found else None


def is_malformed(parsed: ParsedMessage) -> list[str]:
    """The defects that mean damage was repaired or skipped."""
    return [d for d in parsed.defects if d in STRUCTURAL_DEFECTS or d == "UndecodablePartDefect"]
