"""When to remind the people holding an item (pure planning, no I/O).

The plan for one item, from the moment `start` it reached its holder to its
deadline, under the profile's ReminderRule:

* ``due_soon`` when each fraction in ``at_fraction`` of the allowed time has
  passed. The allowed time is measured in office hours (working days only)
  between `start` and the deadline, for every kind of deadline: a day-based
  deadline ends at a closing time anyway, and people act on a reminder only in
  office hours, so half of "until Friday 17:00" is half of the office time left,
  not half of the nights and the weekend in between.
* ``due_soon`` ``office_hours_before`` office hours before the deadline: the
  moment after which only that much office time is left (for a deadline outside
  office hours, e.g. a calendar-day deadline on a Saturday, that is the end of
  the last office day before it).
* ``due_now`` at the deadline (``at_deadline``).
* ``overdue`` at the opening of each working day after the date of the deadline,
  ``overdue_days`` = 1, 2, ... (that working day's rank after the deadline's date);
  only the first one unless ``overdue_every_working_day``.
* ``escalation`` (the holder and the head) replaces ``overdue`` from the day the
  item has been overdue for ``escalate_after_working_days`` whole working days,
  i.e. overdue_days = escalate_after_working_days + 1 (with the default 2: a
  deadline of Mon 17:00 gives overdue Tue and Wed morning, escalation Thu morning).

Every time is then moved into office hours on a working day: a reminder due at
night, on a weekend or on a holiday goes out at the next opening. The exact end
of a span (11:30, 17:00) counts as inside, so "due now" of a 17:00 deadline goes
out at 17:00. Reminders before `start` are dropped, as are ``due_soon`` ones
that would go out at or after the deadline; when two land on the same moment the
later stage wins (escalation > overdue > due_now > due_soon).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from tinbai.calendar import WorkCalendar
from tinbai.config import ReminderRule

ReminderKind = Literal["due_soon", "due_now", "overdue", "escalation"]
REMINDER_KINDS: tuple[str, ...] = get_args(ReminderKind)
_RANK: dict[str, int] = {"due_soon": 0, "due_now": 1, "overdue": 2, "escalation": 3}
# Without `until`, how many working days of overdue reminders are planned.
DEFAULT_MAX_OVERDUE = 20


@dataclass(frozen=True)
class PlannedReminder:
    kind: ReminderKind
    at: datetime
    overdue_days: int = 0  # 0 before the deadline; k on the k-th working day after it


def deliverable_time(t: datetime, cal: WorkCalendar) -> datetime:
    """`t` itself when inside office hours on a working day (a span's end included), else
    the next opening."""
    if cal.is_office_time(t) or cal.is_span_end(t):
        return cal.localize(t)
    return cal.next_opening(t)


def plan_reminders(
    start: datetime,
    deadline: datetime,
    rule: ReminderRule,
    cal: WorkCalendar,
    *,
    until: datetime | None = None,
    max_overdue: int = DEFAULT_MAX_OVERDUE,
) -> list[PlannedReminder]:
    """The reminders of one item in time order (see the module's docstring).

    Nothing is planned after `until` (inclusive); overdue reminders stop after
    `max_overdue` working days past the deadline in any case.
    """
    start = cal.localize(start)
    deadline = cal.localize(deadline)
    raw: list[PlannedReminder] = []

    allowed = cal.office_time_between(start, deadline)
    if allowed > timedelta(0):
        for fraction in rule.at_fraction:
            if 0 < fraction < 1:
                at = cal.add_office_hours(start, allowed.total_seconds() / 3600 * fraction)
                raw.append(PlannedReminder("due_soon", at))
        for hours in rule.office_hours_before:
            before = timedelta(hours=hours)
            if timedelta(0) < before < allowed:
                left = allowed - before
                raw.append(PlannedReminder("due_soon", cal.add_office_hours(start, left.total_seconds() / 3600)))

    if rule.at_deadline:
        raw.append(PlannedReminder("due_now", deadline))

    escalate_on = rule.escalate_after_working_days + 1  # overdue_days of the first escalation
    overdue_day = deadline.date()
    for k in range(1, max_overdue + 1):
        overdue_day = cal.next_working_day(overdue_day)
        if not rule.overdue_every_working_day and k not in (1, escalate_on):
            if k > escalate_on:
                break
            continue
        at = cal.opening_time(overdue_day)
        if until is not None and at > cal.localize(until):
            break
        raw.append(PlannedReminder("escalation" if k >= escalate_on else "overdue", at, k))

    by_time: dict[datetime, PlannedReminder] = {}
    for r in raw:
        at = deliverable_time(r.at, cal)
        if at < start or (r.kind == "due_soon" and at >= deadline):
            continue
        if until is not None and at > cal.localize(until):
            continue
        moved = PlannedReminder(r.kind, at, r.overdue_days)
        held = by_time.get(at)
        if held is None or (_RANK[moved.kind], moved.overdue_days) > (_RANK[held.kind], held.overdue_days):
            by_time[at] = moved
    return [by_time[at] for at in sorted(by_time)]


def due_reminders(
    planned: Iterable[PlannedReminder],
    already_sent_kinds_and_times: Iterable[tuple[str, datetime]],
    now: datetime,
) -> list[PlannedReminder]:
    """What to send at `now`: the latest planned reminder that is due (at <= now), not sent
    yet and later than every reminder already sent; an empty list when there is none.

    One message states the item's current state, so when the daemon was stopped and
    several reminders fell due meanwhile (e.g. overdue day 1 and 2), only the latest
    goes out; earlier ones are superseded, never sent late.
    """
    sent = [(kind, at) for kind, at in already_sent_kinds_and_times]
    sent_keys = set(sent)
    last_sent = max((at for _, at in sent), default=None)
    due = [
        p for p in planned
        if p.at <= now and (p.kind, p.at) not in sent_keys and (last_sent is None or p.at > last_sent)
    ]
    if not due:
        return []
    return [max(due, key=lambda p: (p.at, _RANK[p.kind]))]
