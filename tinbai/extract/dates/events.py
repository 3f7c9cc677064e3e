"""When the reported activity took place: its start, and its end when stated."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from tinbai.extract.dates.candidates import Candidate, blank_lines, candidates, sentence_bounds
from tinbai.extract.dates.written import (
    CLOCK_RE,
    END_STRONG,
    END_WEAK,
    NUMERIC_DATE,
    RANGE_TAIL,
    START_CUE,
    WORDS_DATE,
    clock_time,
    resolve_year,
    valid_day_month,
)
from tinbai.report import Anchor
from tinbai.textutil import aligned_fold

__all__ = ["EventTime", "find_event", "mentions_event"]


@dataclass(frozen=True)
class EventTime:
    """The reported activity's start (date, and time when stated) and its end when stated."""

    start_date: date
    start_time: time | None = None
    end: datetime | None = None  # aware, in `tz`
    end_has_time: bool = True  # False when only the last day was stated ("từ ngày 15 đến 17/4")
    source: str = ""  # the words it was read from
    tz: tzinfo = field(kw_only=True)  # the working time zone the dates were read in

    @property
    def has_time(self) -> bool:
        return self.start_time is not None

    @property
    def start(self) -> datetime:
        """The start as an aware datetime; midnight when no time was stated (see has_time)."""
        return datetime.combine(self.start_date, self.start_time or time(0), tzinfo=self.tz)

    def anchor(self, kind: str = "event") -> Anchor:
        """The deadline anchor: kind "event_end" (kontum Art. 9.2) uses the end when stated."""
        if kind == "event_end" and self.end is not None:
            return Anchor(kind="event", at=self.end, has_time=self.end_has_time, source=self.source)
        return Anchor(kind="event", at=self.start, has_time=self.has_time, source=self.source)


def _local(dt: datetime, tz: tzinfo) -> datetime:
    """`dt` in the working zone (a naive `dt` is taken as its wall-clock time)."""
    return dt.astimezone(tz) if dt.tzinfo else dt.replace(tzinfo=tz)


def _range_end(folded: str, c: Candidate) -> time | None:
    """"từ 8h đến 11h30": the end of a range of clock times stated with the start."""
    _, sent_end = sentence_bounds(folded, c.date_end)
    for m in CLOCK_RE.finditer(folded, c.pos, sent_end):
        tail = RANGE_TAIL.match(folded, m.end())
        if tail:
            return clock_time(tail, prefix="e_", tod=m["tod2"])
    return None


def _stated_end(text: str, folded: str, c: Candidate, ref: date, tz: tzinfo) -> tuple[datetime | None, str | None]:
    """"Hội nghị kết thúc lúc 16 giờ 30 phút ngày 29/4/2025", "… cùng ngày", "kéo dài đến 11 giờ 30"."""
    _, sent_end = sentence_bounds(folded, c.date_end)
    hits = []
    if (strong := END_STRONG.search(folded, c.date_end)) is not None:
        hits.append(strong)
    for weak in END_WEAK.finditer(folded, c.date_end):
        # "đến 11 giờ 30" in the sentence of the start, or after "kéo dài"/"diễn ra"
        if weak.start() < sent_end or weak["verb"]:
            hits.append(weak)
            break
    for m in sorted(hits, key=lambda h: h.start()):
        end_time = clock_time(m, prefix="x_")
        if end_time is None:
            continue
        end_day = c.end_day or c.day
        stop = m.end()
        tail = re.match(r"\s*,?\s*(?:(?P<same>cung ngay)|(?:vao\s*)?(?:ngay\s*)?)", folded[stop:])
        if tail and tail["same"]:
            stop += tail.end()
        elif tail:
            nd = NUMERIC_DATE.match(folded, stop + tail.end()) or WORDS_DATE.match(folded, stop + tail.end())
            if nd and valid_day_month(nd["d"], nd["m"]):
                got = resolve_year(int(nd["d"]), int(nd["m"]), nd["y"], max(ref, c.day))
                if got is not None and got >= c.day:
                    end_day, stop = got, nd.end()
        if c.start_time is not None and end_day == c.day and end_time <= c.start_time:
            continue  # earlier than the start: not the end of this activity
        return datetime.combine(end_day, end_time, tzinfo=tz), text[m.start():stop].strip(" ,.")
    return None, None


def find_event(text: str, received_at: datetime, tz: tzinfo | None = None) -> EventTime | None:
    """The date (and time, when stated) of the activity a news text reports; None if not stated.

    `received_at` dates the relative words ("hôm nay", "chiều qua") and completes a date
    written without its year (the nearest past one, at most a day ahead). The text's dates are
    wall-clock times in `tz`, the working time zone (the config's settings.timezone; by default
    the zone of `received_at`), and so are the datetimes returned.
    """
    tz = tz or received_at.tzinfo
    if tz is None:
        raise ValueError("find_event needs the working time zone: tz, or an aware received_at")
    if not text or not text.strip():
        return None
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    ref = _local(received_at, tz).date()
    folded = blank_lines(text, aligned_fold(text))
    cands = [c for c in candidates(folded, ref) if c.score >= 3]
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
        cue = START_CUE.search(folded, best.date_end, min(para_end, best.date_end + 600))
        if cue is not None and (clock := clock_time(cue, prefix="s_")) is not None:
            best.start_time = clock
            source = f"{source}; {text[cue.start():cue.end()].strip()}"
    range_end = _range_end(folded, best) if best.start_time else None
    if range_end is not None:
        end = datetime.combine(best.end_day or best.day, range_end, tzinfo=tz)
        if best.start_time is not None and range_end <= best.start_time and best.end_day is None:
            end += timedelta(days=1)  # "từ 20h đến 1h"
    else:
        end, end_source = _stated_end(text, folded, best, ref, tz)
        if end is not None and end_source:
            source = f"{source}; {end_source}"
        elif best.end_day is not None:
            end = datetime.combine(best.end_day, time(0), tzinfo=tz)
            end_has_time = False
    return EventTime(start_date=best.day, start_time=best.start_time, end=end,
                     end_has_time=end_has_time, source=source, tz=tz)


def mentions_event(text: str, *, min_score: float = 5) -> bool:
    """Whether `text` dates an activity the way news leads do ("Sáng ngày 15/7/2025, … tổ chức …").

    Needs no reference time (classification runs before the deadline is worked out); the
    default threshold asks for a time-of-day word or a clock time, or a date heading a
    paragraph together with an event verb.
    """
    if not text or not text.strip():
        return False
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    folded = blank_lines(text, aligned_fold(text))
    return any(c.score >= min_score for c in candidates(folded, None))
