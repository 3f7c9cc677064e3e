"""When the reported activity took place, read from the text of a news item.

The deadlines of news hang on the event (CHECK-REPORT "anchor"): thainguyen and
haiduong Art. 7.4 (1 day from the event), binhphuoc Art. 9.3 (12 office hours
from the event), kontum Art. 9.2 (24 hours from the END of the activity),
hungyen Art. 12 (daily). Vietnamese news leads state the event as
"Sáng ngày 15/7/2025, …", "Chiều 28-4, …", "Ngày 12 tháng 3 năm 2025, …",
"Vào lúc 14 giờ 00 phút ngày 23/1/2025, …", "Sáng nay, …", and the end as
"… kết thúc lúc 16 giờ 30 phút" or "từ 8h đến 11h30".

A text holds other dates too: the issuance date of a document it cites
("Quyết định số 117/QĐ-THADS ngày 25/4/2025"), laws ("Luật … ngày 14 tháng 11
năm 2008"), a header's "Thái Nguyên, ngày 28 tháng 4 năm 2026", holidays named
by their date ("Quốc khánh 2/9"), deadlines ("trước ngày 15/11"). Each date is
scored by what surrounds it — a time-of-day word or a clock time right before it,
an event verb in its sentence, its place at the head of a paragraph — and
citations and deadlines are left out. A time of day without a clock time
("sáng") gives no time: the deadline rules treat a date without a time on their
own (CHECK-REPORT "Counting deadlines"), so none is invented.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tinbai.extract.docheader import parse_issued_line
from tinbai.lexicon import SENDING_WORDS, TIMES_OF_DAY, alternation_folded
from tinbai.message import is_quoted_header_line
from tinbai.report import Anchor
from tinbai.textutil import aligned_fold

__all__ = ["VN_TZ", "EventTime", "find_event", "find_issued_date", "mentions_event"]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class EventTime:
    """The reported activity's start (date, and time when stated) and its end when stated."""

    start_date: date
    start_time: time | None = None
    end: datetime | None = None  # aware (Asia/Ho_Chi_Minh)
    end_has_time: bool = True  # False when only the last day was stated ("từ ngày 15 đến 17/4")
    source: str = ""  # the words it was read from

    @property
    def has_time(self) -> bool:
        return self.start_time is not None

    @property
    def start(self) -> datetime:
        """The start as an aware datetime; midnight when no time was stated (see has_time)."""
        return datetime.combine(self.start_date, self.start_time or time(0), tzinfo=VN_TZ)

    def anchor(self, kind: str = "event") -> Anchor:
        """The deadline anchor: kind "event_end" (kontum Art. 9.2) uses the end when stated."""
        if kind == "event_end" and self.end is not None:
            return Anchor(kind="event", at=self.end, has_time=self.end_has_time, source=self.source)
        return Anchor(kind="event", at=self.start, has_time=self.has_time, source=self.source)


# --------------------------------------------------------------------------- patterns (folded text)

_TOD = "(?:" + "|".join(aligned_fold(w) for w in TIMES_OF_DAY) + ")"  # in the lexicon's order
_WEEKDAY = r"(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s*nhat)"
# "15/7/2025", "29/04/2025", "28-4", "15.7.2025" (the dot only with a year)
_NUMERIC = re.compile(
    r"(?<![\d/.\w])(?P<d>\d{1,2})\s*(?P<sep>[/\-.])\s*(?P<m>\d{1,2})"
    r"(?:\s*(?P=sep)\s*(?P<y>\d{4}|\d{2}))?(?![\d/]|\.\d|-\d)"
)
# "ngày 12 tháng 3 năm 2025", "12 tháng 3"
_WORDS = re.compile(
    r"(?<![\d\w])(?:ngay\s*)?(?P<d>\d{1,2})\s*thang\s*(?P<m>\d{1,2})(?!\d)(?:\s*(?:nam|,)\s*(?P<y>\d{4}))?"
)
# "hôm nay", "sáng nay", "chiều qua", "ngày hôm qua", "tối hôm kia"
_RELATIVE = re.compile(
    rf"\b(?:(?P<tod>{_TOD})\s+(?:hom\s+)?(?P<w>nay|qua|kia)|(?:ngay\s+)?hom\s+(?P<w2>nay|qua|kia))\b"
)
_REL_DAYS = {"nay": 0, "qua": -1, "kia": -2}

