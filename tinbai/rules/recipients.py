"""The agency's own documents list the portal among their recipients.

thainguyen/haiduong Art. 9.2: when a unit drafts a document meant for the portal, its "Nơi
nhận" block lists "Trang thông tin điện tử" (`portal_in_recipients`; the other regulations do not
ask it). The block is read by tinbai.extract.docheader.
"""

from __future__ import annotations

from tinbai.config import Profile
from tinbai.extract.docheader import mentions_portal
from tinbai.extract.submission import Submission
from tinbai.report import WARNING, Problem
from tinbai.rules.base import Code, Rule


class PortalMissing(Rule):
    description = "Văn bản của cơ quan ghi Trang thông tin điện tử ở phần \"Nơi nhận\""
    codes = (Code("recipients.portal_missing", WARNING,
                  "Phần \"Nơi nhận\" của văn bản không có Trang thông tin điện tử",
                  "Khi soạn văn bản để đăng tải, ghi \"Trang thông tin điện tử\" ở phần \"Nơi nhận\"."),)

    def applies(self, profile: Profile) -> bool:
        return profile.portal_in_recipients

    def check(self, sub: Submission) -> list[Problem]:
        doc = sub.document
        if sub.category != "directive" or doc is None or not doc.recipients:
            return []
        if mentions_portal(doc, sub.profile.portal_names):
            return []
        return [self.problem("recipients.portal_missing",
                             "Phần \"Nơi nhận\" của văn bản không ghi \"Trang thông tin điện tử\"")]
