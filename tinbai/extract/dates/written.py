"""How Vietnamese texts write a date and a time of day, as patterns on the folded text.

"15/7/2025", "28-4", "ngày 12 tháng 3 năm 2025", "hôm nay", "chiều qua"; "14 giờ 00 phút",
"8h30", "7g30", "2 giờ chiều"; and the words around them ("Sáng ngày …", "kết thúc lúc …").
The text is folded by tinbai.textutil.aligned_fold, so a match is a span of the original.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from tinbai.lexicon import TIMES_OF_DAY
from tinbai.textutil import aligned_fold

__all__ = [
    "CLOCK_RE", "DATE_RANGE_AFTER", "DAY_RANGE_BEFORE", "END_STRONG", "END_WEAK", "NGAY_BEFORE", "NUMERIC_DATE",
    "RANGE_TAIL", "RELATIVE_DAY", "RELATIVE_DAYS", "START_CUE", "TIME_AFTER", "TIME_BEFORE", "TOD", "TOD_BEFORE",
    "WORDS_DATE", "clock_time", "resolve_year", "valid_day_month",
]

TOD = "(?:" + "|".join(aligned_fold(w) for w in TIMES_OF_DAY) + ")"  # in the lexicon's order
_WEEKDAY = r"(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s*nhat)"
# "15/7/2025", "29/04/2025", "28-4", "15.7.2025" (the dot only with a year)
NUMERIC_DATE = re.compile(
    r"(?<![\d/.\w])(?P<d>\d{1,2})\s*(?P<sep>[/\-.])\s*(?P<m>\d{1,2})"
    r"(?:\s*(?P=sep)\s*(?P<y>\d{4}|\d{2}))?(?![\d/]|\.\d|-\d)"
)
# "ngày 12 tháng 3 năm 2025", "12 tháng 3"
WORDS_DATE = re.compile(
    r"(?<![\d\w])(?:ngay\s*)?(?P<d>\d{1,2})\s*thang\s*(?P<m>\d{1,2})(?!\d)(?:\s*(?:nam|,)\s*(?P<y>\d{4}))?"
)
# "hôm nay", "sáng nay", "chiều qua", "ngày hôm qua", "tối hôm kia"
RELATIVE_DAY = re.compile(
    rf"\b(?:(?P<tod>{TOD})\s+(?:hom\s+)?(?P<w>nay|qua|kia)|(?:ngay\s+)?hom\s+(?P<w2>nay|qua|kia))\b"
)
RELATIVE_DAYS = {"nay": 0, "qua": -1, "kia": -2}

# clock times: "14 giờ 00 phút", "8h30", "8h", "14:00", "7g30", "8 giờ", "2 giờ chiều"
_CLOCK = (r"(?P<h>\d{1,2})\s*(?:(?:gio|h|g)\s*(?P<mi>\d{2})?\s*(?:phut|p|')?|:\s*(?P<mi2>\d{2}))"
          rf"(?:\s*(?P<tod2>{TOD})\b)?")


def _clock_re(prefix: str) -> str:
    return _CLOCK.replace("?P<", f"?P<{prefix}")


CLOCK_RE = re.compile(rf"(?<![\d\w]){_CLOCK}(?![\w])")
TIME_BEFORE = re.compile(
    rf"(?<![\w])(?:(?:vao\s*)?(?:luc|hoi)\s*|vao\s*|tu\s*|bat dau\s*(?:tu|luc)?\s*)?{_CLOCK}\s*[,]?\s*"
    rf"(?:{TOD}\s*)?(?:\(?\s*{_WEEKDAY}\s*\)?\s*,?\s*)?(?:ngay|hom)?\s*$"
)
TIME_AFTER = re.compile(
    rf"\s*[,(]?\s*(?P<lead>(?:vao\s*)?luc|tu|bat dau\s*(?:tu|luc)?|vao)?\s*{_CLOCK}(?![\w])"
)
RANGE_TAIL = re.compile(rf"\s*(?:[-–]|den|toi)\s*(?:luc\s*)?{_clock_re('e_')}(?![\w])")
# the start stated after the date: "Hội nghị bắt đầu lúc 8h30", "khai mạc vào lúc 8 giờ"
START_CUE = re.compile(
    rf"(?<![\w])(?:bat\s*dau|khai\s*mac)\s*(?:vao\s*)?(?:luc|tu|hoi)?\s*{_clock_re('s_')}(?![\w])"
)
# the end of the activity: "kết thúc lúc 16 giờ 30 phút", "bế mạc vào 11h", "kéo dài đến 11 giờ 30"
END_STRONG = re.compile(
    rf"(?<![\w])(?:ket\s*thuc|be\s*mac|khep\s*lai)\s*(?:vao\s*)?(?:luc\s*)?{_clock_re('x_')}(?![\w])"
)
END_WEAK = re.compile(
    rf"(?<![\w])(?P<verb>(?:keo\s*dai|dien\s*ra|lam\s*viec)\s*)?den\s*(?:luc\s*)?{_clock_re('x_')}(?![\w])"
)
TOD_BEFORE = re.compile(
    rf"(?<![\w])(?P<tod>{TOD})\s*(?:nay\s*)?(?:,?\s*\(?\s*{_WEEKDAY}\s*\)?\s*,?\s*)?(?:ngay|hom)?\s*\(?\s*$"
)
NGAY_BEFORE = re.compile(r"(?<![\w])(?:ngay|hom)\s*\(?\s*$")
DAY_RANGE_BEFORE = re.compile(
    r"(?<![\w/.\-])(?:tu\s*)?(?:ngay\s*)?(?P<d1>\d{1,2})\s*(?:[-–]|den|va|,)\s*(?:het\s*)?(?:ngay\s*)?$"
)
DATE_RANGE_AFTER = re.compile(r"\s*(?:[-–]|den)\s*(?:het\s*)?(?:ngay\s*)?")


def resolve_year(d: int, m: int, y: str | None, ref: date | None) -> date | None:
    """A day and month, with the year written or, when left out, the nearest past one.

    "Chiều 28-4" received on 2/5/2026 is 28/4/2026; received on 3/1/2026, "29-12" is
    29/12/2025. A date may be at most one day after the reference (an event "tomorrow" is
    not news yet).
    """
    if y is not None:
        year = int(y)
        if year < 100:
            year += 2000
        try:
            return date(year, m, d)
        except ValueError:
            return None
    if ref is None:  # no reference: the date only has to exist (a leap year takes 29/2)
        try:
            return date(2024, m, d)
        except ValueError:
            return None
    limit = ref + timedelta(days=1)
    for year in (ref.year + 1, ref.year, ref.year - 1):
        try:
            candidate = date(year, m, d)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None


def clock_time(m: re.Match[str], prefix: str = "", tod: str | None = None) -> time | None:
    """A clock time from a match of _CLOCK (its groups named with `prefix`).

    "2 giờ chiều", "chiều … lúc 2 giờ" are 14:00; "10 giờ đêm" 22:00; "1 giờ trưa" 13:00.
    """
    h = int(m[prefix + "h"])
    mi = m[prefix + "mi"] or m[prefix + "mi2"]
    minute = int(mi) if mi else 0
    tod = m[prefix + "tod2"] or tod
    afternoon = tod in ("chieu", "toi") and h < 12
    after_noon = tod == "trua" and h < 5  # "1 giờ trưa"
    at_night = tod == "dem" and 6 <= h < 12  # "10 giờ đêm"
    if afternoon or after_noon or at_night:
        h += 12
    if h > 23 or minute > 59:
        return None
    return time(h, minute)


def valid_day_month(d: str, m: str) -> bool:
    return 1 <= int(d) <= 31 and 1 <= int(m) <= 12
