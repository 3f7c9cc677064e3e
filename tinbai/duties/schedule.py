"""When the periodic duties fall due, on the profile's working calendar (pure).

Chasing (binhphuoc Art. 14.3.đ, kontum Art. 13.3): the `working_day`-th working day of the
month at the set time; a daemon stopped then catches up on a later working day of the month,
within office hours. The daily posting duty (binhphuoc Art. 13.1, kontum Art. 10.1): on each
working day from the set time until the day's close. Neither is due on a weekend, a holiday
or outside office hours.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tinbai.calendar import WorkCalendar
from tinbai.config.base import hhmm
from tinbai.config.duties import Chasing, DailyPost
from tinbai.duties.periods import Period, month

# a tick a few minutes after the close (the daemon ticks every 30 s) still counts as the day's
CLOSE_GRACE = timedelta(minutes=10)


def working_days_of(year: int, m: int, cal: WorkCalendar) -> list[date]:
    p = month(year, m)
    return [p.start + timedelta(days=i) for i in range((p.end - p.start).days + 1)
            if cal.is_working_day(p.start + timedelta(days=i))]


def chasing_moment(chasing: Chasing, year: int, m: int, cal: WorkCalendar) -> datetime | None:
    """The N-th working day of the month at the set time (the last working day when the month
    has fewer); None for a month without working days."""
    days = working_days_of(year, m, cal)
    if not days:
        return None
    d = days[min(chasing.working_day, len(days)) - 1]
    return datetime.combine(d, hhmm(chasing.at), cal.tz)


def _in_office(now: datetime, cal: WorkCalendar) -> bool:
    if cal.is_office_time(now) or cal.is_span_end(now):
        return True
    local = cal.localize(now)
    return cal.is_working_day(local.date()) and cal.closing_time(local.date()) <= local <= \
        cal.closing_time(local.date()) + CLOSE_GRACE


def chasing_due(chasing: Chasing, now: datetime, cal: WorkCalendar) -> Period | None:
    """The month to chase at `now`, or None (not yet, not a working day, outside office hours)."""
    local = cal.localize(now)
    moment = chasing_moment(chasing, local.year, local.month, cal)
    if moment is None or local < moment or not _in_office(local, cal):
        return None
    return month(local.year, local.month)


def daily_post_due(duty: DailyPost, now: datetime, cal: WorkCalendar) -> date | None:
    """The working day whose posting is checked at `now`, or None."""
    local = cal.localize(now)
    d = local.date()
    if not cal.is_working_day(d):
        return None
    start = datetime.combine(d, hhmm(duty.at), cal.tz)
    if local < start or local > cal.closing_time(d) + CLOSE_GRACE:
        return None
    return d
