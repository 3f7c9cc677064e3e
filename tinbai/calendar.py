"""Working days, office hours and deadlines (CHECK-REPORT "Counting deadlines").

Everything here is a pure function of its arguments: a WorkCalendar only caches
what it computes per year.

* Working days skip Saturdays, Sundays and the public holidays of Vietnam (Tết,
  Hùng Kings' day, 30/4, 1/5, 2/9 and the others, with their compensatory days
  off) and count the make-up working days the government declares (a Saturday
  worked in exchange for a bridge day off, e.g. Sat 26/4/2025 for Fri 2/5/2025,
  Sat 22/8/2026 for Mon 31/8/2026). Both come from the ``holidays`` package
  (its holiday dates and its ``weekend_workdays``); the yearly notice of the
  Prime Minister / Ministry of Home Affairs that the package does not know yet
  is entered by an administrator as ``[calendar.overrides.<year>]`` in the
  config, which wins over the package.
* Office hours are a profile setting (default 07:30–11:30 and 13:30–17:00); the
  closing time of a day is the end of its last span.
* All times are wall-clock times in the calendar's time zone: the config's
  ``[settings] timezone`` (Settings.zone; by default Asia/Ho_Chi_Minh, which has
  no daylight-saving time). A naive datetime given to any function here is read
  as a wall-clock time in that zone; every datetime returned is aware, in that zone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from tinbai.config import DEFAULT_TIMEZONE, Config, DeadlineRule, Profile

DEFAULT_SPANS: list[tuple[time, time]] = [(time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))]
# Name given to a day off that only the configuration knows about.
CONFIG_DAY_OFF_NAME = "Ngày nghỉ theo thông báo (cấu hình)"
# How far the walks over the calendar may go before giving up (a config that
# declares every day off must not hang the daemon).
_MAX_DAYS = 3660

Overrides = Mapping[int, tuple[Iterable[date], Iterable[date]]]


@lru_cache(maxsize=128)
def _library_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Vietnam's holidays of `year` (Vietnamese names) and its make-up working weekend days.

    The package files a swap under the year of the day off, so the make-up day of a
    swap across New Year (e.g. 31/12/2018 off for Sat 5/1/2019) is listed when the
    neighbouring year is built: build year-1..year+1 and keep only `year`'s dates.
    """
    lib = holidays.country_holidays("VN", years=range(year - 1, year + 2), language="vi")
    names = {d: str(n) for d, n in lib.items() if d.year == year}
    workdays = frozenset(d for d in lib.weekend_workdays if d.year == year)
    return names, workdays


@dataclass(frozen=True)
class _Year:
    days_off: dict[date, str]  # date -> name, weekends included where a holiday falls on one
    working: frozenset[date]  # weekend days (or holidays) that are worked
    weekend: frozenset[int]


