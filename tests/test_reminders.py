"""plan_reminders / due_reminders: when the holder of an item is reminded."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tinbai.calendar import WorkCalendar, compute_deadline
from tinbai.config import DeadlineRule, ReminderRule
from tinbai.notifier.reminders import PlannedReminder, due_reminders, plan_reminders

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar()
DEFAULT = ReminderRule()  # half-time, 1 office hour before, at the deadline, daily, escalate after 2


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=VN)


def plan(start: datetime, deadline: datetime, rule: ReminderRule = DEFAULT, **kw: object) -> list[tuple]:
    return [(r.kind, r.at, r.overdue_days) for r in plan_reminders(start, deadline, rule, CAL, **kw)]


def test_plan_over_the_30_4_holidays() -> None:
    # received Tue 29/4/2025 09:40, deadline Tue 6/5 17:00 (30/4, 1/5, 2/5 and the weekend off).
    # Office time allowed: 29/4 5h20, 5/5 7h30, 6/5 7h30 = 20h20; half of it is 10h10.
    assert plan(at(2025, 4, 29, 9, 40), at(2025, 5, 6, 17), max_overdue=5) == [
        ("due_soon", at(2025, 5, 5, 14, 20), 0),
        ("due_soon", at(2025, 5, 6, 16), 0),
        ("due_now", at(2025, 5, 6, 17), 0),  # the closing time itself counts as office time
        ("overdue", at(2025, 5, 7, 7, 30), 1),
        ("overdue", at(2025, 5, 8, 7, 30), 2),
        ("escalation", at(2025, 5, 9, 7, 30), 3),
        ("escalation", at(2025, 5, 12, 7, 30), 4),
        ("escalation", at(2025, 5, 13, 7, 30), 5),
    ]


def test_office_hours_deadline_over_tet() -> None:
    # binhphuoc news from 16:05 Thu 23/1/2025, deadline 09:00 Mon 3/2/2025 (after Tết):
    # allowed 55 min + 7h30 + 1h30 = 9h55; half = 4h57m30s -> Fri 24/1 13:32:30.
    assert plan(at(2025, 1, 23, 16, 5), at(2025, 2, 3, 9), until=at(2025, 2, 5, 12)) == [
        ("due_soon", at(2025, 1, 24, 13, 32, 30), 0),
        ("due_soon", at(2025, 2, 3, 8), 0),
        ("due_now", at(2025, 2, 3, 9), 0),
        ("overdue", at(2025, 2, 4, 7, 30), 1),
        ("overdue", at(2025, 2, 5, 7, 30), 2),
    ]


def test_deadline_on_a_saturday_before_holidays() -> None:
    # news 1 calendar day: event Fri 29/8/2025, deadline Sat 30/8 17:00; Mon 1/9, Tue 2/9 off.
    # "due now" would go out at the next opening, Wed 3/9 07:30, where the first overdue
    # reminder already is: the overdue one is kept.
    assert plan(at(2025, 8, 29, 10), at(2025, 8, 30, 17), max_overdue=3) == [
        ("due_soon", at(2025, 8, 29, 14, 30), 0),  # 2h30 of 5h: 10:00-11:30, then 13:30-14:30
        ("due_soon", at(2025, 8, 29, 16), 0),  # the last office hour before the deadline
        ("overdue", at(2025, 9, 3, 7, 30), 1),
        ("overdue", at(2025, 9, 4, 7, 30), 2),
        ("escalation", at(2025, 9, 5, 7, 30), 3),
    ]


def test_deadline_in_the_lunch_break_and_at_night() -> None:
    # kontum 24 hours from 12:00: due now at 12:00 goes out at 13:30
    got = plan(at(2025, 3, 12, 12), at(2025, 3, 13, 12), ReminderRule(at_fraction=[], office_hours_before=[]),
               max_overdue=1)
    assert got == [("due_now", at(2025, 3, 13, 13, 30), 0), ("overdue", at(2025, 3, 14, 7, 30), 1)]
    # 20:10 on Fri 14/3/2025 -> Mon 17/3 07:30, together with overdue day 1: overdue wins
    got = plan(at(2025, 3, 13, 20, 10), at(2025, 3, 14, 20, 10), ReminderRule(at_fraction=[], office_hours_before=[]),
               max_overdue=1)
    assert got == [("overdue", at(2025, 3, 17, 7, 30), 1)]


def test_late_arrival_plans_nothing_before_start() -> None:
    # arrives Wed 3/9/2025 08:15 for a deadline of Sat 30/8: day 1 (3/9 07:30) is already past
    got = plan(at(2025, 9, 3, 8, 15), at(2025, 8, 30, 17), max_overdue=3)
    assert got == [("overdue", at(2025, 9, 4, 7, 30), 2), ("escalation", at(2025, 9, 5, 7, 30), 3)]


def test_make_up_saturday_gets_a_reminder_and_swapped_monday_none() -> None:
    got = plan(at(2026, 8, 20, 9), at(2026, 8, 21, 17), ReminderRule(at_fraction=[], office_hours_before=[]),
               max_overdue=3)
    assert got == [
        ("due_now", at(2026, 8, 21, 17), 0),
        ("overdue", at(2026, 8, 22, 7, 30), 1),  # Sat 22/8/2026 is worked
        ("overdue", at(2026, 8, 24, 7, 30), 2),
        ("escalation", at(2026, 8, 25, 7, 30), 3),
    ]
    got = plan(at(2026, 8, 27, 9), at(2026, 8, 28, 17), ReminderRule(at_fraction=[], office_hours_before=[]),
               max_overdue=2)
    assert got == [("due_now", at(2026, 8, 28, 17), 0), ("overdue", at(2026, 9, 3, 7, 30), 1),
                   ("overdue", at(2026, 9, 4, 7, 30), 2)]


def test_escalation_options() -> None:
    start, deadline = at(2025, 3, 10, 9), at(2025, 3, 11, 17)
    rule = ReminderRule(at_fraction=[], office_hours_before=[], at_deadline=False, escalate_after_working_days=0)
    assert plan(start, deadline, rule, max_overdue=2) == [
        ("escalation", at(2025, 3, 12, 7, 30), 1), ("escalation", at(2025, 3, 13, 7, 30), 2)]
    # only one overdue reminder, then the escalation
    rule = ReminderRule(at_fraction=[], office_hours_before=[], at_deadline=False, overdue_every_working_day=False,
                        escalate_after_working_days=2)
    assert plan(start, deadline, rule) == [
        ("overdue", at(2025, 3, 12, 7, 30), 1), ("escalation", at(2025, 3, 14, 7, 30), 3)]


def test_until_bounds_the_plan() -> None:
    got = plan(at(2025, 3, 10, 9), at(2025, 3, 11, 17), until=at(2025, 3, 13, 7, 30))
    assert [k for k, _, _ in got] == ["due_soon", "due_soon", "due_now", "overdue", "overdue"]
    assert got[-1][1] == at(2025, 3, 13, 7, 30)
    assert len(plan(at(2025, 3, 10, 9), at(2025, 3, 11, 17))) == 3 + 20  # DEFAULT_MAX_OVERDUE


def test_tiny_allowance_skips_the_hour_before() -> None:
    # 30 office minutes left: "1 hour before" would be before the start
    got = plan(at(2025, 3, 10, 16, 30), at(2025, 3, 10, 17), max_overdue=0)
    assert got == [("due_soon", at(2025, 3, 10, 16, 45), 0), ("due_now", at(2025, 3, 10, 17), 0)]


# ----- due_reminders --------------------------------------------------------------------

PLANNED = plan_reminders(at(2025, 4, 29, 9, 40), at(2025, 5, 6, 17), DEFAULT, CAL, max_overdue=3)


def test_nothing_due_yet() -> None:
    assert due_reminders(PLANNED, [], at(2025, 5, 5, 14)) == []


def test_one_due() -> None:
    assert due_reminders(PLANNED, [], at(2025, 5, 5, 14, 25)) == [PlannedReminder("due_soon", at(2025, 5, 5, 14, 20))]


def test_already_sent_is_not_repeated() -> None:
    sent = [("due_soon", at(2025, 5, 5, 14, 20))]
    assert due_reminders(PLANNED, sent, at(2025, 5, 5, 15)) == []
    assert due_reminders(PLANNED, sent, at(2025, 5, 6, 16, 1)) == [PlannedReminder("due_soon", at(2025, 5, 6, 16))]


def test_after_a_stop_only_the_latest_goes_out() -> None:
    sent = [("due_soon", at(2025, 5, 5, 14, 20))]
    got = due_reminders(PLANNED, sent, at(2025, 5, 8, 10))
    assert got == [PlannedReminder("overdue", at(2025, 5, 8, 7, 30), 2)]
    # sent times given in another zone are the same moments
    utc = ZoneInfo("UTC")
    sent = [(p.kind, p.at.astimezone(utc)) for p in PLANNED[:5]]
    assert due_reminders(PLANNED, sent, at(2025, 5, 8, 10)) == []


# ----- properties -------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 11, 30)).map(
    lambda d: d.replace(tzinfo=VN))
rules = st.builds(
    ReminderRule,
    at_fraction=st.lists(st.floats(0.05, 0.95), max_size=3),
    office_hours_before=st.lists(st.floats(0.25, 16), max_size=3),
    at_deadline=st.booleans(),
    overdue_every_working_day=st.booleans(),
    escalate_after_working_days=st.integers(0, 4),
)
deadline_rules = st.one_of(
    st.builds(lambda n: DeadlineRule(label="t", limit=n, unit="working_days"), st.integers(1, 15)),
    st.builds(lambda n: DeadlineRule(label="t", limit=n, unit="days"), st.integers(1, 15)),
    st.builds(lambda n: DeadlineRule(label="t", limit=n, unit="hours"), st.integers(1, 72)),
    st.builds(lambda n: DeadlineRule(label="t", limit=n, unit="office_hours"), st.integers(1, 40)),
)


@settings(max_examples=200, deadline=None)
@given(anchor=moments, has_time=st.booleans(), deadline_rule=deadline_rules, delay=st.integers(0, 60 * 24 * 6),
       rule=rules, horizon=st.none() | st.integers(0, 30))
def test_reminders_are_in_office_hours_in_order(
    anchor: datetime, has_time: bool, deadline_rule: DeadlineRule, delay: int, rule: ReminderRule,
    horizon: int | None,
) -> None:
    deadline = compute_deadline(deadline_rule, anchor, has_time, CAL)
    assert deadline is not None
    start = anchor + timedelta(minutes=delay)
    until = None if horizon is None else deadline + timedelta(days=horizon)
    got = plan_reminders(start, deadline, rule, CAL, until=until)
    times = [r.at for r in got]
    assert times == sorted(set(times))  # in time order, one at a time
    for r in got:
        assert CAL.is_working_day(r.at.date())
        assert CAL.is_office_time(r.at) or CAL.is_span_end(r.at)
        assert r.at >= start
        assert until is None or r.at <= until
        if r.kind == "due_soon":
            assert r.at < deadline and r.overdue_days == 0
        if r.kind in ("overdue", "escalation"):
            assert r.at > deadline and r.overdue_days >= 1
            assert (r.kind == "escalation") == (r.overdue_days > rule.escalate_after_working_days)
    overdue = [r.overdue_days for r in got if r.overdue_days]
    assert overdue == sorted(set(overdue))


def test_plan_is_pure() -> None:
    a = plan_reminders(at(2026, 2, 12, 9), at(2026, 2, 24, 17), DEFAULT, CAL)
    b = plan_reminders(at(2026, 2, 12, 9), at(2026, 2, 24, 17), DEFAULT, WorkCalendar())
    assert a == b
    assert all(r.at.date() not in {date(2026, 2, d) for d in range(14, 23)} for r in a)  # Tết 2026
