"""The dates a news text states, each scored as the reported event's: the candidates.

A date is scored by what surrounds it (a time-of-day word or a clock time right before it,
an event verb in its sentence, its place at the head of a paragraph); citations of documents
and laws, deadlines, the lines of a quoted or forwarded header and a document's issuing line
are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from tinbai.extract.dates.written import (
    CLOCK_RE,
    DATE_RANGE_AFTER,
    DAY_RANGE_BEFORE,
    NGAY_BEFORE,
    NUMERIC_DATE,
    RELATIVE_DAY,
    RELATIVE_DAYS,
    TIME_AFTER,
    TIME_BEFORE,
    TOD,
    TOD_BEFORE,
    WORDS_DATE,
    clock_time,
    resolve_year,
    valid_day_month,
)
from tinbai.extract.docheader import parse_issued_line
from tinbai.lexicon import SENDING_WORDS, alternation_folded
from tinbai.message import is_quoted_header_line

__all__ = ["Candidate", "blank_lines", "candidates", "sentence_bounds"]

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

_BOUNDARIES = (". ", "; ", "! ", "? ")


def sentence_bounds(folded: str, pos: int, reach: int = 400) -> tuple[int, int]:
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
class Candidate:
    pos: int  # where its words start (a time-of-day word or a clock time included)
    date_end: int
    day: date
    score: float
    start_time: time | None = None
    end_day: date | None = None  # a stated last day ("từ ngày 15 đến 17/4")


def blank_lines(text: str, folded: str) -> str:
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
    sent_start, sent_end = sentence_bounds(folded, start)
    before = folded[sent_start:start]
    score = 0.0
    phrase_start = start
    tod_m = TOD_BEFORE.search(before)
    tod = tod_m["tod"] if tod_m else None
    clock = None
    tm = TIME_BEFORE.search(before)
    if tm:
        inner = re.search(rf"(?<![\w]){TOD}(?![\w])", tm.group())
        clock = clock_time(tm, tod=inner.group() if inner else tod)
        if clock is not None:
            score += 4
            phrase_start = sent_start + tm.start()
    if tod_m:
        score += 4
        phrase_start = min(phrase_start, sent_start + tod_m.start())
    elif clock is None and (ng := NGAY_BEFORE.search(before)):
        score += 1
        phrase_start = min(phrase_start, sent_start + ng.start())
    if clock is None:
        # stated after the date: "ngày 15/4, lúc 8h30", "ngày 15/4 (8 giờ)", "ngày 15/4 từ 8h"
        am = TIME_AFTER.match(folded, end, sent_end)
        if am and (am["lead"] or "gio" in am.group() or re.search(r"\dh", am.group())):
            clock = clock_time(am, tod=tod)
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


def candidates(folded: str, ref: date | None) -> list[Candidate]:
    found: list[Candidate] = []
    for rx in (NUMERIC_DATE, WORDS_DATE):
        for m in rx.finditer(folded):
            if rx is NUMERIC_DATE and m["sep"] == "." and m["y"] is None:
                continue  # "4.350 việc" is a number; the dot separates a date only with its year
            if not valid_day_month(m["d"], m["m"]):
                continue
            day = resolve_year(int(m["d"]), int(m["m"]), m["y"], ref)
            if day is None:
                continue
            start = m.start()
            sent_start, _ = sentence_bounds(folded, start)
            before = folded[sent_start:start]
            if re.search(r"(?<![\w])(?:thang|so|s[o6]\s*:)\s*$", before):
                continue  # "tháng 7/2025" is a month; "số 12/3" a number
            end_day = None
            rng = DAY_RANGE_BEFORE.search(before)
            if rng and int(rng["d1"]) < day.day:
                # "từ ngày 15 đến 17/4", "15-16/4", "15 và 16/4": the range starts on the first day
                end_day, day = day, day.replace(day=int(rng["d1"]))
                start = sent_start + rng.start()
            elif re.search(r"(?<![\w])den\s*(?:het\s*)?(?:ngay\s*)?$", before):
                continue  # the last day of a range, counted with its first day
            if _is_cited(folded, start, sent_start):
                continue
            tail = DATE_RANGE_AFTER.match(folded, m.end())
            if end_day is None and tail:  # "từ ngày 15/4 đến ngày 17/4/2026"
                nxt = NUMERIC_DATE.match(folded, tail.end()) or WORDS_DATE.match(folded, tail.end())
                if nxt and valid_day_month(nxt["d"], nxt["m"]):
                    last = resolve_year(int(nxt["d"]), int(nxt["m"]), nxt["y"] or m["y"], ref)
                    if last and last > day:
                        end_day = last
                        if m["y"] is None and nxt["y"] is not None:
                            day = resolve_year(day.day, day.month, None, last) or day
            score, phrase_start, clock = _score(folded, start, m.end(), ref, day)
            if m["y"]:
                score += 0.5
            found.append(Candidate(phrase_start, m.end(), day, score, clock, end_day))
    for m in RELATIVE_DAY.finditer(folded):
        day = (ref or date(2024, 1, 1)) + timedelta(days=RELATIVE_DAYS[m["w"] or m["w2"]])
        score, phrase_start, clock = _score(folded, m.start(), m.end(), ref, day)
        if clock is None:
            am = re.search(CLOCK_RE, folded[m.end():m.end() + 25])
            if am and re.match(r"\s*[,(]?\s*(?:vao\s*)?luc", folded[m.end():m.end() + am.start() + 1]):
                clock = clock_time(am, tod=m["tod"])
        score += 4 if m["tod"] else 2
        found.append(Candidate(min(phrase_start, m.start()), m.end(), day, score, clock))
    return found
