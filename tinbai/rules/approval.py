"""The sending unit's leader approved the item before it was sent.

thainguyen/haiduong Art. 8.2 and 9.1 ("ý kiến của lãnh đạo đơn vị"). Which categories need it
is the profile's `approval_required_for`; the evidence is read by tinbai.extract.approval.
"""

from __future__ import annotations

from tinbai.config import Profile
from tinbai.extract.approval import leader_approved
from tinbai.extract.submission import Submission
from tinbai.report import WARNING, Problem
from tinbai.rules.base import Code, Rule


class ApprovalMissing(Rule):
    description = "Có ý kiến phê duyệt của lãnh đạo đơn vị gửi (nơi Quy chế yêu cầu)"
    codes = (Code("approval.missing", WARNING, "Không thấy ý kiến phê duyệt của lãnh đạo đơn vị gửi",
                  "Xin ý kiến lãnh đạo đơn vị trước khi gửi và ghi rõ trong thư (ví dụ: \"đã được lãnh "
                  "đạo phòng duyệt\"), hoặc đồng gửi thư cho lãnh đạo đơn vị."),)

    def applies(self, profile: Profile) -> bool:
        return bool(profile.approval_required_for)

    def check(self, sub: Submission) -> list[Problem]:
        if sub.category not in sub.profile.approval_required_for:
            return []
        leaders = sub.directory.leaders()
        recipients = sub.message.cc + sub.message.to
        if leader_approved(sub.sender.title, sub.body_text, recipients, leaders):
            return []
        return [self.problem("approval.missing",
                             "Không thấy ý kiến của lãnh đạo đơn vị gửi tin (người gửi là lãnh đạo, "
                             "thư nêu lãnh đạo đã duyệt, hoặc lãnh đạo được đồng gửi)")]
