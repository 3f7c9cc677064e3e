"""The daily posting duty's month: each day a working day with a post, without one, or a day
off (binhphuoc Art. 13.1, kontum Art. 10.1: "ít nhất 01 lần mỗi ngày làm việc"). Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from tinbai.calendar import WorkCalendar
from tinbai.duties.periods import month

STATUS_LABELS = {"posted": "Có tin đăng", "missed": "Không có tin đăng", "today": "Hôm nay, chưa có tin",
                 "future": "", "off": "Ngày nghỉ"}


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    working: bool
    posts: int
    status: str  # posted | missed | today | future | off
    holiday: str | None = None


def posts_by_day(published: list[datetime], zone: tzinfo) -> Counter[date]:
    return Counter(t.astimezone(zone).date() for t in published)


def month_calendar(year: int, m: int, cal: WorkCalendar, posts: Counter[date], today: date) -> list[list[Day]]:
    """The month's weeks (Monday first) for the dashboard."""
    p = month(year, m)
    first = p.start - timedelta(days=p.start.weekday())
    last = p.end + timedelta(days=6 - p.end.weekday())
    weeks: list[list[Day]] = []
    d = first
    while d <= last:
        working = cal.is_working_day(d)
        n = posts.get(d, 0)
        if n:
            status = "posted"
        elif not working:
            status = "off"
        elif d > today:
            status = "future"
        elif d == today:
            status = "today"
        else:
            status = "missed"
        if d.weekday() == 0:
            weeks.append([])
        weeks[-1].append(Day(d, p.contains(d), working, n, status, cal.holiday_name(d)))
        d += timedelta(days=1)
    return weeks


def missed_days(weeks: list[list[Day]]) -> list[date]:
    return [d.day for w in weeks for d in w if d.in_month and d.status == "missed"]
