"""The period a report covers: a month, a quarter, six months, a year, or any dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    key: str  # as typed back: "2026-11", "2026-Q4", "2026-H2", "2026", "2026-11-01..2026-11-20"
    label: str  # in Vietnamese: "tháng 11 năm 2026"

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) as aware times in `zone`."""
        return (datetime.combine(self.start, time(0), zone),
                datetime.combine(self.end + timedelta(days=1), time(0), zone))

    def months(self) -> int:
        """How many months the period spans, for quotas counted per month (at least one)."""
        return max(1, (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def month(year: int, m: int) -> Period:
    last = (date(year + (m == 12), m % 12 + 1, 1) - timedelta(days=1))
    return Period(date(year, m, 1), last, f"{year}-{m:02d}", f"tháng {m} năm {year}")


YEARS = (1990, 2100)  # what a period may cover (year 1 overflows the time zone's arithmetic)


def parse_period(text: str) -> Period:
    """"2026-11", "2026-Q4", "2026-H1" (6 months), "2026", or "2026-11-01..2026-11-20"."""
    period = _parse_period(text)
    if period.start.year < YEARS[0] or period.end.year > YEARS[1]:
        raise PeriodError(f"kỳ “{period.key}” nằm ngoài khoảng năm {YEARS[0]}–{YEARS[1]}")
    return period


def _parse_period(text: str) -> Period:
    t = (text or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
            if not 1 <= int(m[2]) <= 12:
                raise PeriodError(f"tháng {m[2]} không có")
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", t):
            y, q = int(m[1]), int(m[2])
            first, last = month(y, 3 * q - 2), month(y, 3 * q)
            return Period(first.start, last.end, f"{y}-Q{q}", f"quý {ROMAN[q]} năm {y}")
        if m := re.fullmatch(r"(\d{4})-[Hh]([12])", t):
            y, h = int(m[1]), int(m[2])
            first, last = month(y, 6 * h - 5), month(y, 6 * h)
            words = "đầu" if h == 1 else "cuối"
            return Period(first.start, last.end, f"{y}-H{h}", f"6 tháng {words} năm {y}")
        if re.fullmatch(r"\d{4}", t):
            y = int(t)
            return Period(date(y, 1, 1), date(y, 12, 31), t, f"năm {y}")
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", t):
            a, b = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if b < a:
                raise PeriodError("ngày kết thúc trước ngày bắt đầu")
            return Period(a, b, f"{a}..{b}", f"từ ngày {a:%d/%m/%Y} đến ngày {b:%d/%m/%Y}")
    except ValueError as e:
        raise PeriodError(f"kỳ “{t}” không hợp lệ: {e}") from None
    raise PeriodError(f"kỳ “{t}” không hợp lệ: hãy ghi 2026-11 (tháng), 2026-Q4 (quý), 2026-H1 (6 tháng), "
                      "2026 (năm) hoặc 2026-11-01..2026-11-20")
