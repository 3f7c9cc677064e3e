"""The same content as an earlier submission, or as what the portal has already posted.

thainguyen/haiduong Art. 10.2.d refuse "thông tin trùng lặp nội dung đã được đăng tải": the
posted item matters most, so when the content matches a posted one the warning names it, with
when and where it was posted; otherwise it names the earliest submission it repeats (a resend).
binhphuoc, kontum and hungyen have no duplicate ground: their warning cites the article the
profile gives (the board's assessment before posting), not a refusal letter.

The matches are found in the queue's history before the chain runs (the fingerprints come from
tinbai.extract.duplicates, the search is tinbai.queue.history) and handed to the rules in
`Submission.duplicates`, with the earlier item's publication when it was posted.
"""

from __future__ import annotations

from tinbai.extract.submission import Submission
from tinbai.report import WARNING, Problem
from tinbai.rules.base import Code, Rule


class Duplicate(Rule):
    description = "Nội dung không trùng với tin, bài đã nhận hoặc đã đăng"
    codes = (Code("content.duplicate", WARNING, "Nội dung trùng với tin, bài đã gửi hoặc đã đăng trước đó",
                  "Không gửi lại tin, bài đã gửi hoặc đã đăng; nếu là bản sửa, ghi rõ mã tiếp nhận của bản "
                  "trước."),)

    def check(self, sub: Submission) -> list[Problem]:
        if not sub.duplicates:
            return []
        posted = [m for m in sub.duplicates if m.published_at is not None]
        if posted:
            first = min(posted, key=lambda m: m.published_at)  # the first posting of this content
            when = first.published_at.astimezone(sub.received_at.tzinfo).strftime("%d/%m/%Y")
            where = f": {first.published_url}" if first.published_url else ""
            detail = (f"Trùng nội dung với tin, bài đã đăng trên Trang ngày {when} (mục #{first.item_id}{where}; "
                      f"{first.what}, mức giống {first.similarity:.0%})")
        else:
            first = sub.duplicates[0]  # the earliest: the one this submission repeats
            detail = (f"Trùng nội dung với mục #{first.item_id} đã nhận trước đó, chưa đăng ({first.what}, "
                      f"mức giống {first.similarity:.0%})")
        return [self.problem("content.duplicate", detail, related_item=first.item_id)]