class WorkCalendar:
    """Vietnam's working days and an agency's office hours."""

    def __init__(
        self,
        office_hours: Iterable[tuple[time, time]] | None = None,
        overrides: Overrides | None = None,
        tz: tzinfo | str = DEFAULT_TIMEZONE,
    ) -> None:
        spans = sorted(office_hours if office_hours is not None else DEFAULT_SPANS)
        if not spans:
            raise ValueError("at least one span of office hours is needed")
        last: time | None = None
        for start, end in spans:
            if not start < end:
                raise ValueError(f"office-hours span {start}-{end} ends before it starts")
            if last is not None and start < last:
                raise ValueError("office-hours spans must not overlap")
            last = end
        self.spans: tuple[tuple[time, time], ...] = tuple(spans)
        self.tz = _zone(tz)
        # The admin's overrides, filed under each date's own year (the config's key is
        # only how they are grouped in the file).
        self._off: dict[int, set[date]] = {}
        self._work: dict[int, set[date]] = {}
        for days_off, working_days in (overrides or {}).values():
            for d in days_off:
                self._off.setdefault(d.year, set()).add(d)
            for d in working_days:
                self._work.setdefault(d.year, set()).add(d)
        for year, off in self._off.items():
            both = off & self._work.get(year, set())
            if both:
                raise ValueError(f"calendar overrides: {min(both)} is both a day off and a working day")
        self._years: dict[int, _Year] = {}

    @classmethod
    def for_profile(cls, profile: Profile, config: Config | None = None) -> WorkCalendar:
        """The profile's office hours with the config's yearly overrides and time zone.
        Without a config: the package's calendar only, in the default zone (Asia/Ho_Chi_Minh)."""
        if config is None:
            return cls(profile.office_hours.as_times())
        overrides = {
            int(year): (set(o.days_off), set(o.working_days)) for year, o in config.calendar.overrides.items()
        }
        return cls(profile.office_hours.as_times(), overrides, config.settings.zone)

    # ----- days ------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            names, workdays = _library_year(year)
            days_off = dict(names)
            for d in self._off.get(year, ()):
                days_off.setdefault(d, CONFIG_DAY_OFF_NAME)
            working = set(workdays) | self._work.get(year, set())
            for d in self._off.get(year, ()):
                working.discard(d)  # the admin's day off wins over the package's make-up day
            for d in self._work.get(year, ()):
                days_off.pop(d, None)  # the admin's working day wins over the package's holiday
            cached = _Year(days_off, frozenset(working), frozenset({5, 6}))
            self._years[year] = cached
        return cached

    def is_working_day(self, d: date) -> bool:
        d = self._as_date(d)
        y = self._year(d.year)
        if d in y.working:
            return True
        return d.weekday() not in y.weekend and d not in y.days_off

    def holiday_name(self, d: date) -> str | None:
        """The Vietnamese name of the holiday or day off on `d`; None on ordinary and worked days."""
        d = self._as_date(d)
        y = self._year(d.year)
        if d in y.working:
            return None
        return y.days_off.get(d)

    def next_working_day(self, d: date, *, inclusive: bool = False) -> date:
        """The first working day after `d` (or `d` itself when `inclusive` and it is one)."""
        d = self._as_date(d)
        if not inclusive:
            d += timedelta(days=1)
        for _ in range(_MAX_DAYS):
            if self.is_working_day(d):
                return d
            d += timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_DAYS} days of {d}")

    def previous_working_day(self, d: date, *, inclusive: bool = False) -> date:
        """The last working day before `d` (or `d` itself when `inclusive` and it is one)."""
        d = self._as_date(d)
        if not inclusive:
            d -= timedelta(days=1)
        for _ in range(_MAX_DAYS):
            if self.is_working_day(d):
                return d
            d -= timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_DAYS} days before {d}")

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after the date `d` (`d` itself not counted); `d` when n == 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        d = self._as_date(d)
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie in (a, b]; negative (-(b, a]) when b is before a."""
        a, b = self._as_date(a), self._as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a + timedelta(days=1)
        while d <= b:
            count += self.is_working_day(d)
            d += timedelta(days=1)
        return count

    # ----- office hours ------------------------------------------------------------

    def closing_time(self, d: date) -> datetime:
        """The end of the last office span on `d` (whether or not `d` is a working day)."""
        return self._aware(datetime.combine(self._as_date(d), self.spans[-1][1]))

    def opening_time(self, d: date) -> datetime:
        """The start of the first office span on `d`."""
        return self._aware(datetime.combine(self._as_date(d), self.spans[0][0]))

    def is_office_time(self, dt: datetime) -> bool:
        """True inside a span on a working day; a span is [start, end): the end itself is not."""
        t = self._local(dt)
        if not self.is_working_day(t.date()):
            return False
        return any(s <= t.time() < e for s, e in self.spans)

    def is_span_end(self, dt: datetime) -> bool:
        """True at the exact end of an office span (e.g. 11:30 or 17:00) on a working day."""
        t = self._local(dt)
        return self.is_working_day(t.date()) and any(t.time() == e for _, e in self.spans)

    def next_opening(self, dt: datetime) -> datetime:
        """The earliest moment at or after `dt` that is office time: `dt` itself inside office
        hours, else the start of the next span on a working day."""
        return self._aware(self._next_open_local(self._local(dt)))

    def add_office_hours(self, dt: datetime, hours: float) -> datetime:
        """`hours` counted only inside office hours on working days, starting at `dt` or at the
        next opening when `dt` is outside office hours (CHECK-REPORT "N office hours from X").
        A count that ends exactly at the end of a span gives that end (11:30, 17:00)."""
        if not math.isfinite(hours) or hours < 0:
            raise ValueError("hours must be a finite number, not negative")
        remaining = timedelta(hours=hours)
        cur = self._next_open_local(self._local(dt))
        for _ in range(_MAX_DAYS * len(self.spans)):
            end = self._span_end_local(cur)
            if remaining <= end - cur:
                return self._aware(cur + remaining)
            remaining -= end - cur
            cur = self._next_open_local(end)
        raise ValueError(f"{hours} office hours do not fit in {_MAX_DAYS} days")

    def office_hours_between(self, a: datetime, b: datetime) -> float:
        """Office hours (working days only) in [a, b); negative when b is before a."""
        return self.office_time_between(a, b).total_seconds() / 3600

    def office_time_between(self, a: datetime, b: datetime) -> timedelta:
        """office_hours_between as an exact timedelta."""
        la, lb = self._local(a), self._local(b)
        if lb < la:
            return -self.office_time_between(b, a)
        total = timedelta(0)
        d = la.date()
        while d <= lb.date():
            if self.is_working_day(d):
                for s, e in self.spans:
                    lo = max(la, datetime.combine(d, s))
                    hi = min(lb, datetime.combine(d, e))
                    if hi > lo:
                        total += hi - lo
            d += timedelta(days=1)
        return total

    # ----- helpers -------------------------------------------------------------------

    def localize(self, dt: datetime) -> datetime:
        """`dt` as an aware datetime in the calendar's zone (naive = wall clock there)."""
        return self._aware(self._local(dt))

    def _local(self, dt: datetime) -> datetime:
        """Naive wall-clock time in the calendar's zone."""
        if dt.tzinfo is None:
            return dt
        return dt.astimezone(self.tz).replace(tzinfo=None)

    def _aware(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.tz)

    def _as_date(self, d: date) -> date:
        if isinstance(d, datetime):
            return self._local(d).date()
        return d

    def _next_open_local(self, t: datetime) -> datetime:
        d = t.date()
        for _ in range(_MAX_DAYS):
            if self.is_working_day(d):
                for s, e in self.spans:
                    start, end = datetime.combine(d, s), datetime.combine(d, e)
                    if t < end:
                        return max(t, start)
            d += timedelta(days=1)
            t = datetime.combine(d, time(0))
        raise ValueError(f"no office hours within {_MAX_DAYS} days of {t}")

    def _span_end_local(self, t: datetime) -> datetime:
        """The end of the span that contains the office time `t`."""
        for s, e in self.spans:
            if s <= t.time() < e:
                return datetime.combine(t.date(), e)
        raise AssertionError(f"{t} is not office time")  # pragma: no cover - callers ensure it


