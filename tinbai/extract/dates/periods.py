"""The dates binhphuoc's report windows and answers count from (Art. 9.3.đ and 9.3.e).

- The period a report covers, for the anchor `period`: "Báo cáo tháng 11/2026", "tháng 4 năm
  2026" (a month, to its last day); "quý III năm 2026", "quý 3/2026" (a quarter); "6 tháng đầu năm
  2026" (a half year); and for a programme's or project's closing report, its end: "kết thúc ngày
  30/6/2026", "đến hết ngày …", else the last year of "giai đoạn 2021 - 2025".
- The review conference a 6-month or annual report follows, for the anchor `conference`: the date
  in the sentence that names the "Hội nghị sơ kết / tổng kết" or the "Hội thảo chuyên đề".
- When the citizen's petition that an answer replies to was received, for the anchor `petition`:
  a date the text ties to a receipt ("Sở nhận ngày 05/4/2026", "tiếp nhận đơn … ngày …"); the date
  a petition was written ("đơn đề ngày …") is not its receipt and is not taken.

A period written without its year is the latest one that had begun by the reference date (a report
for "tháng 4" received in May 2026 is April 2026). Everything is read on the folded text
(tinbai.textutil.aligned_fold), so a match is a span of the original.
"""

from __future__ import annotations

import calendar as _calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from tinbai.extract.dates.candidates import sentence_bounds
from tinbai.extract.dates.written import NUMERIC_DATE, WORDS_DATE, resolve_year, valid_day_month
from tinbai.textutil import aligned_fold

__all__ = ["Period", "find_conference", "find_period", "find_petition_received"]

WINDOWS = ("month", "quarter", "half_year", "programme")


@dataclass(frozen=True)
class Period:
    """A stretch of time a text names; `end` is what a report window counts from."""

    start: date
    end: date
    source: str  # the words it was read from


_YEAR = r"(?:\s*(?:/|-|\.|,)?\s*(?:nam\s*)?(?P<y>(?:19|20)\d{2})\b)?"
_MONTH = re.compile(r"\bthang\s*(?P<m>0?[1-9]|1[0-2])(?!\d)" + _YEAR)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4, "mot": 1, "nhat": 1, "hai": 2,
          "ba": 3, "bon": 4, "tu": 4}
_QUARTER = re.compile(r"\bquy\s*(?P<q>iv|iii|ii|i|[1-4]|mot|nhat|hai|ba|bon|tu)\b" + _YEAR)
_HALF = re.compile(r"\b(?:6|sau)\s*thang\s*(?P<part>dau|cuoi)\s*(?:cua\s*)?nam" + _YEAR)
# "Báo cáo tổng kết Chương trình … kết thúc ngày 30/6/2026", "… đến hết ngày 31/12/2025"
_ENDS = re.compile(r"\b(?:ket thuc|hoan thanh|den het|den|toi)\s*(?:vao\s*)?(?:ngay\s*)?$")
_SPAN_YEARS = re.compile(r"\b(?:giai doan|nam|tu nam)?\s*(?P<y1>(?:19|20)\d{2})\s*(?:-|–|den|toi)\s*(?:nam\s*)?"
                         r"(?P<y2>(?:19|20)\d{2})\b")
_PROGRAMME = re.compile(r"\b(?:chuong trinh|du an|de an|ke hoach|giai doan)\b")
# words that make a month or quarter the one planned next, not the one reported on
_PLANNED = re.compile(r"\b(?:phuong huong|nhiem vu|ke hoach|du kien|trong tam)\b[^.\n]{0,40}$")
_CONFERENCE = re.compile(r"\b(?:hoi nghi\s*(?:so ket|tong ket)|hoi thao)\b")
# "Bình Phước, ngày 15 tháng 7 năm 2026": a document's issuing line, not the conference
_ISSUED_LINE = re.compile(r"[a-z]\s*,\s*ngay\s*$")
_PETITION = re.compile(r"\b(?:don|kien nghi|phan anh|cau hoi|thac mac|y kien|de nghi|thu)\b")
_RECEIPT = re.compile(r"\b(?:nhan duoc|nhan|tiep nhan|gui den|gui toi|chuyen den|chuyen toi)\b"
                      r"[^.;\n]{0,40}?(?:vao\s*)?(?:ngay\s*)?$")
# "Ngày 06/4/2026, Sở Tư pháp tiếp nhận đơn …": the receipt named after its date
_RECEIPT_AFTER = re.compile(r"^\s*,?[^.;\n]{0,50}?\b(?:nhan duoc|nhan|tiep nhan)\b")
_WRITTEN_ON = re.compile(r"\b(?:de|ghi|lap|viet)\s*ngay\s*$")


def _fold(text: str) -> str:
    return aligned_fold(unicodedata.normalize("NFC", text or "").replace("\r", "\n"))


def _year_for(month: int, written: str | None, ref: date) -> int:
    """The year written, else the latest year in which `month` had begun by `ref`."""
    if written:
        return int(written)
    return ref.year if month <= ref.month else ref.year - 1


