"""Official documents come as a scan bearing the red seal, or digitally signed where allowed.

thainguyen/haiduong Art. 8.2: direction and management documents, decisions on complaints,
inspection conclusions… come with "bản có dấu đỏ, scan"; binhphuoc Art. 9.1.c: legal documents,
direction documents and statistics with "dấu đỏ hoặc chữ ký số". Which categories need it is the
profile's `seal_required_for`; whether an intact digital signature stands in for the seal is
`digital_signature_replaces_seal`. The seal itself is found by tinbai.extract.seal.
"""

from __future__ import annotations

from tinbai.config import Profile
from tinbai.extract.submission import Submission
from tinbai.report import ERROR, Problem
from tinbai.rules.base import Code, Rule


class StampMissing(Rule):
    description = "Văn bản cần dấu đỏ có bản chụp dấu đỏ (hoặc chữ ký số, nơi Quy chế cho phép)"
    codes = (Code("stamp.missing", ERROR, "Văn bản cần bản chụp có dấu đỏ hoặc chữ ký số nhưng không tìm thấy",
                  "Gửi kèm bản chụp (scan) văn bản có dấu đỏ của cơ quan (hoặc bản ký số, nếu Quy chế "
                  "cho phép)."),)

    def applies(self, profile: Profile) -> bool:
        return bool(profile.seal_required_for)

    def check(self, sub: Submission) -> list[Problem]:
        profile = sub.profile
        if sub.category not in profile.seal_required_for:
            return []
        files = sub.files()
        if any(a.red_stamp for a in files):
            return []
        signed = any(a.digital_signature for a in files)
        if profile.digital_signature_replaces_seal and signed:
            return []
        if profile.digital_signature_replaces_seal:
            detail = "Văn bản cần bản chụp có dấu đỏ hoặc bản có chữ ký số hợp lệ, nhưng không tìm thấy"
        else:
            detail = "Văn bản cần gửi kèm bản chụp (scan) có dấu đỏ, nhưng không tìm thấy dấu đỏ"
        looked = [a.filename for a in files if a.red_stamp is not None]
        if looked:
            detail += " trên: " + ", ".join(looked)
        return [self.problem("stamp.missing", detail)]
