"""The finer categories of binhphuoc (Art. 9.3), kontum (Art. 9.2.c) and hungyen (Art. 12.1), on the
shipped profiles: named by the agency's document or by the subject, used only where the profile has them."""

from __future__ import annotations

import pytest

from tests.submissions import profile
from tinbai.extract.category import classify
from tinbai.extract.kinds import message_kind
from tinbai.report import DocumentHeader


def own(pid: str, kind: str, summary: str) -> DocumentHeader:
    body, code = {"binhphuoc-stp": ("SỞ TƯ PHÁP TỈNH BÌNH PHƯỚC", "STP"), "kontum-stp": ("SỞ TƯ PHÁP TỈNH KON TUM", "STP"),
                  "hungyen-snv": ("SỞ NỘI VỤ TỈNH HƯNG YÊN", "SNV")}[pid]
    return DocumentHeader(issuing_body=body, number="9", symbol=f"BC-{code}", issuer_code=code, kind=kind,
                          summary=summary, issued_on="2026-05-04")


@pytest.mark.parametrize(("pid", "kind", "summary", "expected"), [
    ("binhphuoc-stp", "BÁO CÁO", "Kết quả công tác tư pháp tháng 4 năm 2026", "monthly_report"),
    ("binhphuoc-stp", "BÁO CÁO", "Tổng kết Chương trình phổ biến, giáo dục pháp luật giai đoạn 2021-2025",
     "closing_report"),
    ("binhphuoc-stp", "BÁO CÁO", "Tổng kết công tác tư pháp năm 2026", "annual_report"),
    ("kontum-stp", "QUYẾT ĐỊNH", "Về việc công bố công khai dự toán ngân sách năm 2026", "public_disclosure"),
    ("kontum-stp", "THÔNG BÁO", "Công khai thủ tục hành chính lĩnh vực hộ tịch", "public_disclosure"),
    ("kontum-stp", "KẾ HOẠCH", "Phổ biến, giáo dục pháp luật năm 2026", "directive"),
    ("binhphuoc-stp", "QUYẾT ĐỊNH", "Về việc công bố công khai dự toán ngân sách năm 2026", "directive"),  # no 9.2.c
])
def test_the_agencys_document_names_it(pid: str, kind: str, summary: str, expected: str) -> None:
    assert classify("Gửi văn bản để đăng tải", "", [own(pid, kind, summary)], profile(pid))[0] == expected


@pytest.mark.parametrize(("pid", "subject", "expected"), [
    ("hungyen-snv", "Đề nghị cập nhật danh bạ điện thoại Phòng Công chức, viên chức", "update"),
    ("hungyen-snv", "Điều chỉnh lịch công tác tuần của Lãnh đạo Sở", "update"),
    ("hungyen-snv", "V/v gửi tin: Hội nghị cập nhật kiến thức pháp luật", None),  # news, no Art. 7 item
    ("kontum-stp", "Thông báo công khai kết quả giải quyết thủ tục hành chính quý I", "public_disclosure"),
    ("kontum-stp", "Tuyên truyền pháp luật công khai, minh bạch", None),
    ("binhphuoc-stp", "V/v đăng tải Báo cáo kết quả công tác tháng 4/2026", "monthly_report"),
    ("binhphuoc-stp", "Gửi báo cáo quý I năm 2026", "quarterly_report"),
    ("thainguyen-thads", "Gửi báo cáo kết quả công tác tháng 7/2025", None),  # thainguyen has no report windows
    ("hungyen-snv", "Cập nhật danh bạ", "update"),
])
def test_the_subject_names_it(pid: str, subject: str, expected: str | None) -> None:
    assert message_kind(subject, profile(pid).categories) == expected


def test_news_stays_news() -> None:
    cat, _ = classify("[Tin] Cập nhật lịch công tác của Lãnh đạo Sở tham dự hội nghị", "Sáng ngày 4/5/2026, …",
                      [], profile("hungyen-snv"))
    assert cat == "news"


@pytest.mark.parametrize(("pid", "category", "article"), [
    ("kontum-stp", "public_disclosure", "Điều 9.2.c"), ("hungyen-snv", "update", "Điều 12.1"),
    ("binhphuoc-stp", "closing_report", "Điều 9.3.đ"), ("binhphuoc-stp", "answer", "Điều 9.3.e"),
])
def test_each_new_category_states_its_article(pid: str, category: str, article: str) -> None:
    assert profile(pid).categories[category].article == article
