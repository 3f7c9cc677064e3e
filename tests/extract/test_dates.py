"""find_event / find_issued_date / mentions_event on news and document texts written here."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinbai.extract.dates import EventTime, find_event, find_issued_date, mentions_event

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, mo: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN)


RECEIVED = at(2026, 4, 16, 10, 30)


@pytest.mark.parametrize(
    ("lead", "day", "clock"),
    [
        ("Sáng ngày 15/4/2026, Sở Tư pháp tổ chức Hội nghị tập huấn.", date(2026, 4, 15), None),
        ("Chiều 15-4, Cục Thi hành án dân sự tỉnh tổ chức ra quân cưỡng chế.", date(2026, 4, 15), None),
        ("Ngày 15 tháng 4 năm 2026, Thi hành án dân sự tỉnh tổ chức Hội nghị.", date(2026, 4, 15), None),
        ("Vào lúc 14 giờ 00 phút ngày 15/4/2026, Trung tâm Trợ giúp pháp lý tổ chức đợt lưu động.",
         date(2026, 4, 15), time(14, 0)),
        ("Lúc 8h30 ngày 15/4, Đoàn công tác làm việc tại xã Hơ Moong.", date(2026, 4, 15), time(8, 30)),
        ("Ngày 15/4/2026, lúc 8 giờ, Sở Nội vụ tổ chức Hội nghị sơ kết.", date(2026, 4, 15), time(8, 0)),
        ("Sáng 15/4, vào lúc 7g30, Phòng Tư pháp huyện tổ chức tuyên truyền pháp luật.",
         date(2026, 4, 15), time(7, 30)),
        ("Tối 14/4, Đoàn Thanh niên tổ chức chương trình giao lưu.", date(2026, 4, 14), None),
        ("Chiều ngày 15/04/2026 (thứ Tư), Cục tổ chức Hội nghị giao ban.", date(2026, 4, 15), None),
        ("Sáng thứ Tư, ngày 15/4/2026, Sở tổ chức Lễ ra quân.", date(2026, 4, 15), None),
        ("Ngày 15.4.2026, Công đoàn Sở phát động phong trào thi đua.", date(2026, 4, 15), None),
        ("Hôm nay, Sở Tư pháp tổ chức Hội nghị triển khai nhiệm vụ.", date(2026, 4, 16), None),
        ("Sáng nay (16/4), Sở Tư pháp tổ chức Hội nghị triển khai nhiệm vụ.", date(2026, 4, 16), None),
        ("Chiều qua, Phòng THADS khu vực 3 tổ chức cưỡng chế kê biên.", date(2026, 4, 15), None),
        ("Ngày hôm qua, Chi cục tổ chức buổi tiếp công dân định kỳ.", date(2026, 4, 15), None),
        ("Vào lúc 2 giờ chiều ngày 15/4/2026, Sở tổ chức tọa đàm.", date(2026, 4, 15), time(14, 0)),
        ("Chiều ngày 15/4/2026, lúc 14:00, Sở tổ chức tọa đàm.", date(2026, 4, 15), time(14, 0)),
    ],
)
def test_lead_forms(lead: str, day: date, clock: time | None) -> None:
    text = "TIÊU ĐỀ TIN BÀI\n" + lead + "\nTham dự có lãnh đạo các phòng chuyên môn."
    ev = find_event(text, RECEIVED)
    assert ev is not None
    assert ev.start_date == day
    assert ev.start_time == clock
    assert ev.has_time is (clock is not None)
    assert ev.start.tzinfo is not None and ev.start.utcoffset() == timedelta(hours=7)
    assert ev.source  # the words it was read from


def test_time_of_day_word_is_not_a_time() -> None:
    ev = find_event("Sáng ngày 15/4/2026, Sở Tư pháp tổ chức Hội nghị.", RECEIVED)
    assert ev is not None and ev.start_time is None and not ev.has_time
    assert ev.start == datetime(2026, 4, 15, 0, 0, tzinfo=VN)
    assert ev.source == "Sáng ngày 15/4/2026"


@pytest.mark.parametrize(
    ("written", "received", "expected"),
    [
        ("Chiều 28-4", at(2025, 4, 28, 17, 40), date(2025, 4, 28)),
        ("Chiều 29-12", at(2026, 1, 3), date(2025, 12, 29)),  # across the new year
        ("Sáng 2/1", at(2026, 1, 2, 8), date(2026, 1, 2)),
        ("Sáng 17/4", at(2026, 4, 16, 20), date(2026, 4, 17)),  # one day ahead is allowed
        ("Sáng 29/8", at(2025, 9, 3, 8, 15), date(2025, 8, 29)),
        ("Ngày 29 tháng 2", at(2024, 3, 5), date(2024, 2, 29)),
    ],
)
def test_year_left_out_is_the_nearest_past(written: str, received: datetime, expected: date) -> None:
    ev = find_event(f"{written}, Cục Thi hành án dân sự tổ chức Hội thao.", received)
    assert ev is not None and ev.start_date == expected


def test_end_time_kontum_style() -> None:
    text = ("Chiều ngày 29/04/2025, Sở Tư pháp tỉnh Kon Tum phối hợp với UBND xã tổ chức Hội nghị "
            "tuyên truyền pháp luật.\nDịp này, Ban tổ chức cấp phát tài liệu. "
            "Hội nghị kết thúc lúc 16 giờ 30 phút ngày 29/4/2025.")
    ev = find_event(text, at(2025, 4, 29, 20, 10))
    assert ev is not None
    assert ev.start_date == date(2025, 4, 29) and ev.start_time is None
    assert ev.end == datetime(2025, 4, 29, 16, 30, tzinfo=VN) and ev.end_has_time
    assert "kết thúc lúc 16 giờ 30 phút" in ev.source


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Sáng ngày 11/12/2025, Sở tổ chức Hội nghị. Hội nghị kết thúc lúc 11 giờ 00 phút cùng ngày.",
         (date(2025, 12, 11), None), datetime(2025, 12, 11, 11, 0, tzinfo=VN)),
        ("Ngày 11/12/2025, từ 8h đến 11h30, Sở tổ chức lớp tập huấn nghiệp vụ.",
         (date(2025, 12, 11), time(8, 0)), datetime(2025, 12, 11, 11, 30, tzinfo=VN)),
        ("Vào lúc 8 giờ 00 ngày 11/12/2025, Sở tổ chức Hội nghị, kéo dài đến 11 giờ 30.",
         (date(2025, 12, 11), time(8, 0)), datetime(2025, 12, 11, 11, 30, tzinfo=VN)),
        ("Ngày 11/12/2025, lúc 14h, Sở tổ chức tọa đàm; buổi tọa đàm bế mạc vào lúc 16h45.",
         (date(2025, 12, 11), time(14, 0)), datetime(2025, 12, 11, 16, 45, tzinfo=VN)),
    ],
)
def test_end_forms(text: str, start: tuple[date, time | None], end: datetime) -> None:
    ev = find_event(text, at(2025, 12, 11, 19))
    assert ev is not None
    assert (ev.start_date, ev.start_time) == start
    assert ev.end == end and ev.end_has_time


def test_multi_day_event_gives_a_date_only_end() -> None:
    ev = find_event("Từ ngày 14 đến ngày 16/4/2026, Sở tổ chức lớp bồi dưỡng nghiệp vụ hòa giải.",
                    at(2026, 4, 17))
    assert ev is not None
    assert ev.start_date == date(2026, 4, 14)
    assert ev.end == datetime(2026, 4, 16, 0, 0, tzinfo=VN) and not ev.end_has_time
    ev2 = find_event("Trong hai ngày 14-15/4, Cục tổ chức Hội thi Chấp hành viên giỏi.", at(2026, 4, 16))
    assert ev2 is not None and ev2.start_date == date(2026, 4, 14)
    assert ev2.end is not None and ev2.end.date() == date(2026, 4, 15)


def test_range_inside_the_first_sentence_after_a_citation() -> None:
    text = ("Thực hiện Kế hoạch số 12/KH-STP ngày 5/1/2026 của Sở Tư pháp, trong 02 ngày 14 và 15/4/2026, "
            "Sở đã tổ chức lớp tập huấn nghiệp vụ cho công chức tư pháp - hộ tịch cấp xã.")
    ev = find_event(text, at(2026, 4, 17))
    assert ev is not None and ev.start_date == date(2026, 4, 14)
    assert ev.end is not None and ev.end.date() == date(2026, 4, 15) and not ev.end_has_time


def test_start_and_end_stated_in_later_sentences() -> None:
    text = ("Ngày 16/4/2026, Sở Tư pháp tổ chức Hội nghị trực tuyến với 30 điểm cầu. "
            "Hội nghị bắt đầu lúc 8h30 và kết thúc lúc 11h.")
    ev = find_event(text, at(2026, 4, 17))
    assert ev is not None
    assert (ev.start_date, ev.start_time) == (date(2026, 4, 16), time(8, 30))
    assert ev.end == datetime(2026, 4, 16, 11, 0, tzinfo=VN)


def test_formal_vao_hoi() -> None:
    ev = find_event("Vào hồi 8 giờ 00 phút, ngày 15/4/2026, tại trụ sở UBND xã, Chi cục tổ chức cưỡng chế.",
                    at(2026, 4, 17))
    assert ev is not None and ev.start == datetime(2026, 4, 15, 8, 0, tzinfo=VN)
    assert ev.source.startswith("Vào hồi 8 giờ 00 phút")


def test_anchor_of_event_and_event_end() -> None:
    ev = EventTime(start_date=date(2025, 4, 29), start_time=None,
                   end=datetime(2025, 4, 29, 16, 30, tzinfo=VN), source="x", tz=VN)
    start = ev.anchor("event")
    assert start.kind == "event" and start.at == datetime(2025, 4, 29, tzinfo=VN) and not start.has_time
    end = ev.anchor("event_end")
    assert end.at == datetime(2025, 4, 29, 16, 30, tzinfo=VN) and end.has_time


def test_picks_the_event_not_the_cited_documents() -> None:
    text = (
        "Văn thư gửi Quyết định số 117/QĐ-THADS ngày 25/4/2025 của Thi hành án dân sự tỉnh.\n"
        "Căn cứ Luật Thi hành án dân sự ngày 14 tháng 11 năm 2008, Nghị định 62/2015/NĐ-CP "
        "ngày 18/7/2015 của Chính phủ;\n"
        "Chiều 28-4, Cục tổ chức Hội nghị công bố Quyết định số 117/QĐ-THADS ngày 25/4/2025.\n"
        "Hội nghị đề nghị các đơn vị báo cáo kết quả trước ngày 15/5/2025.\n"
        "ĐT: 0208.3592.036 - Số 181 đường Lương Ngọc Quyến"
    )
    ev = find_event(text, at(2025, 4, 28, 17))
    assert ev is not None and ev.start_date == date(2025, 4, 28)


def test_ignores_holiday_names_and_month_year() -> None:
    text = ("SÔI NỔI HỘI THAO CHÀO MỪNG QUỐC KHÁNH 2/9\n"
            "Sáng 29/8, Công đoàn tổ chức Hội thao chào mừng kỷ niệm 80 năm Cách mạng Tháng Tám "
            "và Quốc khánh 2/9. Kết quả tháng 7/2025 và 6 tháng đầu năm 2025 được biểu dương.")
    ev = find_event(text, at(2025, 9, 3, 8, 15))
    assert ev is not None and ev.start_date == date(2025, 8, 29)


def test_ignores_the_issuance_line_of_a_document_header() -> None:
    text = ("SỞ TƯ PHÁP\nSố: 96/TB-STP\nKon Tum, ngày 28 tháng 4 năm 2026\nTHÔNG BÁO\n"
            "Ngày 27/4/2026, Sở Tư pháp tổ chức họp giao ban tháng 4.")
    ev = find_event(text, at(2026, 4, 28, 15))
    assert ev is not None and ev.start_date == date(2026, 4, 27)


def test_dates_in_the_subject_line() -> None:
    ev = find_event("V/v gửi tin: Hội nghị sơ kết ngày 15/4/2026\nKính gửi Ban biên tập,\n"
                    "Đơn vị gửi tin và ảnh hoạt động, đề nghị Ban biên tập xem xét đăng tin.", RECEIVED)
    assert ev is not None and ev.start_date == date(2026, 4, 15)


def test_forwarded_headers_and_quotes_are_skipped() -> None:
    text = ("Kính gửi Ban biên tập\n> Date: Thứ Hai, 20 tháng 1, 2025\n> Sáng ngày 20/1/2025, Bộ họp.\n"
            "Sáng ngày 22/1/2025, Cục tổ chức Hội nghị triển khai Chỉ thị.")
    ev = find_event(text, at(2025, 1, 24))
    assert ev is not None and ev.start_date == date(2025, 1, 22)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Kính gửi Ban biên tập,\nĐơn vị gửi tin bài kèm theo thư này.\nTrân trọng!\nNguyễn Văn A\nĐT: 0208.3592.036",
        "Tham dự Hội nghị có lãnh đạo các phòng chuyên môn; kết quả 6 tháng đầu năm 2025 đạt 77,9%.",
        "Căn cứ Luật Thi hành án dân sự ngày 14 tháng 11 năm 2008; Nghị định số 62/2015/NĐ-CP.",
        "Quyết định số 117/QĐ-THADS ngày 25/4/2025 có hiệu lực kể từ ngày 1/5/2025.",
        "Vừa qua, Sở Tư pháp đã tổ chức Hội nghị sơ kết công tác quý I.",
        "SÔI NỔI HỘI THAO\nCông đoàn tổ chức Hội thao chào mừng Cách mạng Tháng Tám và Quốc khánh 2/9.",
    ],
)
def test_no_event(text: str) -> None:
    assert find_event(text, RECEIVED) is None


def test_future_announcement_ranks_below_the_past_event() -> None:
    text = ("Sáng ngày 15/4/2026, Sở tổ chức Hội nghị sơ kết.\n"
            "Sáng ngày 25/4/2026, Sở sẽ tổ chức Hội nghị tổng kết.")
    ev = find_event(text, RECEIVED)
    assert ev is not None and ev.start_date == date(2026, 4, 15)


def test_received_in_another_zone_is_read_in_vietnam_time() -> None:
    # 18:30 UTC on 15/4 is 01:30 on 16/4 in Vietnam, the working zone: "hôm nay" is the 16th
    ev = find_event("Hôm nay, Sở tổ chức Hội nghị.", datetime(2026, 4, 15, 18, 30, tzinfo=UTC), VN)
    assert ev is not None and ev.start_date == date(2026, 4, 16)
    assert ev.start == datetime(2026, 4, 16, tzinfo=VN)


def test_the_working_zone_is_the_one_given() -> None:
    # no zone of its own: without one, the zone of received_at is the working zone
    ev = find_event("Hôm nay, Sở tổ chức Hội nghị.", datetime(2026, 4, 15, 18, 30, tzinfo=UTC))
    assert ev is not None and ev.start == datetime(2026, 4, 15, tzinfo=UTC)
    other = ZoneInfo("Asia/Tokyo")
    ev = find_event("Sáng ngày 15/4/2026, lúc 8 giờ, Sở tổ chức Hội nghị.", RECEIVED, other)
    assert ev is not None and ev.start == datetime(2026, 4, 15, 8, 0, tzinfo=other)
    with pytest.raises(ValueError):
        find_event("Hôm nay, Sở tổ chức Hội nghị.", datetime(2026, 4, 15, 18, 30))


# --------------------------------------------------------------------------- issuance date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SỞ TƯ PHÁP\nSố: 35/KH-STP\nBình Phước, ngày 03 tháng 3 năm 2025\nKẾ HOẠCH", date(2025, 3, 3)),
        ("TỈNH THÁI NGUYÊN 1h ==\nThái Nguyên, ngày 5/1/2026", date(2026, 1, 5)),
        ("Số: 1432/STP-VP Bình Phước, ngày 15 tháng 10 năm 2025", date(2025, 10, 15)),
        ("UBND TỈNH KON TUM\tKon Tum, ngày  29  tháng  8  năm  2025", date(2025, 8, 29)),
        ("Căn cứ Luật ngày 14 tháng 11 năm 2008;\nHà Nội, ngày 20 tháng 01 năm 2025", date(2025, 1, 20)),
    ],
)
def test_find_issued_date(text: str, expected: date) -> None:
    assert find_issued_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "Sáng ngày 15/7/2025, Sở tổ chức Hội nghị.",
     "Quyết định số 117/QĐ-THADS ngày 25/4/2025 của Thi hành án dân sự tỉnh Thái Nguyên",
     "Căn cứ Luật Thi hành án dân sự ngày 14 tháng 11 năm 2008;"],
)
def test_no_issued_date(text: str) -> None:
    assert find_issued_date(text) is None


def test_mentions_event() -> None:
    assert mentions_event("Sáng ngày 2/6/2025, Thi hành án dân sự tỉnh tổ chức Hội nghị công bố.")
    assert mentions_event("Chiều 28-4, tại Hội trường Cục, Chi cục tổ chức tập huấn.")
    assert not mentions_event("Văn thư gửi Quyết định số 117/QĐ-THADS ngày 25/4/2025 để đăng tải.")
    assert not mentions_event("Kính gửi Ban biên tập, đơn vị gửi kèm tài liệu.")


# --------------------------------------------------------------------------- properties

_LEAD_FORMS = [
    "Sáng ngày {d}/{m}/{y}, Sở Tư pháp tổ chức Hội nghị.",
    "Chiều {d}-{m}-{y}, Cục tổ chức tập huấn nghiệp vụ.",
    "Ngày {d} tháng {m} năm {y}, Thi hành án dân sự tỉnh tổ chức Hội thao.",
    "Ngày {d:02d}/{m:02d}/{y}, Phòng Tư pháp huyện tổ chức tuyên truyền pháp luật.",
]


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
       delay=st.integers(min_value=0, max_value=20), form=st.sampled_from(_LEAD_FORMS))
def test_any_written_date_is_read_back(day: date, delay: int, form: str) -> None:
    text = "TIN HOẠT ĐỘNG\n" + form.format(d=day.day, m=day.month, y=day.year) + "\nTrân trọng!"
    ev = find_event(text, datetime.combine(day + timedelta(days=delay), time(16), tzinfo=VN))
    assert ev is not None and ev.start_date == day and ev.start_time is None


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
       delay=st.integers(min_value=0, max_value=200))
def test_year_left_out_never_lands_in_the_future(day: date, delay: int) -> None:
    received = datetime.combine(day + timedelta(days=delay), time(9), tzinfo=VN)
    ev = find_event(f"Sáng {day.day}/{day.month}, Sở tổ chức Hội nghị.", received)
    if ev is None:  # 29/2 when no leap year is near, or an event too far back to be news
        return
    assert ev.start_date <= received.date() + timedelta(days=1)
    assert (ev.start_date.day, ev.start_date.month) == (day.day, day.month)
    assert received.date() - ev.start_date < timedelta(days=367)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789/-.: ,hgngàyáSốtuầnlúcsáng\n")), max_size=120))
def test_never_raises_on_noise(noise: str) -> None:
    ev = find_event(noise, RECEIVED)
    assert ev is None or isinstance(ev.start_date, date)
    find_issued_date(noise)
