"""The finer categories a profile may define, and the words that say an item is one of them.

- binhphuoc Art. 9.3: plans and procurement (c), statistics (d), the monthly, quarterly, 6-month
  and annual reports and a programme's or project's closing report (đ), answers to citizens and
  businesses (e);
- kontum Art. 9.2.c: information on the list of what must be made public ("danh mục thông tin
  phải công khai": budgets and their settlement, administrative procedures…);
- hungyen Art. 12.1: the updates of what Art. 7 lists (the introduction and the organisation,
  the directories, the services and forms, the leaders' schedule) "ngay khi có sự thay đổi".
A category is used only when the profile has it and the document's title (its kind and summary)
or the email's subject says so plainly; otherwise the caller falls back to directive, news or
other, and a reviewer can change it.
"""

from __future__ import annotations

import re
import unicodedata

from tinbai.report import DocumentHeader
from tinbai.textutil import aligned_fold

__all__ = ["message_kind", "own_category"]

_STATISTICS = re.compile(r"\bthong ke\b")  # binhphuoc Art. 9.3.d: thông tin thống kê
# binhphuoc Art. 9.3.đ: "báo cáo tổng kết Chương trình, Dự án hoặc Đề án"
_CLOSING = re.compile(r"\btong ket\b.*\b(?:chuong trinh|du an|de an)\b")
_PERIOD_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # binhphuoc Art. 9.3.đ: monthly, quarterly, 6-month, annual (and thematic) reports
    ("half_year_report", re.compile(r"\b(?:6|sau) thang\b")),
    ("quarterly_report", re.compile(r"\bquy\s*(?:[1-4ivx]+|mot|hai|ba|bon)\b")),
    ("monthly_report", re.compile(r"\bthang\s*(?:\d{1,2}\b|nay\b)")),
    ("annual_report", re.compile(r"\b(?:nam \d{4}|tong ket|chuyen de|ca nam|hang nam)\b")),
)
_PLAN = re.compile(
    r"\b(?:dau thau|lua chon nha thau|moi thau|mua sam|du an dau tu|dau tu cong|chu truong dau tu|"
    r"chien luoc)\b"
)
_ANSWER = re.compile(
    r"^v\s*/\s*v\s+(?:tra loi|giai dap|phuc dap)\b.*\b(?:cong dan|ong|ba|don|kien nghi|phan anh|"
    r"doanh nghiep|to chuc|cong ty|cau hoi)\b"
)
# kontum Art. 9.2.c; "phổ biến công khai" or a news story's "công khai, minh bạch" are not it
_DISCLOSURE = re.compile(
    r"\b(?:(?:thong tin|danh muc)[^.]{0,30}phai cong khai|(?:thong bao|cong bo|ve viec|v\s*/\s*v)\s*cong khai|"
    r"cong khai\s*(?:du toan|quyet toan|ngan sach|tai chinh|thu tuc hanh chinh|ket qua giai quyet|"
    r"danh sach|so lieu|tinh hinh thuc hien))\b"
)
# hungyen Art. 12.1: a change of what Art. 7 lists
_UPDATE_VERB = re.compile(r"\b(?:cap nhat|thay doi|dieu chinh|bo sung|sua doi)\b")
_UPDATE_WHAT = re.compile(
    r"\b(?:danh ba|so dien thoai|hom thu|thu dien tu|dia chi thu|lich cong tac|lich lam viec|co cau to chuc|"
    r"chuc nang,? nhiem vu|thu tuc hanh chinh|dich vu cong|bieu mau|thong tin gioi thieu|to chuc bo may)\b"
)
# "Báo cáo …", "Gửi báo cáo …", "V/v đăng tải Báo cáo …": a report named by the subject
_REPORT_SUBJECT = re.compile(r"^(?:(?:fwd?|re)\s*:\s*)*(?:v\s*/\s*v\s*)?(?:(?:gui|dang tai|chuyen)\s+)?bao cao\b")


def _key(text: str | None) -> str:
    return " ".join(aligned_fold(unicodedata.normalize("NFC", text or "")).split())


def _report_category(summary: str, kind: str, categories: dict) -> str | None:
    """The report window a report's title names (binhphuoc Art. 9.3.đ), or statistics (9.3.d)."""
    months = re.search(r"\b(\d{1,2}) thang\b", summary)
    odd_period = months is not None and months.group(1) not in ("6", "12")  # "9 tháng": no window
    if "statistics" in categories and (_STATISTICS.search(summary) or _STATISTICS.search(kind)):
        return "statistics"
    if "closing_report" in categories and _CLOSING.search(summary):
        return "closing_report"
    if not odd_period:
        for category, rx in _PERIOD_RULES:
            if category in categories and (rx.search(summary) or rx.search(kind)):
                return category
    return None


def own_category(doc: DocumentHeader, categories: dict) -> str:
    """directive, or a profile's own finer category when the agency's document says so plainly."""
    summary, kind = _key(doc.summary), _key(doc.kind)
    if kind.startswith("bao cao") or doc.kind_code == "BC":
        category = _report_category(summary, kind, categories)
        if category:
            return category
    if "public_disclosure" in categories and _DISCLOSURE.search(f"{kind} {summary}"):
        return "public_disclosure"
    if "plan" in categories and (_PLAN.search(summary) or kind in ("du an", "chien luoc")):
        return "plan"
    if "answer" in categories and _ANSWER.search(summary):
        return "answer"
    return "directive" if "directive" in categories else "other"


def message_kind(subject: str, categories: dict) -> str | None:
    """A finer category the email's subject names when no document of the agency decided it:
    a report of a window ("Báo cáo kết quả công tác tháng 4/2026"), information that must be made
    public, an update of what the portal lists; None otherwise."""
    subj = _key(subject)
    if not subj:
        return None
    if _REPORT_SUBJECT.search(subj):
        category = _report_category(subj, "bao cao", categories)
        if category:
            return category
    if "public_disclosure" in categories and _DISCLOSURE.search(subj):
        return "public_disclosure"
    if "update" in categories and _UPDATE_VERB.search(subj) and _UPDATE_WHAT.search(subj):
        return "update"
    return None
