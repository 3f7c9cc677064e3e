"""Quoted or collected material names its author, source and date.

thainguyen Art. 11.3, haiduong Art. 11.3, kontum Art. 7.2; hungyen Art. 9.3 asks for the source
(quoting the original). Whether a profile asks it is `attribution_required`; the marks of quoted
material and their attribution are read by tinbai.extract.attribution.
"""

from __future__ import annotations

from tinbai.config import Profile
from tinbai.extract.attribution import missing_attribution
from tinbai.extract.submission import Submission
from tinbai.report import WARNING, Problem
from tinbai.rules.base import Code, Rule


class MissingAttribution(Rule):
    description = "Thông tin trích dẫn, sưu tầm ghi rõ tác giả, nguồn và thời gian"
    codes = (Code("source.missing_attribution", WARNING,
                  "Thông tin trích dẫn, sưu tầm chưa ghi rõ tác giả, nguồn và thời gian",
                  "Ghi rõ tác giả, nguồn và thời gian đăng tải lần đầu của thông tin trích dẫn, sưu tầm."),)

    def applies(self, profile: Profile) -> bool:
        return profile.attribution_required

    def check(self, sub: Submission) -> list[Problem]:
        for text in [sub.body_text, *sub.texts.values()]:
            detail = missing_attribution(text)
            if detail:
                return [self.problem("source.missing_attribution", detail)]
        return []
