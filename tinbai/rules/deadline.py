"""The item arrived within the time the regulation allows (thainguyen/haiduong Art. 7.4,
binhphuoc Art. 9.3, kontum Art. 9.2, hungyen Art. 12). The deadline is worked out from the
category's rule and its anchor (tinbai.calendar.compute_deadline); the problem cites the
category's own article where the profile gives one."""

from __future__ import annotations

from dataclasses import replace

from tinbai.extract.submission import Submission
from tinbai.report import WARNING, Problem
from tinbai.rules.base import Code, Rule


class LateSubmission(Rule):
    description = "Tin, bài gửi đến trong thời hạn cung cấp thông tin"
    codes = (Code("deadline.late_submission", WARNING, "Tin, bài gửi đến sau thời hạn cung cấp thông tin",
                  "Gửi tin, bài sớm hơn, trong thời hạn Quy chế quy định."),)

    def check(self, sub: Submission) -> list[Problem]:
        if sub.deadline is None or sub.deadline >= sub.received_at:
            return []
        problem = self.problem("deadline.late_submission", f"Tin, bài gửi đến sau thời hạn cung cấp thông tin "
                                                           f"({sub.deadline.strftime('%H:%M %d/%m/%Y')})")
        category = sub.profile.categories.get(sub.category)
        return [replace(problem, article=category.article) if category and category.article else problem]