# clock times: "14 giờ 00 phút", "8h30", "8h", "14:00", "7g30", "8 giờ", "2 giờ chiều"
_CLOCK = (r"(?P<h>\d{1,2})\s*(?:(?:gio|h|g)\s*(?P<mi>\d{2})?\s*(?:phut|p|')?|:\s*(?P<mi2>\d{2}))"
          rf"(?:\s*(?P<tod2>{_TOD})\b)?")


def _clock_re(prefix: str) -> str:
    return _CLOCK.replace("?P<", f"?P<{prefix}")


_CLOCK_RE = re.compile(rf"(?<![\d\w]){_CLOCK}(?![\w])")
_TIME_BEFORE = re.compile(
    rf"(?<![\w])(?:(?:vao\s*)?(?:luc|hoi)\s*|vao\s*|tu\s*|bat dau\s*(?:tu|luc)?\s*)?{_CLOCK}\s*[,]?\s*"
    rf"(?:{_TOD}\s*)?(?:\(?\s*{_WEEKDAY}\s*\)?\s*,?\s*)?(?:ngay|hom)?\s*$"
)
_TIME_AFTER = re.compile(
    rf"\s*[,(]?\s*(?P<lead>(?:vao\s*)?luc|tu|bat dau\s*(?:tu|luc)?|vao)?\s*{_CLOCK}(?![\w])"
)
_RANGE_TAIL = re.compile(rf"\s*(?:[-–]|den|toi)\s*(?:luc\s*)?{_clock_re('e_')}(?![\w])")
# the start stated after the date: "Hội nghị bắt đầu lúc 8h30", "khai mạc vào lúc 8 giờ"
_START_CUE = re.compile(
    rf"(?<![\w])(?:bat\s*dau|khai\s*mac)\s*(?:vao\s*)?(?:luc|tu|hoi)?\s*{_clock_re('s_')}(?![\w])"
)
# the end of the activity: "kết thúc lúc 16 giờ 30 phút", "bế mạc vào 11h", "kéo dài đến 11 giờ 30"
_END_STRONG = re.compile(
    rf"(?<![\w])(?:ket\s*thuc|be\s*mac|khep\s*lai)\s*(?:vao\s*)?(?:luc\s*)?{_clock_re('x_')}(?![\w])"
)
_END_WEAK = re.compile(
    rf"(?<![\w])(?P<verb>(?:keo\s*dai|dien\s*ra|lam\s*viec)\s*)?den\s*(?:luc\s*)?{_clock_re('x_')}(?![\w])"
)
_TOD_BEFORE = re.compile(
    rf"(?<![\w])(?P<tod>{_TOD})\s*(?:nay\s*)?(?:,?\s*\(?\s*{_WEEKDAY}\s*\)?\s*,?\s*)?(?:ngay|hom)?\s*\(?\s*$"
)
_NGAY_BEFORE = re.compile(r"(?<![\w])(?:ngay|hom)\s*\(?\s*$")
_DAY_RANGE_BEFORE = re.compile(
    r"(?<![\w/.\-])(?:tu\s*)?(?:ngay\s*)?(?P<d1>\d{1,2})\s*(?:[-–]|den|va|,)\s*(?:het\s*)?(?:ngay\s*)?$"
)
_DATE_RANGE_AFTER = re.compile(r"\s*(?:[-–]|den)\s*(?:het\s*)?(?:ngay\s*)?")

