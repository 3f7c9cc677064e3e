"""The file formats a regulation permits, and names that tell the truth about the content.

thainguyen/haiduong Art. 8.1, binhphuoc Art. 9.1.a, kontum Art. 9.1.b list the formats; the
list is the profile's `permitted_formats`. The type is the one detected from the bytes, never
the one the name claims.
"""

from __future__ import annotations

from tinbai.extract.submission import Submission
from tinbai.parsers.sniff import same_format
from tinbai.report import ERROR, WARNING, Problem
from tinbai.rules.base import Code, Rule

# a file of these types is reported by other rules (unreadable, executable), not as a format
_NOT_JUDGED = ("empty", "unknown")
# the macro-enabled and long-named variants of a permitted format are that format to its users
_SAME_FORMAT = {"docm": "docx", "xlsm": "xlsx", "pptm": "pptx", "jpeg": "jpg"}


def permitted(detected: str, formats: set[str]) -> bool:
    """Whether the profile lists the format. A web page (.html, .htm) is not text the profile
    takes as txt: it runs scripts and loads content when opened, and no regulation lists it."""
    return detected in formats or _SAME_FORMAT.get(detected) in formats


class FormatNotPermitted(Rule):
    description = "Tệp đính kèm thuộc danh mục định dạng được phép"
    codes = (Code("attachment.format_not_permitted", ERROR, "Định dạng tệp không thuộc danh mục được phép gửi",
                  "Chuyển tệp sang một định dạng được phép (ví dụ .doc/.docx, .pdf, .jpg) rồi gửi lại."),)

    def check(self, sub: Submission) -> list[Problem]:
        formats = set(sub.profile.permitted_formats)
        out = []
        for a in sub.files():
            if a.detected_type in _NOT_JUDGED or a.facts.get("executable"):
                continue
            if not permitted(a.detected_type, formats):
                out.append(self.problem(
                    "attachment.format_not_permitted",
                    f"Tệp {a.filename}: định dạng {a.detected_type.upper()} không thuộc danh mục được phép "
                    f"({', '.join(sorted(formats))})", attachment=a.path or a.filename))
        return out


class TypeMismatch(Rule):
    description = "Phần mở rộng của tên tệp khớp với nội dung"
    codes = (Code("attachment.type_mismatch", WARNING, "Phần mở rộng của tên tệp không khớp với nội dung tệp",
                  "Đặt tên tệp đúng định dạng của nó (ví dụ tệp PDF có đuôi .pdf) rồi gửi lại."),)

    def check(self, sub: Submission) -> list[Problem]:
        out = []
        for a in sub.files():
            if not a.extension or not a.facts.get("named", True) or a.detected_type in _NOT_JUDGED:
                continue
            if not same_format(a.extension, a.detected_type):
                out.append(self.problem(
                    "attachment.type_mismatch",
                    f"Tệp {a.filename} có đuôi .{a.extension} nhưng nội dung là {a.detected_type.upper()}",
                    attachment=a.path or a.filename))
        return out


class TooLarge(Rule):
    description = "Tệp không vượt dung lượng cho phép của Quy chế"
    codes = (Code("attachment.too_large", ERROR, "Tệp vượt quá dung lượng cho phép",
                  "Giảm dung lượng tệp (nén ảnh, chia nhỏ tệp) rồi gửi lại."),)

    def check(self, sub: Submission) -> list[Problem]:
        limit_mb = sub.profile.limits.max_file_mb
        out = []
        for a in sub.files():
            if a.size > limit_mb * 1024 * 1024:
                out.append(self.problem(
                    "attachment.too_large",
                    f"Tệp {a.filename} ({a.size / 1048576:.1f} MB) vượt quá {limit_mb:g} MB cho phép",
                    attachment=a.path or a.filename))
        return out