def _month_period(m: re.Match[str], text: str, ref: date) -> Period:
    month = int(m["m"])
    year = _year_for(month, m["y"], ref)
    last = _calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), text[m.start():m.end()].strip())


def _quarter_period(m: re.Match[str], text: str, ref: date) -> Period:
    q = _ROMAN[m["q"]]
    first = 3 * (q - 1) + 1
    year = _year_for(first, m["y"], ref)
    last = first + 2
    return Period(date(year, first, 1), date(year, last, _calendar.monthrange(year, last)[1]),
                  text[m.start():m.end()].strip())


def _half_period(m: re.Match[str], text: str, ref: date) -> Period:
    first = 1 if m["part"] == "dau" else 7
    year = _year_for(first, m["y"], ref)
    last = date(year, 6, 30) if first == 1 else date(year, 12, 31)
    return Period(date(year, first, 1), last, text[m.start():m.end()].strip())


def _dates_in(folded: str, lo: int, hi: int, ref: date) -> list[tuple[int, int, date]]:
    """(start, end, day) of every full date between lo and hi ("15/7/2026", "ngày 15 tháng 7 năm 2026")."""
    out = []
    for rx in (NUMERIC_DATE, WORDS_DATE):
        for m in rx.finditer(folded, lo, hi):
            if not valid_day_month(m["d"], m["m"]):
                continue
            day = resolve_year(int(m["d"]), int(m["m"]), m["y"], ref)
            if day is not None:
                out.append((m.start(), m.end(), day))
    return sorted(out)


def _programme_end(text: str, folded: str, ref: date) -> Period | None:
    """The end of the programme, project or scheme a closing report covers."""
    for m in _PROGRAMME.finditer(folded):
        lo, hi = sentence_bounds(folded, m.start())
        for start, end, day in _dates_in(folded, m.start(), hi, ref):
            if _ENDS.search(folded[max(lo, start - 30):start]):
                return Period(day, day, text[start:end].strip())
        span = _SPAN_YEARS.search(folded, m.start(), hi)
        if span:
            y1, y2 = int(span["y1"]), int(span["y2"])
            if y1 <= y2:
                return Period(date(y1, 1, 1), date(y2, 12, 31), text[span.start():span.end()].strip())
    return None


_PATTERNS = {"month": (_MONTH, _month_period), "quarter": (_QUARTER, _quarter_period),
             "half_year": (_HALF, _half_period)}


def find_period(text: str, window: str, ref: date) -> Period | None:
    """The period of kind `window` ("month", "quarter", "half_year", "programme") a report text
    names first, not counting the month or quarter it plans for ("Phương hướng nhiệm vụ tháng 5");
    None when it names none. `ref` (the date the report arrived) completes a missing year."""
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}")
    if not text:
        return None
    text = unicodedata.normalize("NFC", text).replace("\r", "\n")
    folded = _fold(text)
    if window == "programme":
        return _programme_end(text, folded, ref)
    rx, make = _PATTERNS[window]
    for m in rx.finditer(folded):
        if window == "month" and re.search(r"\d\s*$", folded[max(0, m.start() - 4):m.start()]):
            continue  # "ngày 12 tháng 3": a date, not a month
        if window == "month" and re.match(r"\s*(?:dau|cuoi)\b", folded[m.end():]):
            continue  # "6 tháng đầu năm" is read as a half year
        if _PLANNED.search(folded[max(0, m.start() - 60):m.start()]):
            continue
        return make(m, text, ref)
    return None


def find_conference(text: str, ref: date) -> tuple[date, str] | None:
    """The date of the review conference (Hội nghị sơ kết / tổng kết, Hội thảo chuyên đề) a text
    names: the first full date in the sentence of the conference's name; None when none is stated."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text).replace("\r", "\n")
    folded = _fold(text)
    for m in _CONFERENCE.finditer(folded):
        lo, hi = sentence_bounds(folded, m.start())
        dates = [d for d in _dates_in(folded, lo, hi, ref)
                 if not _WRITTEN_ON.search(folded[max(0, d[0] - 12):d[0]])
                 and not _ISSUED_LINE.search(folded[max(0, d[0] - 12):d[0]])]
        if dates:
            start, end, day = min(dates, key=lambda d: abs(d[0] - m.start()))
            return day, text[start:end].strip()
    return None


def find_petition_received(text: str, ref: date) -> tuple[date, str] | None:
    """When the petition (đơn, kiến nghị, phản ánh, câu hỏi…) an answer replies to was received:
    a date right after a receipt verb in a sentence about the petition; None when none is stated."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text).replace("\r", "\n")
    folded = _fold(text)
    for m in _PETITION.finditer(folded):
        lo, hi = sentence_bounds(folded, m.start())
        for start, end, day in _dates_in(folded, lo, hi, ref):
            if day > ref:
                continue
            before = folded[max(lo, start - 60):start]
            received = _RECEIPT.search(before) and not _WRITTEN_ON.search(before[-12:])
            if received or (end < m.start() and _RECEIPT_AFTER.match(folded[end:m.start()])):
                return day, text[start:end].strip()
    return None
