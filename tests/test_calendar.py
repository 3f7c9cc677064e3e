"""WorkCalendar and compute_deadline (CHECK-REPORT "Counting deadlines").

The dated cases are real Vietnamese calendars (2025, 2026) as the `holidays`
package knows them, written out here with the expected results worked by hand.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinbai.calendar import CONFIG_DAY_OFF_NAME, WorkCalendar, compute_deadline, late_on_arrival
from tinbai.config import DeadlineRule, config_from_dict

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN)


def rule(unit: str, limit: int | None = None, **kw: object) -> DeadlineRule:
    return DeadlineRule(label="t", unit=unit, limit=limit, **kw)


# ----- the calendar ------------------------------------------------------------------


def test_tet_2026_is_off_monday_to_friday() -> None:
    for day in range(16, 21):
        assert not CAL.is_working_day(date(2026, 2, day))
        assert CAL.holiday_name(date(2026, 2, day))
    assert CAL.is_working_day(date(2026, 2, 13))
    assert CAL.is_working_day(date(2026, 2, 23))
    assert CAL.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_tet_2025_and_its_make_up_days() -> None:
    assert [d for d in range(24, 32) if not CAL.is_working_day(date(2025, 1, d))] == [25, 26, 27, 28, 29, 30, 31]
    assert not CAL.is_working_day(date(2025, 2, 1))
    assert CAL.next_working_day(date(2025, 1, 24)) == date(2025, 2, 3)


def test_30_4_and_1_5_2025_with_the_swapped_friday() -> None:
    assert not CAL.is_working_day(date(2025, 4, 30))
    assert not CAL.is_working_day(date(2025, 5, 1))
    assert not CAL.is_working_day(date(2025, 5, 2))  # off in exchange for Sat 26/4
    assert CAL.holiday_name(date(2025, 5, 2)) == "Ngày nghỉ (thay cho ngày 26/04/2025)"
    assert CAL.is_working_day(date(2025, 4, 26))  # the make-up Saturday
    assert CAL.holiday_name(date(2025, 4, 26)) is None
    assert not CAL.is_working_day(date(2025, 4, 27))  # an ordinary Sunday


def test_compensatory_monday_2026() -> None:
    # Hùng Kings' day falls on Sun 26/4/2026: Mon 27/4 is the compensatory day off.
    assert CAL.holiday_name(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert "nghỉ bù" in (CAL.holiday_name(date(2026, 4, 27)) or "")
    # Fri 24/4/2026 + 2 working days: Tue 28/4 and Wed 29/4 (30/4 and 1/5 off too)
    assert CAL.add_working_days(date(2026, 4, 24), 2) == date(2026, 4, 29)
    assert CAL.add_working_days(date(2026, 4, 24), 3) == date(2026, 5, 4)


def test_make_up_saturday_22_8_2026_and_monday_31_8_off() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 8, 23))
    assert not CAL.is_working_day(date(2026, 8, 31))
    assert CAL.holiday_name(date(2026, 8, 31)) == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    assert not CAL.is_working_day(date(2026, 9, 1))
    assert not CAL.is_working_day(date(2026, 9, 2))
    assert CAL.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert CAL.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    assert CAL.working_days_between(date(2026, 8, 21), date(2026, 8, 24)) == 2  # Sat 22 and Mon 24
    # office hours are kept on the make-up Saturday
    assert CAL.is_office_time(at(2026, 8, 22, 9))
    assert CAL.add_office_hours(at(2026, 8, 21, 16), 2) == at(2026, 8, 22, 8, 30)


def test_ordinary_weekend_and_names() -> None:
    assert not CAL.is_working_day(date(2025, 3, 15))
    assert CAL.holiday_name(date(2025, 3, 15)) is None
    assert CAL.is_working_day(date(2025, 3, 14))
    assert CAL.holiday_name(date(2025, 9, 2)) == "Quốc khánh"


def test_config_overrides_extra_day_off_and_extra_working_saturday() -> None:
    cal = WorkCalendar(overrides={2027: ({date(2027, 3, 8)}, {date(2027, 3, 13)})})
    assert not cal.is_working_day(date(2027, 3, 8))  # an ordinary Monday made a day off
    assert cal.holiday_name(date(2027, 3, 8)) == CONFIG_DAY_OFF_NAME
    assert cal.is_working_day(date(2027, 3, 13))  # a Saturday made a working day
    assert cal.add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 9)
    assert cal.add_working_days(date(2027, 3, 12), 1) == date(2027, 3, 13)
    # the defaults are untouched
    assert CAL.is_working_day(date(2027, 3, 8)) and not CAL.is_working_day(date(2027, 3, 13))


def test_config_overrides_win_over_the_package() -> None:
    # the admin cancels a make-up Saturday and reopens the swapped Monday
    cal = WorkCalendar(overrides={2026: ({date(2026, 8, 22)}, {date(2026, 8, 31)})})
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.is_working_day(date(2026, 8, 31))
    assert cal.holiday_name(date(2026, 8, 31)) is None


def test_override_on_both_lists_is_refused() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(overrides={2027: ({date(2027, 3, 8)}, {date(2027, 3, 8)})})


def test_for_profile_reads_office_hours_overrides_and_zone() -> None:
    cfg = config_from_dict({
        "calendar": {"overrides": {"2027": {"days_off": ["2027-03-08"], "working_days": ["2027-03-13"]}}},
        "profiles": {"p": {
            "agency": "A", "regulation": "R", "permitted_formats": ["pdf"], "required_sender": ["name"],
            "office_hours": {"spans": [["08:00", "12:00"], ["13:00", "16:30"]]},
            "categories": {"news": {"label": "n", "limit": 1, "unit": "days"},
                           "other": {"label": "o", "limit": 3, "unit": "working_days"}},
        }},
    })
    cal = WorkCalendar.for_profile(cfg.profile("p"), cfg)
    assert cal.spans == ((time(8), time(12)), (time(13), time(16, 30)))
    assert cal.closing_time(date(2027, 3, 9)) == at(2027, 3, 9, 16, 30)
    assert not cal.is_working_day(date(2027, 3, 8))
    assert cal.is_working_day(date(2027, 3, 13))
    bare = WorkCalendar.for_profile(cfg.profile("p"))  # no config: the package's calendar only
    assert bare.spans == cal.spans and bare.is_working_day(date(2027, 3, 8))


def test_office_hours_with_lunch_break() -> None:
    assert CAL.is_office_time(at(2025, 3, 14, 7, 30))
    assert CAL.is_office_time(at(2025, 3, 14, 11, 29))
    assert not CAL.is_office_time(at(2025, 3, 14, 11, 30))
    assert not CAL.is_office_time(at(2025, 3, 14, 12, 0))
    assert CAL.is_office_time(at(2025, 3, 14, 13, 30))
    assert not CAL.is_office_time(at(2025, 3, 14, 17, 0))
    assert not CAL.is_office_time(at(2025, 3, 15, 9, 0))  # Saturday
    assert CAL.next_opening(at(2025, 3, 14, 12, 0)) == at(2025, 3, 14, 13, 30)
    assert CAL.next_opening(at(2025, 3, 14, 9, 0)) == at(2025, 3, 14, 9, 0)
    assert CAL.next_opening(at(2025, 3, 14, 17, 0)) == at(2025, 3, 17, 7, 30)
    assert CAL.next_opening(at(2025, 3, 14, 6, 0)) == at(2025, 3, 14, 7, 30)
    # 11:00 + 1 h runs over lunch: 30 min before, 30 min after
    assert CAL.add_office_hours(at(2025, 3, 14, 11, 0), 1) == at(2025, 3, 14, 14, 0)
    # a count that ends at a span's end stays there
    assert CAL.add_office_hours(at(2025, 3, 14, 10, 30), 1) == at(2025, 3, 14, 11, 30)
    assert CAL.office_hours_between(at(2025, 3, 14, 7, 0), at(2025, 3, 14, 18, 0)) == 7.5
    assert CAL.office_hours_between(at(2025, 3, 14, 11, 0), at(2025, 3, 14, 14, 0)) == 1.0
    assert CAL.office_hours_between(at(2025, 3, 14, 14, 0), at(2025, 3, 14, 11, 0)) == -1.0
    assert CAL.closing_time(date(2025, 3, 15)) == at(2025, 3, 15, 17, 0)


def test_naive_datetimes_are_wall_clock_in_vietnam_and_utc_is_converted() -> None:
    assert CAL.next_opening(datetime(2025, 3, 14, 12, 0)) == at(2025, 3, 14, 13, 30)
    utc = datetime(2025, 3, 14, 5, 0, tzinfo=ZoneInfo("UTC"))  # 12:00 in Hà Nội
    assert CAL.next_opening(utc) == at(2025, 3, 14, 13, 30)
    assert CAL.next_opening(utc).tzinfo == VN


# ----- deadlines: the corpus's cases as fixtures of our own ---------------------------

DEADLINE_CASES = [
    # (why, rule, anchor, has_time, expected)
    ("binhphuoc news 12 office hours from 14:00 Thu 23/1/2025 over Tết 2025",
     rule("office_hours", 12), at(2025, 1, 23, 14), True, at(2025, 2, 3, 9)),
    ("binhphuoc news, date only Fri 29/8/2025: 12 office hours from 17:00, 1-2/9 off",
     rule("office_hours", 12), at(2025, 8, 29), False, at(2025, 9, 4, 14)),
    ("binhphuoc news, date only Fri 7/11/2025", rule("office_hours", 12), at(2025, 11, 7), False,
     at(2025, 11, 11, 14)),
    ("2 working days from Fri 25/4/2025, Sat 26/4 a make-up working day",
     rule("working_days", 2), at(2025, 4, 25), False, at(2025, 4, 28, 17)),
    ("2 working days from Tue 29/4/2025: 30/4, 1/5 and the swapped 2/5 off",
     rule("working_days", 2), at(2025, 4, 29), False, at(2025, 5, 6, 17)),
    ("3 working days from Tue 29/4/2025 09:00", rule("working_days", 3), at(2025, 4, 29, 9), True,
     at(2025, 5, 7, 17)),
    ("3 working days from Fri 24/1/2025 over Tết", rule("working_days", 3), at(2025, 1, 24, 10), True,
     at(2025, 2, 5, 17)),
    ("2 working days from Fri 24/1/2025", rule("working_days", 2), at(2025, 1, 24), False, at(2025, 2, 4, 17)),
    ("3 working days from Thu 28/8/2025, 1-2/9 off", rule("working_days", 3), at(2025, 8, 28, 14), True,
     at(2025, 9, 4, 17)),
    ("kontum 3 calendar days from Fri 29/8/2025 land on the holiday Mon 1/9",
     rule("days", 3), at(2025, 8, 29), False, at(2025, 9, 1, 17)),
    ("1 day from Fri 29/8/2025 lands on a Saturday", rule("days", 1), at(2025, 8, 29, 9), True,
     at(2025, 8, 30, 17)),
    ("kontum 24 hours from the end 16:30 Tue 29/4/2025", rule("hours", 24), at(2025, 4, 29, 16, 30), True,
     at(2025, 4, 30, 16, 30)),
    ("kontum 24 hours from a date only: from 17:00", rule("hours", 24), at(2025, 3, 12), False,
     at(2025, 3, 13, 17)),
    ("2 working days over Tết 2026 from Fri 13/2/2026", rule("working_days", 2), at(2026, 2, 13), False,
     at(2026, 2, 24, 17)),
    ("12 office hours from 16:00 Fri 13/2/2026 over Tết 2026", rule("office_hours", 12), at(2026, 2, 13, 16),
     True, at(2026, 2, 24, 11)),
    ("1 working day from Fri 21/8/2026 is the make-up Saturday", rule("working_days", 1), at(2026, 8, 21),
     False, at(2026, 8, 22, 17)),
    ("2 working days from Fri 28/8/2026: 31/8, 1/9, 2/9 off", rule("working_days", 2), at(2026, 8, 28),
     False, at(2026, 9, 4, 17)),
    ("monthly report for December 2025: first week of January",
     rule("report_window", window="month"), at(2025, 12, 31), False, at(2026, 1, 7, 17)),
    ("monthly report for January 2026: Sat 7/2 is not worked, so Fri 6/2",
     rule("report_window", window="month"), at(2026, 1, 31), False, at(2026, 2, 6, 17)),
    ("monthly report for April 2026, counted from its period", rule("report_window", window="month"),
     at(2026, 4, 30), False, at(2026, 5, 7, 17)),
    ("quarterly report for Q1 2026: first 10 days of Q2", rule("report_window", window="quarter"),
     at(2026, 3, 31), False, at(2026, 4, 10, 17)),
    ("quarterly report for Q4 2025: Sat 10/1/2026, so Fri 9/1", rule("report_window", window="quarter"),
     at(2025, 12, 31), False, at(2026, 1, 9, 17)),
    ("quarterly report for Q3 2026: Sat 10/10/2026, so Fri 9/10", rule("report_window", window="quarter"),
     at(2026, 9, 30), False, at(2026, 10, 9, 17)),
    ("6-month report: 10 days after the conference", rule("days", 10, anchor="conference"),
     at(2026, 7, 15, 8), True, at(2026, 7, 25, 17)),
]


@pytest.mark.parametrize(("why", "r", "anchor", "has_time", "expected"), DEADLINE_CASES,
                         ids=[c[0] for c in DEADLINE_CASES])
def test_deadline(why: str, r: DeadlineRule, anchor: datetime, has_time: bool, expected: datetime) -> None:
    got = compute_deadline(r, anchor, has_time, CAL)
    assert got == expected
    assert got is not None and got.tzinfo == VN and got.utcoffset() == timedelta(hours=7)


def test_no_deadline() -> None:
    assert compute_deadline(rule("none"), at(2025, 3, 12), False, CAL) is None


def test_deadline_follows_profile_office_hours() -> None:
    cal = WorkCalendar([(time(8), time(12)), (time(13), time(16, 30))])
    assert compute_deadline(rule("working_days", 1), at(2025, 3, 13), False, cal) == at(2025, 3, 14, 16, 30)
    assert compute_deadline(rule("office_hours", 2), at(2025, 3, 13), False, cal) == at(2025, 3, 14, 10)


def test_late_on_arrival() -> None:
    deadline = at(2025, 8, 30, 17)
    assert late_on_arrival(deadline, at(2025, 9, 3, 8, 15))
    assert not late_on_arrival(deadline, deadline)
    assert not late_on_arrival(deadline, at(2025, 8, 29, 9))
    assert not late_on_arrival(None, at(2025, 9, 3))
    assert late_on_arrival(deadline, datetime(2025, 8, 30, 17, 1))  # naive = Vietnam time


# ----- properties -----------------------------------------------------------------------

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=VN))
overrides = st.fixed_dictionaries({}, optional={
    "off": st.sets(days, max_size=5), "work": st.sets(days.filter(lambda d: d.weekday() >= 5), max_size=5)})


def _cal(extra: dict[str, set[date]]) -> WorkCalendar:
    off, work = extra.get("off", set()), extra.get("work", set()) - extra.get("off", set())
    return WorkCalendar(overrides={0: (off, work)}) if off or work else CAL


@settings(max_examples=150, deadline=None)
@given(anchor=moments, n=st.integers(1, 20), has_time=st.booleans(), extra=overrides)
def test_working_day_deadline_is_closing_time_of_a_working_day(
    anchor: datetime, n: int, has_time: bool, extra: dict[str, set[date]]
) -> None:
    cal = _cal(extra)
    got = compute_deadline(rule("working_days", n), anchor, has_time, cal)
    assert got is not None
    assert cal.is_working_day(got.date())
    assert got.time() == time(17, 0)
    assert cal.working_days_between(anchor.date(), got.date()) == n


@settings(max_examples=150, deadline=None)
@given(d=days, n=st.integers(0, 40), extra=overrides)
def test_add_then_count_working_days(d: date, n: int, extra: dict[str, set[date]]) -> None:
    cal = _cal(extra)
    result = cal.add_working_days(d, n)
    assert cal.working_days_between(d, result) == n
    assert n == 0 or cal.is_working_day(result)


@settings(max_examples=200, deadline=None)
@given(start=moments, minutes=st.integers(0, 60 * 80))
def test_add_office_hours_lands_in_office_hours_and_counts_back(start: datetime, minutes: int) -> None:
    hours = minutes / 60
    result = CAL.add_office_hours(start, hours)
    assert result >= start
    assert CAL.is_office_time(result) or CAL.is_span_end(result)
    assert CAL.office_hours_between(start, result) == pytest.approx(hours, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(a=moments, b=moments)
def test_office_hours_between_is_additive(a: datetime, b: datetime) -> None:
    a, b = min(a, b), max(a, b)
    mid = a + (b - a) / 2
    total = CAL.office_hours_between(a, b)
    assert total >= 0
    assert total == pytest.approx(CAL.office_hours_between(a, mid) + CAL.office_hours_between(mid, b), abs=1e-6)


def test_same_working_day_hungyen_art_11_3() -> None:
    """"Trong ngày": the closing time of the working day on which the anchor first falls in office
    hours: the day itself, the next working day after closing time, over a holiday."""
    rule = DeadlineRule(label="Ý kiến công dân", unit="same_working_day", anchor="received")
    cal = WorkCalendar()
    same = lambda at, has_time=True: compute_deadline(rule, at, has_time, cal)
    assert same(datetime(2026, 4, 28, 9, 0, tzinfo=VN)) == datetime(2026, 4, 28, 17, 0, tzinfo=VN)
    assert same(datetime(2026, 4, 28, 17, 30, tzinfo=VN)) == datetime(2026, 4, 29, 17, 0, tzinfo=VN)
    # Thu 30/4 and Fri 1/5 are holidays, then the weekend: Mon 4/5
    assert same(datetime(2026, 4, 30, 10, 0, tzinfo=VN)) == datetime(2026, 5, 4, 17, 0, tzinfo=VN)
    assert same(datetime(2026, 5, 1, 0, 0, tzinfo=VN), has_time=False) == datetime(2026, 5, 4, 17, 0, tzinfo=VN)
