"""kontum Art. 9.1.b: activity news comes with illustrating photos (`photo_required_for`)."""

from __future__ import annotations

from tinbai.config import Profile
from tinbai.extract.submission import Submission
from tinbai.filekinds import PICTURE_TYPES
from tinbai.report import ERROR, Problem
from tinbai.rules.base import Code, Rule


class MissingPhoto(Rule):
    description = "Tin hoạt động có ảnh minh họa (nơi Quy chế yêu cầu)"
    codes = (Code("news.missing_photo", ERROR, "Tin hoạt động chưa kèm ảnh minh họa",
                  "Gửi kèm ảnh minh họa cho tin hoạt động."),)

    def applies(self, profile: Profile) -> bool:
        return bool(profile.photo_required_for)

    def check(self, sub: Submission) -> list[Problem]:
        if sub.category not in sub.profile.photo_required_for:
            return []
        if any(a.detected_type in PICTURE_TYPES for a in sub.files()):
            return []
        return [self.problem("news.missing_photo", "Tin hoạt động chưa kèm ảnh minh họa: đề nghị gửi bổ sung ảnh")]
