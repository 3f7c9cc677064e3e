"""The same content as an earlier submission (thainguyen/haiduong Art. 10.2.d).

The matches are found in the queue's history before the chain runs (the fingerprints come from
tinbai.extract.duplicates) and handed to the rules in `Submission.duplicates`.
"""

from __future__ import annotations

from tinbai.extract.submission import Submission
from tinbai.report import WARNING, Problem
from tinbai.rules.base import Code, Rule


class Duplicate(Rule):
    description = "Nội dung không trùng với tin, bài đã nhận hoặc đã đăng"
    codes = (Code("content.duplicate", WARNING, "Nội dung trùng với tin, bài đã gửi hoặc đã đăng trước đó",
                  "Không gửi lại tin, bài đã gửi; nếu là bản sửa, ghi rõ mã tiếp nhận của bản trước."),)

    def check(self, sub: Submission) -> list[Problem]:
        if not sub.duplicates:
            return []
        first = sub.duplicates[0]  # the earliest: the one this submission repeats
        return [self.problem("content.duplicate",
                             f"Trùng nội dung với mục #{first.item_id} đã nhận trước đó ({first.what}, "
                             f"mức giống {first.similarity:.0%})", related_item=first.item_id)]
