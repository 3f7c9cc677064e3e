"""One RFC 5322 message, parsed into what the checks need.

mail-parser gives the decoded headers, the bodies and the parser's defects;
the attachments are taken from the same email.message tree so that their bytes
are exact and base64 damage is recorded as a defect on the part. Nothing here
raises on bad input: damage becomes a defect, and the message still parses.
"""

from __future__ import annotations

import base64
import binascii
import email.feedparser
import email.utils
import functools
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

import mailparser

from tinbai.message.addresses import address_list, parse_from
from tinbai.message.headers import decode_header_value, header_text, message_ids
from tinbai.textutil import nfc

__all__ = ["STRUCTURAL_DEFECTS", "ParsedMessage", "RawAttachment", "decode_text", "is_malformed", "parse_message"]

log = logging.getLogger(__name__)

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
    """A text part's bytes to NFC text: the declared charset when Python knows it
    and it decodes cleanly, else UTF-8, else windows-1258 (Vietnamese), else Latin-1."""
    candidates = [c for c in (charset, "utf-8", "windows-1258") if c]
    for cs in candidates:
        try:
            return nfc(payload.decode(cs))
        except (LookupError, ValueError):  # ValueError: a NUL in the charset's name (fuzzing found it)
            continue
    return nfc(payload.decode("latin-1"))


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


def _attachment_name(part: Message, index: int) -> tuple[str, bool]:
    raw = part.get_filename()
    if raw:
        name = decode_header_value(raw)
        # Outlook writes RFC 2047 words inside quotes, which get_filename leaves encoded
        name = decode_header_value(name) if "=?" in name else name
        name = name.replace("\\", "/").split("/")[-1].strip() or f"tep-dinh-kem-{index}"
        return name, True
    ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    ext = {".jpe": ".jpg", ".jfif": ".jpg"}.get(ext, ext)
    return f"tep-dinh-kem-{index}{ext}", False


def _is_body(part: Message) -> bool:
    if part.get_content_maintype() != "text" or part.get_content_subtype() not in ("plain", "html"):
        return False
    if part.get_filename():
        return False
    return part.get_content_disposition() != "attachment"


def parse_message(raw: bytes) -> ParsedMessage:
    try:
        mp = mailparser.parse_from_bytes(raw)
        msg = mp.message
        defects = sorted(set(mp.defects_categories or ()))
    except Exception as e:  # mail-parser gave up: read with the standard library alone
        log.warning("mail-parser failed (%s); using the email package", e)
        mp = None
        msg = email.message_from_bytes(raw)
        defects = ["ParserFailure"]

    plain_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[RawAttachment] = []
    for part in msg.walk():
        if part.is_multipart():
            defects += [type(d).__name__ for d in part.defects]
            continue
        if part.get_content_type() == "message/rfc822" and not part.get_filename():
            continue
        try:
            payload, part_defects = _payload(part)
        except Exception:  # a part the library cannot decode at all
            payload, part_defects = None, ["UndecodablePartDefect"]
        defects += part_defects
        if payload is None:
            payload = b""
        if _is_body(part):
            text = decode_text(payload, part.get_content_charset())
            (html_parts if part.get_content_subtype() == "html" else plain_parts).append(text)
            continue
        name, named = _attachment_name(part, len(attachments) + 1)
        attachments.append(RawAttachment(
            filename=name, content_type=part.get_content_type(), data=payload,
            inline=part.get_content_disposition() == "inline", named=named, defects=part_defects))

    subject = decode_header_value(mp.subject if mp else msg.get("Subject"))
    from_header = decode_header_value(msg.get("From"))
    from_name, from_address = parse_from(from_header)
    if not from_address and mp and mp.from_:  # what mail-parser made of a From we cannot read
        from_name, from_address = mp.from_[0]
    date = None
    try:
        date = email.utils.parsedate_to_datetime(header_text(msg, "Date")) if header_text(msg, "Date") else None
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year of dozens of digits (atheris)
        date = None
    if date is not None and date.tzinfo is None:
        date = None  # a Date without zone cannot anchor a deadline honestly
    headers = [(k, decode_header_value(v)) for k, v in msg.items()]
    message_id = (message_ids(header_text(msg, "Message-ID")) or [None])[0]
    in_reply_to = (message_ids(header_text(msg, "In-Reply-To")) or [None])[0]
    return ParsedMessage(
        message_id=message_id,
        subject=subject,
        from_header=from_header or None,
        from_name=nfc(from_name).strip() or None,
        from_address=(from_address or "").strip().lower() or None,
        date=date,
        in_reply_to=in_reply_to,
        references=message_ids(header_text(msg, "References")),
        to=address_list([decode_header_value(v) for v in msg.get_all("To", [])]),
        cc=address_list([decode_header_value(v) for v in msg.get_all("Cc", [])]),
        headers=headers,
        plain="\n\n".join(plain_parts),
        html="\n\n".join(html_parts),
        attachments=attachments,
        defects=sorted(set(defects)),
    )


def is_malformed(parsed: ParsedMessage) -> list[str]:
    """The defects that mean damage was repaired or skipped."""
    return [d for d in parsed.defects if d in STRUCTURAL_DEFECTS or d in ("ParserFailure", "UndecodablePartDefect")]