# ----- deadlines ---------------------------------------------------------------------


def compute_deadline(
    rule: DeadlineRule, anchor_at: datetime, anchor_has_time: bool, cal: WorkCalendar
) -> datetime | None:
    """The deadline of `rule` counted from the anchor X (CHECK-REPORT "Counting deadlines").

    * ``working_days`` N: the closing time of the N-th working day after the date of X
      (X's own date is not counted).
    * ``days`` N: the closing time of the date N days after the date of X, whether or
      not that is a working day (kontum Art. 9.2 "3 ngày": Fri 29/8/2025 -> Mon 1/9/2025,
      a holiday). binhphuoc Art. 9.3.đ's "N days from the conference" is this rule with
      anchor ``conference``.
    * ``hours`` N: exactly N hours after X.
    * ``office_hours`` N: N hours counted inside office hours on working days from X, or
      from the next opening when X is outside them (binhphuoc Art. 9.3.a "12 giờ hành
      chính").
    * A date without a time: X is the start of that date for day rules (which only use
      the date) and its closing time for hour rules (for office hours the count then
      starts at the next opening).
    * ``report_window`` (binhphuoc Art. 9.3.đ), X being a moment inside the reported
      period (normally its last day):
      - ``month``: "Trong tuần đầu tiên của tháng tiếp theo" = the closing time of the
        7th calendar day of the month after X's month. "Tuần" is read as seven days,
        like the quarter's "10 ngày đầu tiên" is read as calendar days: the article says
        "ngày làm việc" wherever it means working days, and a calendar week (Mon–Sun)
        would leave a single day when a month starts on a Sunday.
      - ``quarter``: "Trong thời hạn 10 ngày đầu tiên của quý tiếp theo" = the closing
        time of the 10th calendar day of the quarter after X's quarter.
      A window is a stretch of days the board must post within: when its last day is not a
      working day (a weekend, a holiday), the deadline is the last working day before it
      (CHECK-REPORT "Counting deadlines"), the last day the office is open inside the window.
    * ``same_working_day`` (hungyen Art. 11.3 "trong ngày"): the closing time of the working
      day on which X first falls in office hours: X's own date when X is in office hours of a
      working day, else the day of the next opening (a date without a time: that date when it
      is a working day, else the next working day).
    * ``none``: no deadline (None).
    """
    x = cal.localize(anchor_at)
    unit = rule.unit
    if unit == "none":
        return None
    if unit == "same_working_day":
        day = cal.next_opening(x).date() if anchor_has_time else cal.next_working_day(x.date(), inclusive=True)
        return cal.closing_time(day)
    if unit == "working_days":
        return cal.closing_time(cal.add_working_days(x.date(), _limit(rule)))
    if unit == "days":
        return cal.closing_time(x.date() + timedelta(days=_limit(rule)))
    if unit in ("hours", "office_hours"):
        start = x if anchor_has_time else cal.closing_time(x.date())
        if unit == "hours":
            # exact elapsed time, computed in UTC so that it holds in any zone
            return cal.localize(start.astimezone(UTC) + timedelta(hours=_limit(rule)))
        return cal.add_office_hours(start, _limit(rule))
    if unit == "report_window":
        if rule.window == "month":
            y, m = (x.year + 1, 1) if x.month == 12 else (x.year, x.month + 1)
            last = date(y, m, 7)
        elif rule.window == "quarter":
            q_first_month = 3 * ((x.month - 1) // 3) + 1 + 3
            y, m = (x.year + 1, q_first_month - 12) if q_first_month > 12 else (x.year, q_first_month)
            last = date(y, m, 10)
        else:
            raise ValueError("unit 'report_window' needs window = 'month' or 'quarter'")
        return cal.closing_time(cal.previous_working_day(last, inclusive=True))
    raise ValueError(f"unknown deadline unit {unit!r}")


def _limit(rule: DeadlineRule) -> int:
    if rule.limit is None or rule.limit <= 0:
        raise ValueError(f"limit must be a positive number for unit {rule.unit!r}")
    return rule.limit


def late_on_arrival(deadline: datetime | None, received_at: datetime,
                    tz: tzinfo | str = DEFAULT_TIMEZONE) -> bool:
    """True when the deadline had already passed when the item arrived
    (CHECK-REPORT ``deadline.late_submission``). Arriving at the deadline is on time.
    A naive datetime is read as wall-clock time in `tz`."""
    if deadline is None:
        return False
    zone = _zone(tz)
    if deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=zone)
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=zone)
    return received_at > deadline


def vn_time(value: datetime | None, zone: tzinfo, with_time: bool = True) -> str:
    """A time as the emails and the review history write it, in `zone`: "09:30 ngày 28/04/2026",
    or "28/04/2026" without the time; "—" for none."""
    if value is None:
        return "—"
    local = value.astimezone(zone)
    return local.strftime("%H:%M ngày %d/%m/%Y") if with_time else local.strftime("%d/%m/%Y")


def _zone(tz: tzinfo | str) -> tzinfo:
    return tz if isinstance(tz, tzinfo) else ZoneInfo(tz)
