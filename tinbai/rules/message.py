"""The message itself: something to read, and a structure that was not damaged."""

from __future__ import annotations

from tinbai.extract.submission import Submission
from tinbai.message import DEFECT_NOTES, is_malformed
from tinbai.report import ERROR, WARNING, Problem
from tinbai.rules.base import Code, Rule


class MessageEmpty(Rule):
    """A submission has a text or a file; an empty email is sent again."""

    description = "Thư có nội dung hoặc tệp đính kèm"
    codes = (Code("message.empty", ERROR, "Thư không có nội dung và không có tệp đính kèm",
                  "Gửi lại thư kèm nội dung tin, bài hoặc tệp đính kèm."),)

    def check(self, sub: Submission) -> list[Problem]:
        if sub.body_text.strip():
            return []
        files = sub.message.attachments
        if not files:
            return [self.problem("message.empty")]
        if all(len(a.data) == 0 for a in files):
            return [self.problem("message.empty", "Thư không có nội dung và tệp đính kèm rỗng (0 byte)")]
        return []


class MessageMalformed(Rule):
    """MIME damage that was repaired or skipped: the reviewer checks nothing was lost."""

    description = "Cấu trúc thư (MIME) không bị hỏng"
    codes = (Code("message.malformed", WARNING, "Cấu trúc thư bị lỗi, đã được sửa hoặc bỏ qua phần hỏng",
                  "Gửi lại thư từ phần mềm thư điện tử thông dụng; kiểm tra đủ tệp đính kèm."),)

    def check(self, sub: Submission) -> list[Problem]:
        damage = is_malformed(sub.message)
        if not damage:
            return []
        named = [f"{d}: {DEFECT_NOTES[d]}" if d in DEFECT_NOTES else d for d in damage]
        return [self.problem("message.malformed", "Cấu trúc thư bị lỗi và đã được sửa hoặc bỏ qua ("
                             + "; ".join(named) + ")")]