# a date that is a citation or a deadline, not the event
_CITED = re.compile(
    r"(?:\b(?:so|so hieu)\s*[:.]?\s*\d+\s*[/|]\s*[\w\-/.&]+|\d+\s*/\s*[a-z][\w\-/.&]*)\s*(?:\([^)]*\)\s*)?"
    r"(?:,?\s*(?:ky|ban hanh|cap)\s*)?(?:ngay\s*)?$"
)
_LAW = re.compile(
    r"\b(?:luat|bo luat|nghi dinh|thong tu|nghi quyet|phap lenh|hien phap|quyet dinh|chi thi|"
    r"cong van|ke hoach|thong bao|huong dan|ban an|van ban|to trinh|giay moi)\b[^,;()\n]{0,60}?"
    r"\b(?:ngay|ky ngay|ban hanh ngay)\s*$"
)
_DEADLINE_WORDS = re.compile(
    r"\b(?:ke tu|hieu luc|truoc|den het|cham nhat|han|sinh|cap|het han|ky|ban hanh|"
    r"thoi han|tinh den|den truoc)\s*(?:ngay\s*)?$"
)
_CAN_CU = re.compile(r"\bcan cu\b")
_EVENT_VERBS = re.compile(
    r"\b(?:to chuc|dien ra|khai mac|be mac|tham du|chu tri|tien hanh|phoi hop|ra quan|tiep cong dan|"
    r"lam viec|hop|hoi nghi|hoi thao|hoi thi|toa dam|tap huan|tuyen truyen|kiem tra|cuong che|trao|"
    r"cong bo|gap mat|tham gia|dien dan|le|ky niem|giao ban|so ket|tong ket|trien khai|doan cong tac|"
    r"tham hoi|tham|du|chuc mung|phat dong|khanh thanh|ky ket|don|tiep|lam viec|thuc hien|xac minh|"
    r"ke bien|to chuc thi hanh|giai quyet|dang cai|trao tang|cong tac)\b"
)
_SENDING = re.compile(r"\b(?:" + alternation_folded(SENDING_WORDS) + r")\b")
def _tz(dt: datetime) -> datetime:
    return dt.astimezone(VN_TZ) if dt.tzinfo else dt.replace(tzinfo=VN_TZ)


def _resolve_year(d: int, m: int, y: str | None, ref: date | None) -> date | None:
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


def _clock(m: re.Match[str], prefix: str = "", tod: str | None = None) -> time | None:
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


_BOUNDARIES = (". ", "; ", "! ", "? ")


def _sentence_bounds(folded: str, pos: int, reach: int = 400) -> tuple[int, int]:
    """The sentence around `pos`: cut at line breaks and at ". ", "; ", "! ", "? " (and at
    `reach` characters either way, so a text without breaks costs no more than a short one)."""
    lo = max(0, pos - reach)
    hi = min(len(folded), pos + reach)
    starts = [folded.rfind(b, lo, pos) for b in ("\n", *_BOUNDARIES)]
    start = max(starts)
    start = start + 1 if start >= 0 else lo
    ends = [i for i in (folded.find(b, pos, hi) for b in ("\n", *_BOUNDARIES)) if i >= 0]
    return start, (min(ends) if ends else hi)


@dataclass
class _Candidate:
    pos: int  # where its words start (a time-of-day word or a clock time included)
    date_end: int
    day: date
    score: float
    start_time: time | None = None
    end_day: date | None = None  # a stated last day ("từ ngày 15 đến 17/4")


def _blank_lines(text: str, folded: str) -> str:
    """Forwarded-message headers, quoted lines and issuance lines blanked out (same length)."""
    out = []
    pos = 0
    for line in folded.split("\n"):
        original = text[pos:pos + len(line)]
        pos += len(line) + 1
        if is_quoted_header_line(original):
            out.append(" " * len(line))
            continue
        pd = parse_issued_line(original)
        if pd is not None:  # "Thái Nguyên, ngày 28 tháng 4 năm 2026": a document's, not an event's
            line = line[:pd.start] + " " * (pd.end - pd.start) + line[pd.end:]
        out.append(line)
    return "\n".join(out)


