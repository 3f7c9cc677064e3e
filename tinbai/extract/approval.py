"""Evidence that the sending unit's leader approved an item before it was sent, and whether the
item is the unit's at all.

thainguyen/haiduong Art. 8.2 (the unit leader's opinion on the documents it lists) and 9.1 (news
and articles "phải được Trưởng phòng / Thủ trưởng đơn vị … xét duyệt"), binhphuoc Art. 9.1.a (the
units' leaders "có trách nhiệm duyệt" what their unit supplies), hungyen Art. 11.3-11.4, kontum
Art. 18.2. What shows it, in the order it is looked for:
- the sender is a leader: a leader's title in their signature block ("Trưởng phòng", "Phó Chánh
  Văn phòng", "Chi cục trưởng");
- the message says a leader approved it: "đã được lãnh đạo phòng duyệt", "Trưởng phòng đã xét
  duyệt", "ý kiến của lãnh đạo"; never a request ("đề nghị lãnh đạo phê duyệt", "xin ý kiến") nor
  a denial ("lãnh đạo chưa duyệt");
- a leader of the unit (the profile's directory) is among the recipients;
- an attached document a leader signed: with the red seal, an intact digital signature, or a
  leader's title in its signature block ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC").
The rule that asks for it is tinbai.rules.approval.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tinbai.lexicon import LEADER_TITLES, alternation_folded
from tinbai.report import AttachmentReport, DocumentHeader
from tinbai.textutil import aligned_fold, nfc

__all__ = ["approval_evidence", "leader_approved", "supplied_by_unit"]

LEADER_TITLE = re.compile(r"\b(?:" + alternation_folded(LEADER_TITLES) + r")\b")
_LEADER = (r"(?:lanh dao|truong phong|truong don vi|thu truong|giam doc|cuc truong|chi cuc truong|"
           r"chanh van phong|truong ban)")
_APPROVED = (r"(?:da\s+(?:xem|duyet|xet duyet|kiem duyet|ky duyet|phe duyet|dong y|cho y kien|ky|kiem tra)|"
             r"dong y|phe duyet|xet duyet|kiem duyet|ky duyet|cho phep)")
APPROVAL_TEXT = re.compile(
    rf"{_LEADER}[^.\n]{{0,60}}?{_APPROVED}"
    rf"|(?:da duoc|duoc)\s[^.\n]{{0,40}}{_LEADER}[^.\n]{{0,40}}(?:duyet|dong y|phe duyet|ky)"
    r"|y kien (?:chi dao )?cua lanh dao"
)
# a request or a denial is no approval: "đề nghị lãnh đạo phê duyệt", "xin ý kiến", "chưa duyệt"
_ASKED = re.compile(r"\b(?:de nghi|xin|kinh trinh|trinh|mong|chua|khong|cho|sau khi)\b")
_SENTENCE = re.compile(r"[^.!?\n]+")
# "Phòng Tư pháp huyện Bù Đăng gửi tin", "Văn phòng Sở gửi…", "thay mặt đơn vị": the unit supplies it
# (a unit that a sentence addresses, "Kính gửi Ban Biên tập", does not send)
_UNIT_WORD = r"(?:phong|van phong|chi cuc|cuc|so|trung tam|thanh tra|don vi)"
_UNIT_SENDS = re.compile(rf"(?<!gui )\b{_UNIT_WORD}\b[^.,;\n]{{0,60}}\b(?:gui|chuyen|cung cap)\b|\bthay mat\b")


def _stated_in(body: str) -> str | None:
    """The sentence of the body that says a leader approved the item."""
    text = nfc(body)
    folded = aligned_fold(text)  # the same length: a match is a span of `text`
    for sentence in _SENTENCE.finditer(folded):
        m = APPROVAL_TEXT.search(sentence.group())
        if m and not _ASKED.search(sentence.group()[:m.end()]):
            return text[sentence.start() + m.start():sentence.start() + m.end()].strip()
    return None


def approval_evidence(sender_title: str | None, body: str, recipients: Iterable[str],
                      leader_addresses: Iterable[str], files: Iterable[AttachmentReport] = ()) -> str | None:
    """How the message shows the unit leader's approval, in Vietnamese; None when it does not."""
    if sender_title and LEADER_TITLE.search(aligned_fold(nfc(sender_title))):
        return f"người gửi là lãnh đạo ({sender_title})"
    stated = _stated_in(body or "")
    if stated:
        return f"thư nêu: “{stated}”"
    leaders = {a.lower() for a in leader_addresses}
    cc = sorted(leaders & {r.lower() for r in recipients})
    if cc:
        return f"lãnh đạo đơn vị ({', '.join(cc)}) được đồng gửi"
    for a in files:
        if a.red_stamp or a.digital_signature:
            return f"tệp {a.path or a.filename} có {'dấu đỏ' if a.red_stamp else 'chữ ký số'}"
        doc: DocumentHeader | None = a.document
        if doc is not None and doc.signer_title and LEADER_TITLE.search(aligned_fold(nfc(doc.signer_title))):
            return f"văn bản {a.path or a.filename} do {doc.signer_title} ký"
    return None


def leader_approved(sender_title: str | None, body: str, recipients: Iterable[str],
                    leader_addresses: Iterable[str], files: Iterable[AttachmentReport] = ()) -> bool:
    """Whether the message shows the unit leader's approval."""
    return approval_evidence(sender_title, body, recipients, leader_addresses, files) is not None


def supplied_by_unit(body: str, from_name: str | None, documents: int) -> bool:
    """Whether the message presents the item as its unit's rather than the sender's own
    (binhphuoc Art. 9.1.a): an official document is attached (`documents`: how many), the body
    says a unit sends it ("Phòng … gửi", "thay mặt"), or it comes from a unit's mailbox (its
    display name is a unit: "Văn phòng Sở", "Phòng Tư pháp huyện …")."""
    if documents:
        return True
    if _UNIT_SENDS.search(aligned_fold(nfc(body or ""))):
        return True
    return bool(from_name and re.match(rf"\s*{_UNIT_WORD}\b", aligned_fold(nfc(from_name))))
