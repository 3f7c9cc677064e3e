"""A document bearing a state-secret mark is held: it may not travel through the portal's mailbox.

thainguyen/haiduong Art. 4.1 and 10.2.c, binhphuoc Art. 12.3.b, kontum Art. 4.1 and 7.1.c,
hungyen Art. 4.1 and 9.2: state secrets are protected and never posted. The marks (MẬT, TỐI MẬT,
TUYỆT MẬT as the red boxed stamp under the document's number, in its header or set apart in the
email) are read by tinbai.extract.secrecy and, for the stamp on a page, in the workers
(tinbai.extract.stamp_words). The problem is of severity `security`: the item is quarantined,
only the board's head and the agency head may open it (tinbai.queue.permissions), and the sender
is told, without its content, that such documents may not be sent to the portal.
"""

from __future__ import annotations

from tinbai.extract.submission import Submission
from tinbai.report import SECURITY, Problem, SecrecyMark
from tinbai.rules.base import Code, Rule

_RANK = {"MẬT": 1, "TỐI MẬT": 2, "TUYỆT MẬT": 3}


def _where(mark: SecrecyMark) -> str:
    if mark.where == "stamp":
        return f"dấu đỏ “{mark.level}” trên trang {mark.page or 1}"
    if mark.where == "document":
        return f"độ mật “{mark.level}” ghi ở phần đầu văn bản"
    if mark.where == "subject":
        return f"độ mật “{mark.level}” ghi ở tiêu đề thư"
    return f"độ mật “{mark.level}” ghi trong nội dung thư"


class Classified(Rule):
    description = "Không có văn bản mang dấu chỉ độ mật (MẬT, TỐI MẬT, TUYỆT MẬT)"
    codes = (Code("content.classified", SECURITY,
                  "Văn bản mang dấu chỉ độ mật: không được gửi qua hộp thư của Trang thông tin điện tử",
                  "Không gửi văn bản mật (có dấu MẬT, TỐI MẬT, TUYỆT MẬT) qua thư điện tử đến Trang thông tin "
                  "điện tử: văn bản mật được chuyển giao, quản lý theo quy định về bảo vệ bí mật nhà nước và "
                  "không được đăng tải."),)

    def check(self, sub: Submission) -> list[Problem]:
        by_place: dict[str | None, list[SecrecyMark]] = {}
        for mark in sub.secrecy:
            by_place.setdefault(mark.attachment, []).append(mark)
        out = []
        for attachment, marks in by_place.items():
            level = max((m.level for m in marks), key=lambda lv: _RANK.get(lv, 0))
            seen = "; ".join(dict.fromkeys(_where(m) for m in marks))
            out.append(self.problem("content.classified", f"Tài liệu mang dấu chỉ độ mật “{level}” ({seen}): "
                                    "đã cách ly, chỉ Trưởng Ban Biên tập và Thủ trưởng cơ quan được mở",
                                    attachment=attachment))
        return out