def _is_cited(folded: str, start: int, sent_start: int) -> bool:
    """A document's or a law's date ("số 117/QĐ-THADS ngày …", "Luật … ngày …"), or a deadline."""
    before = folded[max(sent_start, start - 90):start]
    if _CITED.search(before) or _LAW.search(before) or _DEADLINE_WORDS.search(before):
        return True
    return bool(_CAN_CU.search(folded[sent_start:start]))


def _score(folded: str, start: int, end: int, ref: date | None, day: date) -> tuple[float, int, time | None]:
    """(score, where the phrase starts, the clock time stated with the date)."""
    sent_start, sent_end = _sentence_bounds(folded, start)
    before = folded[sent_start:start]
    score = 0.0
    phrase_start = start
    tod_m = _TOD_BEFORE.search(before)
    tod = tod_m["tod"] if tod_m else None
    clock = None
    tm = _TIME_BEFORE.search(before)
    if tm:
        inner = re.search(rf"(?<![\w]){_TOD}(?![\w])", tm.group())
        clock = _clock(tm, tod=inner.group() if inner else tod)
        if clock is not None:
            score += 4
            phrase_start = sent_start + tm.start()
    if tod_m:
        score += 4
        phrase_start = min(phrase_start, sent_start + tod_m.start())
    elif clock is None and (ng := _NGAY_BEFORE.search(before)):
        score += 1
        phrase_start = min(phrase_start, sent_start + ng.start())
    if clock is None:
        # stated after the date: "ngày 15/4, lúc 8h30", "ngày 15/4 (8 giờ)", "ngày 15/4 từ 8h"
        am = _TIME_AFTER.match(folded, end, sent_end)
        if am and (am["lead"] or "gio" in am.group() or re.search(r"\dh", am.group())):
            clock = _clock(am, tod=tod)
            if clock is not None:
                score += 3
    # the head of a paragraph: "Sáng ngày 15/7/2025, …"; or its first sentence ("Thực hiện Kế
    # hoạch …, trong hai ngày 14 và 15/4, Sở đã tổ chức …")
    line_start = folded.rfind("\n", max(0, start - 2000), start) + 1
    named_day = folded.startswith("ngay", phrase_start) or folded.startswith("ngay", start)
    if named_day and phrase_start == start and not tod_m and clock is None:
        score += 1  # "ngày 14 và 15/4": the range starts with "ngày"
    if phrase_start - line_start <= 25:
        score += 3
    elif sent_start <= line_start and (named_day or tod_m or clock is not None):
        score += 1
    if _EVENT_VERBS.search(folded, end, sent_end) or _EVENT_VERBS.search(before):
        score += 2
    if _SENDING.search(folded[sent_start:sent_end]) and not _EVENT_VERBS.search(folded[sent_start:sent_end]):
        score -= 3  # "Hôm nay em gửi tin …": the sending, not the event
    if ref is None:
        pass
    elif day > ref + timedelta(days=1):
        score -= 5  # an announcement of what is still to come
    elif day < ref - timedelta(days=60):
        score -= 3  # history ("30/4/1975"), not news
    return score, phrase_start, clock


def _valid_dm(d: str, m: str) -> bool:
    return 1 <= int(d) <= 31 and 1 <= int(m) <= 12


