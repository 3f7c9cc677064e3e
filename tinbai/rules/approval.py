"""The sending unit's leader approved the item before it was sent: its own rule, whatever the seal.

- thainguyen/haiduong Art. 8.2 (the kinds of documents it lists need "ý kiến của Lãnh đạo đơn vị")
  and Art. 9.1 (news and articles by the units' staff are checked and approved by the head of the
  unit: "Trưởng phòng", "Thủ trưởng đơn vị");
- binhphuoc Art. 9.1.a: the units' leaders approve everything their unit supplies; a staff
  member's own item is their own responsibility;
- kontum Art. 18.2: the heads of the district and city justice offices approve their office's
  news and articles;
- hungyen Art. 11.3-11.4: every item the units' staff write goes through the unit head.
Which categories need it (`approval_required_for`), whose items (the agency's own people, and of
them the units named in `approval_units`), and whether a staff member's own items are exempt
(`approval_own_items_exempt`) are the profile's; the evidence is read by tinbai.extract.approval.
Citizens and other bodies approve nothing of the agency's: their items are not asked for it.
"""

from __future__ import annotations

from tinbai.config import Profile
from tinbai.extract.approval import approval_evidence, supplied_by_unit
from tinbai.extract.origin import from_agency
from tinbai.extract.submission import Submission
from tinbai.report import WARNING, Problem
from tinbai.rules.base import Code, Rule
from tinbai.textutil import casefold_key


def _of_the_agency(sub: Submission) -> bool:
    """The sender is one of the agency's own people (the board's directory: its units, their domains
    and contributors; or the allowed domains) and, where the profile names the units whose items need
    approval, of one of them."""
    profile, address = sub.profile, sub.sender.address
    if not from_agency(sub.directory, profile.allowed_domains, address):
        return False
    if not profile.approval_units:
        return True
    unit_of = sub.directory.unit_of(address)
    unit = casefold_key(sub.sender.unit or (unit_of.name if unit_of else "") or "")
    return any(unit.startswith(casefold_key(u)) for u in profile.approval_units)


class ApprovalMissing(Rule):
    description = "Tin, bài của đơn vị có ý kiến phê duyệt của lãnh đạo đơn vị (nơi Quy chế yêu cầu)"
    codes = (Code("approval.missing", WARNING, "Không thấy ý kiến phê duyệt của lãnh đạo đơn vị gửi",
                  "Xin ý kiến lãnh đạo đơn vị trước khi gửi và ghi rõ trong thư (ví dụ: \"đã được lãnh "
                  "đạo phòng duyệt\"), đồng gửi thư cho lãnh đạo đơn vị, hoặc gửi kèm văn bản có dấu đỏ "
                  "hoặc chữ ký số."),)

    def applies(self, profile: Profile) -> bool:
        return bool(profile.approval_required_for)

    def check(self, sub: Submission) -> list[Problem]:
        profile = sub.profile
        if sub.category not in profile.approval_required_for or not _of_the_agency(sub):
            return []
        if profile.approval_own_items_exempt and not supplied_by_unit(sub.body_text, sub.message.from_name,
                                                                     len(sub.documents)):
            return []  # binhphuoc Art. 9.1.a: the staff member answers for their own item
        leaders = sub.directory.leaders()  # the board's directory (the database), handed in by the runner
        recipients = sub.message.cc + sub.message.to
        if approval_evidence(sub.sender.title, sub.body_text, recipients, leaders, sub.files()):
            return []
        return [self.problem("approval.missing",
                             "Không thấy ý kiến phê duyệt của lãnh đạo đơn vị gửi tin: người gửi không ghi "
                             "chức danh lãnh đạo, thư không nêu lãnh đạo đã duyệt, lãnh đạo đơn vị không được "
                             "đồng gửi và không có văn bản có dấu đỏ, chữ ký số")]
