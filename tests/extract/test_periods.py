"""What binhphuoc's report windows and answers count from (Art. 9.3.đ, 9.3.e): the reported period,
the review conference, the petition's receipt; and the anchor the submission takes from them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tinbai.extract.dates import find_conference, find_period, find_petition_received
from tinbai.extract.submission import find_anchor
from tinbai.report import DocumentHeader

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MAY_4 = date(2026, 5, 4)


@pytest.mark.parametrize(("text", "window", "start", "end"), [
    ("Báo cáo tháng 11/2026", "month", date(2026, 11, 1), date(2026, 11, 30)),
    ("Báo cáo kết quả công tác tư pháp tháng 4 năm 2026", "month", date(2026, 4, 1), date(2026, 4, 30)),
    ("Báo cáo tháng 4", "month", date(2026, 4, 1), date(2026, 4, 30)),  # the year of the latest April
    ("Báo cáo tháng 12", "month", date(2025, 12, 1), date(2025, 12, 31)),  # received in May 2026
    ("Ngày 12 tháng 3 năm 2026, Sở họp; báo cáo tháng 2", "month", date(2026, 2, 1), date(2026, 2, 28)),
    ("Kết quả tháng 4 và phương hướng nhiệm vụ tháng 5 năm 2026", "month", date(2026, 4, 1), date(2026, 4, 30)),
    ("BÁO CÁO Kết quả công tác quý III năm 2026", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
    ("Báo cáo quý 1/2026", "quarter", date(2026, 1, 1), date(2026, 3, 31)),
    ("Sơ kết 6 tháng đầu năm 2026", "half_year", date(2026, 1, 1), date(2026, 6, 30)),
    ("Tổng kết Chương trình phổ biến, giáo dục pháp luật giai đoạn 2021 - 2025", "programme",
     date(2021, 1, 1), date(2025, 12, 31)),
    ("Báo cáo tổng kết Đề án X, kết thúc ngày 30/4/2026.", "programme", date(2026, 4, 30), date(2026, 4, 30)),
])
def test_the_reported_period(text: str, window: str, start: date, end: date) -> None:
    period = find_period(text, window, MAY_4)
    assert period is not None and (period.start, period.end) == (start, end)


@pytest.mark.parametrize(("text", "window"), [
    ("Phương hướng nhiệm vụ tháng 5 năm 2026", "month"),  # the month planned, not reported
    ("6 tháng đầu năm 2026", "month"),  # a half year, not a month
    ("Quy định về quy chế làm việc", "quarter"),
    ("Tin hoạt động", "programme"),
])
def test_no_period(text: str, window: str) -> None:
    assert find_period(text, window, MAY_4) is None


@pytest.mark.parametrize(("text", "day"), [
    ("Ngày 15/7/2026, Sở Tư pháp tổ chức Hội nghị sơ kết công tác 6 tháng đầu năm 2026.", date(2026, 7, 15)),
    ("Hội nghị tổng kết công tác tư pháp năm 2026 được tổ chức vào ngày 12 tháng 01 năm 2027.", date(2027, 1, 12)),
    ("Hội thảo chuyên đề về hòa giải cơ sở diễn ra ngày 20/8/2026 tại Hội trường Sở.", date(2026, 8, 20)),
])
def test_the_review_conference(text: str, day: date) -> None:
    assert find_conference(text, date(2027, 1, 20))[0] == day


def test_a_documents_issuing_line_is_no_conference() -> None:
    assert find_conference("Bình Phước, ngày 20 tháng 7 năm 2026\nBÁO CÁO sơ kết 6 tháng", date(2026, 7, 25)) is None


@pytest.mark.parametrize(("text", "day"), [
    ("Sở Tư pháp nhận được đơn của ông A đề ngày 02/4/2026 (Sở nhận ngày 05/4/2026).", date(2026, 4, 5)),
    ("Ngày 06/4/2026, Sở Tư pháp tiếp nhận đơn kiến nghị của bà B.", date(2026, 4, 6)),
    ("Trả lời đơn đề ngày 02/4/2026 của ông A.", None),  # written, not received
    ("Ngày 06/4/2026, ông A gửi đơn đến Sở.", None),  # sent: when it arrived is not said
])
def test_the_petitions_receipt(text: str, day: date | None) -> None:
    found = find_petition_received(text, date(2026, 4, 28))
    assert (found[0] if found else None) == day


def anchor(kind: str, subject: str, body: str = "", *, window: str | None = None, document=None,
           received: datetime = datetime(2026, 5, 4, 9, 0, tzinfo=VN)):
    return find_anchor(kind, subject, body, {}, document, received, VN, window=window)


def test_a_monthly_report_counts_from_its_months_end() -> None:
    a = anchor("period", "V/v đăng tải Báo cáo số 85/BC-STP", window="month",
               document=DocumentHeader(kind="BÁO CÁO", summary="Kết quả công tác tư pháp tháng 4 năm 2026"))
    assert (a.kind, a.at, a.has_time) == ("period", datetime(2026, 4, 30, tzinfo=VN), False)
    assert a.source == "tháng 4 năm 2026"


def test_the_subject_before_the_body() -> None:
    a = anchor("period", "Báo cáo quý I/2026", "Phương hướng quý II: …; số liệu quý IV năm 2025", window="quarter")
    assert a.at == datetime(2026, 3, 31, tzinfo=VN)


@pytest.mark.parametrize(("kind", "body", "at"), [
    ("conference", "Hội nghị sơ kết 6 tháng tổ chức ngày 15/4/2026.", datetime(2026, 4, 15, tzinfo=VN)),
    ("petition", "Sở nhận được đơn ngày 10/4/2026 của ông A.", datetime(2026, 4, 10, tzinfo=VN)),
])
def test_conference_and_petition_anchors(kind: str, body: str, at: datetime) -> None:
    a = anchor(kind, "Báo cáo", body)
    assert (a.kind, a.at) == (kind, at)


def test_nothing_stated_counts_from_receipt() -> None:
    a = anchor("petition", "Trả lời ông A", "Về nội dung ông hỏi, Sở trả lời như sau.")
    assert (a.kind, a.at) == ("received", datetime(2026, 5, 4, 9, 0, tzinfo=VN))