def _candidates(folded: str, ref: date | None) -> list[_Candidate]:
    found: list[_Candidate] = []
    for rx in (_NUMERIC, _WORDS):
        for m in rx.finditer(folded):
            if rx is _NUMERIC and m["sep"] == "." and m["y"] is None:
                continue  # "4.350 việc" is a number; the dot separates a date only with its year
            if not _valid_dm(m["d"], m["m"]):
                continue
            day = _resolve_year(int(m["d"]), int(m["m"]), m["y"], ref)
            if day is None:
                continue
            start = m.start()
            sent_start, _ = _sentence_bounds(folded, start)
            before = folded[sent_start:start]
            if re.search(r"(?<![\w])(?:thang|so|s[o6]\s*:)\s*$", before):
                continue  # "tháng 7/2025" is a month; "số 12/3" a number
            end_day = None
            rng = _DAY_RANGE_BEFORE.search(before)
            if rng and int(rng["d1"]) < day.day:
                # "từ ngày 15 đến 17/4", "15-16/4", "15 và 16/4": the range starts on the first day
                end_day, day = day, day.replace(day=int(rng["d1"]))
                start = sent_start + rng.start()
            elif re.search(r"(?<![\w])den\s*(?:het\s*)?(?:ngay\s*)?$", before):
                continue  # the last day of a range, counted with its first day
            if _is_cited(folded, start, sent_start):
                continue
            tail = _DATE_RANGE_AFTER.match(folded, m.end())
            if end_day is None and tail:  # "từ ngày 15/4 đến ngày 17/4/2026"
                nxt = _NUMERIC.match(folded, tail.end()) or _WORDS.match(folded, tail.end())
                if nxt and _valid_dm(nxt["d"], nxt["m"]):
                    last = _resolve_year(int(nxt["d"]), int(nxt["m"]), nxt["y"] or m["y"], ref)
                    if last and last > day:
                        end_day = last
                        if m["y"] is None and nxt["y"] is not None:
                            day = _resolve_year(day.day, day.month, None, last) or day
            score, phrase_start, clock = _score(folded, start, m.end(), ref, day)
            if m["y"]:
                score += 0.5
            found.append(_Candidate(phrase_start, m.end(), day, score, clock, end_day))
    for m in _RELATIVE.finditer(folded):
        day = (ref or date(2024, 1, 1)) + timedelta(days=_REL_DAYS[m["w"] or m["w2"]])
        score, phrase_start, clock = _score(folded, m.start(), m.end(), ref, day)
        if clock is None:
            am = re.search(_CLOCK_RE, folded[m.end():m.end() + 25])
            if am and re.match(r"\s*[,(]?\s*(?:vao\s*)?luc", folded[m.end():m.end() + am.start() + 1]):
                clock = _clock(am, tod=m["tod"])
        score += 4 if m["tod"] else 2
        found.append(_Candidate(min(phrase_start, m.start()), m.end(), day, score, clock))
    return found


def _range_end(folded: str, c: _Candidate) -> time | None:
    """"từ 8h đến 11h30": the end of a range of clock times stated with the start."""
    _, sent_end = _sentence_bounds(folded, c.date_end)
    for m in _CLOCK_RE.finditer(folded, c.pos, sent_end):
        tail = _RANGE_TAIL.match(folded, m.end())
        if tail:
            return _clock(tail, prefix="e_", tod=m["tod2"])
    return None


def _stated_end(text: str, folded: str, c: _Candidate, ref: date) -> tuple[datetime | None, str | None]:
    """"Hội nghị kết thúc lúc 16 giờ 30 phút ngày 29/4/2025", "… cùng ngày", "kéo dài đến 11 giờ 30"."""
    _, sent_end = _sentence_bounds(folded, c.date_end)
    hits = []
    if (strong := _END_STRONG.search(folded, c.date_end)) is not None:
        hits.append(strong)
    for weak in _END_WEAK.finditer(folded, c.date_end):
        # "đến 11 giờ 30" in the sentence of the start, or after "kéo dài"/"diễn ra"
        if weak.start() < sent_end or weak["verb"]:
            hits.append(weak)
            break
    for m in sorted(hits, key=lambda h: h.start()):
        end_time = _clock(m, prefix="x_")
        if end_time is None:
            continue
        end_day = c.end_day or c.day
        stop = m.end()
        tail = re.match(r"\s*,?\s*(?:(?P<same>cung ngay)|(?:vao\s*)?(?:ngay\s*)?)", folded[stop:])
        if tail and tail["same"]:
            stop += tail.end()
        elif tail:
            nd = _NUMERIC.match(folded, stop + tail.end()) or _WORDS.match(folded, stop + tail.end())
            if nd and _valid_dm(nd["d"], nd["m"]):
                got = _resolve_year(int(nd["d"]), int(nd["m"]), nd["y"], max(ref, c.day))
                if got is not None and got >= c.day:
                    end_day, stop = got, nd.end()
        if c.start_time is not None and end_day == c.day and end_time <= c.start_time:
            continue  # earlier than the start: not the end of this activity
        return datetime.combine(end_day, end_time, tzinfo=VN_TZ), text[m.start():stop].strip(" ,.")
    return None, None


