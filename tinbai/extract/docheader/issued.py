"""The issuing line: "Thái Nguyên, ngày 28 tháng 4 năm 2026" (NĐ 30/2020 Phụ lục I, ô 4)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from tinbai.lexicon import NOT_PLACE_WORDS
from tinbai.textutil import aligned_fold

__all__ = ["PlaceDate", "parse_issued_line"]

# "<Place>, ngày 28 tháng 4 năm 2026" / "ngày 5/1/2025" (on the folded text).
_DATE_AFTER_NGAY = re.compile(
    r"ng\s*a\s*y\s*(?P<d>\d{1,2})\s*(?:th\s*a\s*ng|[/.\-])\s*(?P<m>\d{1,2})\s*(?:n\s*a\s*m|[/.\-])\s*(?P<y>\d{4})"
)
_NGAY = re.compile(r"(?<![a-z])ng\s*a\s*y(?=\s*\d)")


@dataclass(frozen=True)
class PlaceDate:
    start: int  # span in the line (the place included)
    end: int
    place: str | None
    issued: date


def _is_title_word(tok: str) -> bool:
    """"Nguyên", "Hà", "TP.", "Tp." — a capitalised word as place names are written."""
    word = tok.rstrip(".,")
    if word in ("TP", "Tp", "TX", "Tx"):
        return True
    return bool(word) and word.isalpha() and word[0].isupper() and (len(word) == 1 or not word[1:].isupper())


_NOT_PLACE = frozenset(word for words in NOT_PLACE_WORDS for word in aligned_fold(words).split())


def _place_before(line: str, pos: int) -> tuple[int, str | None]:
    """The place name written just before position `pos` ("Thái Nguyên, ngày …")."""
    offset = max(0, pos - 120)  # a place name is a few words: look no further back
    head = line[offset:pos].rstrip()
    comma = head.endswith(",")
    head = head.rstrip(",").rstrip()
    tokens = list(re.finditer(r"\S+", head))
    taken: list[re.Match[str]] = []
    for m in reversed(tokens):
        tok = m.group()
        if _is_title_word(tok) or (tok in "-–" and taken):
            taken.append(m)
            if len(taken) >= 6:
                break
        else:
            break
    # "Sáng ngày 15/7", "Vào lúc … ngày": words of time, not a place
    while taken and (taken[-1].group() in "-–" or aligned_fold(taken[-1].group().rstrip(".,")) in _NOT_PLACE):
        taken.pop()
    if not taken:
        return pos, None
    start = taken[-1].start()
    # without the comma, only a place of two words or more that opens the line (OCR may drop it)
    if not comma and (head[:start].strip() or offset > 0 or len(taken) < 2):
        return pos, None
    place = " ".join(m.group() for m in reversed(taken))
    return offset + start, place


def parse_issued_line(line: str) -> PlaceDate | None:
    """"Thái Nguyên, ngày 28 tháng 4 năm 2026" (anywhere in the line) -> place and date.

    NĐ 30/2020 Phụ lục I, ô 4: địa danh, ngày … tháng … năm …; a date after "ngày" with no
    place before it (a law cited in the body) is not an issuance line.
    """
    line = unicodedata.normalize("NFC", line)
    folded = aligned_fold(line)
    for m in _NGAY.finditer(folded):
        dm = _DATE_AFTER_NGAY.match(folded, m.start())
        if not dm:
            continue
        try:
            issued = date(int(dm["y"]), int(dm["m"]), int(dm["d"]))
        except ValueError:
            continue
        start, place = _place_before(line, m.start())
        if place is None:
            continue
        return PlaceDate(start, dm.end(), place, issued)
    return None
