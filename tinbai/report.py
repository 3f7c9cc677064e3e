"""The check report: what the pipeline says about one submission.

The shape and the problem codes follow the project's contract (docs/CHECK-REPORT
in the shared design notes); code may add fields and codes, never change the
meaning of these. Plain dataclasses: the report is built by pure functions and
serialised to JSON for the CLI, the queue and the web pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any

ERROR = "error"
WARNING = "warning"
SECURITY = "security"

# code -> severity (the contract's table; a few codes of our own at the end)
SEVERITY: dict[str, str] = {
    "sender.missing_name": ERROR,
    "sender.missing_title": ERROR,
    "sender.missing_unit": ERROR,
    "sender.missing_contact": ERROR,
    "sender.unknown": WARNING,
    "sender.auth_failed": WARNING,
    "message.empty": ERROR,
    "message.malformed": WARNING,
    "attachment.format_not_permitted": ERROR,
    "attachment.type_mismatch": WARNING,
    "attachment.legacy_encoding": ERROR,
    "attachment.unreadable": ERROR,
    "attachment.encrypted": ERROR,
    "attachment.too_large": ERROR,
    "attachment.executable": SECURITY,
    "attachment.macro": SECURITY,
    "archive.path_traversal": SECURITY,
    "archive.bomb": SECURITY,
    "signature.invalid": ERROR,
    "stamp.missing": ERROR,
    "approval.missing": WARNING,
    "recipients.portal_missing": WARNING,
    "news.missing_photo": ERROR,
    "source.missing_attribution": WARNING,
    "content.duplicate": WARNING,
    "deadline.late_submission": WARNING,
}

# Plain-Vietnamese default wording of each problem, for reviewers and senders.
# A check may give a more precise detail; this is the fallback.
DEFAULT_DETAIL: dict[str, str] = {
    "sender.missing_name": "Không tìm thấy họ tên người gửi",
    "sender.missing_title": "Không tìm thấy chức danh người gửi",
    "sender.missing_unit": "Không tìm thấy cơ quan, đơn vị của người gửi",
    "sender.missing_contact": "Không tìm thấy số điện thoại hoặc địa chỉ liên hệ của người gửi",
    "sender.unknown": "Địa chỉ người gửi không thuộc danh sách đơn vị, cộng tác viên đã đăng ký",
    "sender.auth_failed": "Máy chủ thư xác thực thấy thư có thể bị giả mạo địa chỉ người gửi (DMARC/SPF/DKIM)",
    "message.empty": "Thư không có nội dung và không có tệp đính kèm",
    "message.malformed": "Cấu trúc thư bị lỗi, đã được sửa hoặc bỏ qua phần hỏng",
    "attachment.format_not_permitted": "Định dạng tệp không thuộc danh mục được phép gửi",
    "attachment.type_mismatch": "Phần mở rộng của tên tệp không khớp với nội dung tệp",
    "attachment.legacy_encoding": "Văn bản dùng bảng mã cũ (TCVN3/VNI), chưa dùng Unicode TCVN 6909:2001",
    "attachment.unreadable": "Tệp bị hỏng hoặc không đọc được",
    "attachment.encrypted": "Tệp được đặt mật khẩu, không mở được",
    "attachment.too_large": "Tệp vượt quá dung lượng cho phép",
    "attachment.executable": "Tệp là chương trình hoặc mã lệnh, có thể gây hại",
    "attachment.macro": "Tệp Office có chứa macro (VBA), có thể gây hại",
    "archive.path_traversal": "Tệp nén có tên thành phần trỏ ra ngoài thư mục giải nén",
    "archive.bomb": "Tệp nén có dung lượng giải nén bất thường (bom nén)",
    "signature.invalid": "Chữ ký số không hợp lệ: nội dung đã bị thay đổi sau khi ký",
    "stamp.missing": "Văn bản cần bản chụp có dấu đỏ hoặc chữ ký số nhưng không tìm thấy",
    "approval.missing": "Không thấy ý kiến phê duyệt của lãnh đạo đơn vị gửi",
    "recipients.portal_missing": "Phần \"Nơi nhận\" của văn bản không có Trang thông tin điện tử",
    "news.missing_photo": "Tin hoạt động chưa kèm ảnh minh họa",
    "source.missing_attribution": "Thông tin trích dẫn, sưu tầm chưa ghi rõ tác giả, nguồn và thời gian",
    "content.duplicate": "Nội dung trùng với tin, bài đã gửi hoặc đã đăng trước đó",
    "deadline.late_submission": "Tin, bài gửi đến sau thời hạn cung cấp thông tin",
}


@dataclass
class Problem:
    code: str
    severity: str
    attachment: str | None = None  # path of the attachment ("a.zip/b.docx"), None for the message
    detail: str = ""
    article: str | None = None  # the profile's regulation article, e.g. "Điều 8.2"
    related_item: int | None = None  # content.duplicate: the earlier queue item

    @classmethod
    def of(cls, code: str, detail: str | None = None, attachment: str | None = None, **kw: Any) -> Problem:
        return cls(code=code, severity=SEVERITY[code], attachment=attachment,
                   detail=detail or DEFAULT_DETAIL.get(code, code), **kw)


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
    kind: str  # "event" | "issued" | "received" (profiles may add e.g. "approved")
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
    body_text: str = ""
    tracking_code: str | None = None  # a tracking code quoted in the subject/body (a reply)
    content_fingerprint: dict[str, Any] = field(default_factory=dict)  # for duplicates

    def to_dict(self, *, with_body: bool = False) -> dict[str, Any]:
        left_out = () if with_body else ("body_text", "content_fingerprint")
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
