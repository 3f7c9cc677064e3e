"""The check report: what the pipeline says about one submission.

The shape follows the project's contract (docs/CHECK-REPORT in the shared design
notes); code may add fields, never change the meaning of these. Plain dataclasses:
the report is built by pure functions and serialised to JSON for the CLI, the queue
and the web pages. The problem codes, with their severities and texts, are defined
by the rules that raise them (tinbai.rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any

ERROR = "error"
WARNING = "warning"
SECURITY = "security"


@dataclass
class Problem:
    code: str
    severity: str
    attachment: str | None = None  # path of the attachment ("a.zip/b.docx"), None for the message
    detail: str = ""
    article: str | None = None  # the profile's regulation article, e.g. "Điều 8.2"
    related_item: int | None = None  # content.duplicate: the earlier queue item


@dataclass
class Sender:
    address: str | None = None
    name: str | None = None
    title: str | None = None
    unit: str | None = None
    phone: str | None = None
    postal_address: str | None = None


@dataclass
class Anchor:
    kind: str  # "event" | "issued" | "period" | "conference" | "petition" | "received"
    at: datetime
    has_time: bool = True  # False when the text gave a date only
    source: str | None = None  # the words it was read from


@dataclass
class SealMark:
    page: int  # 1-based page of a PDF, 1 for a picture
    box: tuple[int, int, int, int]  # x, y, width, height in pixels of the analysed image
    image_size: tuple[int, int]  # width, height of the analysed image, to scale the box
    score: float = 0.0


@dataclass
class SecrecyMark:
    """A state-secret mark ("độ mật") found on a submission: where, and what it says."""

    level: str  # "MẬT" | "TỐI MẬT" | "TUYỆT MẬT"
    where: str  # "stamp" (the red boxed stamp on a page), "document" (its header's text), "subject", "body"
    attachment: str | None = None  # the file's path, for "stamp" and "document"
    page: int | None = None  # 1-based page of the stamp
    box: tuple[int, int, int, int] | None = None  # x, y, width, height in pixels of the analysed image
    image_size: tuple[int, int] | None = None
    source: str = ""  # the words it was read from (OCR of the stamp, the header's line)


@dataclass
class SignatureInfo:
    intact: bool
    signer: str | None = None
    email: str | None = None
    issuer: str | None = None
    signed_at: datetime | None = None
    trusted: bool | None = None  # None: no trust anchors configured
    covers_whole_file: bool | None = None
    kind: str = "pdf"  # "pdf" | "ooxml"
    # False when the signature could not be checked at all (a format pyHanko does not read,
    # such as adbe.pkcs7.sha1): then it is neither proof nor proof of tampering
    checked: bool = True


@dataclass
class DocumentHeader:
    """What the header and the signature block of an official document say."""

    issuing_body: str | None = None
    parent_body: str | None = None
    number: str | None = None  # "117"
    symbol: str | None = None  # "QĐ-CTHADS"
    kind_code: str | None = None  # "QĐ"
    issuer_code: str | None = None  # "CTHADS"
    kind: str | None = None  # "QUYẾT ĐỊNH"
    place: str | None = None
    issued_on: str | None = None  # ISO date
    summary: str | None = None  # trích yếu
    signer_title: str | None = None
    signer_name: str | None = None
    recipients: list[str] = field(default_factory=list)  # lines of "Nơi nhận"


@dataclass
class AttachmentReport:
    filename: str
    extension: str | None
    detected_type: str
    size: int
    text_encoding: str | None = None
    red_stamp: bool | None = None
    digital_signature: bool | None = None
    pages: int | None = None
    problems: list[Problem] = field(default_factory=list)
    children: list[AttachmentReport] = field(default_factory=list)
    # our additions
    path: str = ""  # "archive.zip/member.docx" for members
    sha256: str | None = None
    content_type: str | None = None
    text_from_ocr: bool = False
    seals: list[SealMark] = field(default_factory=list)
    secrecy_stamps: list[SecrecyMark] = field(default_factory=list)  # boxed "MẬT" stamps seen on its pages
    signatures: list[SignatureInfo] = field(default_factory=list)
    document: DocumentHeader | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # image size, duration, fonts…


@dataclass
class CheckReport:
    profile: str
    message_id: str | None
    received_at: datetime
    subject: str | None
    sender: Sender
    category: str
    anchor: Anchor
    deadline: datetime | None
    attachments: list[AttachmentReport]
    problems: list[Problem]
    verdict: str
    # our additions
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    body_text: str = ""  # the contract's: the message's own text, without a quoted reply
    tracking_code: str | None = None  # a tracking code quoted in the subject/body (a reply)
    content_fingerprint: dict[str, Any] = field(default_factory=dict)  # for duplicates
    provider_unnamed: bool = False  # the provider asked to stay unnamed (thainguyen/haiduong Art. 4.2)
    original_sender: Sender | None = None  # the author of a forwarded message (the sender forwards it)
    addressed_to: str | None = None  # which of the profile's addresses the message was sent to

    def to_dict(self, *, with_fingerprint: bool = False) -> dict[str, Any]:
        left_out = () if with_fingerprint else ("content_fingerprint",)
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self) if f.name not in left_out}

    def codes(self) -> set[str]:
        return {p.code for p in self.problems}


def verdict_of(problems: list[Problem]) -> str:
    """quarantine > needs_correction > accept, from the severities alone."""
    severities = {p.severity for p in problems}
    if SECURITY in severities:
        return "quarantine"
    if ERROR in severities:
        return "needs_correction"
    return "accept"


def _jsonable(value: Any) -> Any:
    """Dataclasses as dicts, datetimes as ISO text, tuples as lists: new containers all through,
    leaves shared. dataclasses.asdict deep-copied every leaf first (a report's to_dict took
    ~1 ms, for each message stored)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    return value