def find_event(text: str, received_at: datetime) -> EventTime | None:
    """The date (and time, when stated) of the activity a news text reports; None if not stated.

    `received_at` dates the relative words ("hôm nay", "chiều qua") and completes a date
    written without its year (the nearest past one, at most a day ahead). Datetimes are
    aware, Asia/Ho_Chi_Minh.
    """
    if not text or not text.strip():
        return None
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    ref = _tz(received_at).date()
    folded = _blank_lines(text, aligned_fold(text))
    cands = [c for c in _candidates(folded, ref) if c.score >= 3]
    if not cands:
        return None
    best = max(cands, key=lambda c: (c.score, -c.pos))
    end: datetime | None = None
    end_has_time = True
    source = text[best.pos:best.date_end].strip(" ,.(")
    if best.start_time is None:
        # "Ngày 16/4, Sở tổ chức Hội nghị … Hội nghị bắt đầu lúc 8h30": in the same paragraph
        para_end = folded.find("\n", best.date_end)
        para_end = para_end if para_end >= 0 else len(folded)
        cue = _START_CUE.search(folded, best.date_end, min(para_end, best.date_end + 600))
        if cue is not None and (clock := _clock(cue, prefix="s_")) is not None:
            best.start_time = clock
            source = f"{source}; {text[cue.start():cue.end()].strip()}"
    range_end = _range_end(folded, best) if best.start_time else None
    if range_end is not None:
        end = datetime.combine(best.end_day or best.day, range_end, tzinfo=VN_TZ)
        if best.start_time is not None and range_end <= best.start_time and best.end_day is None:
            end += timedelta(days=1)  # "từ 20h đến 1h"
    else:
        end, end_source = _stated_end(text, folded, best, ref)
        if end is not None and end_source:
            source = f"{source}; {end_source}"
        elif best.end_day is not None:
            end = datetime.combine(best.end_day, time(0), tzinfo=VN_TZ)
            end_has_time = False
    return EventTime(start_date=best.day, start_time=best.start_time, end=end,
                     end_has_time=end_has_time, source=source)


def mentions_event(text: str, *, min_score: float = 5) -> bool:
    """Whether `text` dates an activity the way news leads do ("Sáng ngày 15/7/2025, … tổ chức …").

    Needs no reference time (classification runs before the deadline is worked out); the
    default threshold asks for a time-of-day word or a clock time, or a date heading a
    paragraph together with an event verb.
    """
    if not text or not text.strip():
        return False
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    folded = _blank_lines(text, aligned_fold(text))
    return any(c.score >= min_score for c in _candidates(folded, None))


def find_issued_date(text: str) -> date | None:
    """The issuance date of the "<Place>, ngày … tháng … năm …" line (NĐ 30/2020 Phụ lục I, ô 4)."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    for raw in text.replace("\r", "\n").split("\n"):
        for cell in re.split(r"\t+| {3,}| \| ", raw):
            pd = parse_issued_line(cell.strip())
            if pd is not None:
                return pd.issued
    return None
