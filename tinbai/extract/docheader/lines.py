"""The lines of a header, with the right column (quốc hiệu, tiêu ngữ, place and date) cut out.

OCR reads the two columns line by line, so one line may carry the left and the right column;
table cells and wide gaps are lines of their own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tinbai.extract.docheader.issued import PlaceDate, parse_issued_line
from tinbai.extract.docheader.number import NUMBER_RE
from tinbai.extract.docheader.text import spaced_pattern
from tinbai.textutil import aligned_fold

__all__ = ["Line", "analyse_line", "split_cells"]

# Right column of the header: quốc hiệu and tiêu ngữ (NĐ 30/2020 Phụ lục I, ô 1); a Party
# body writes "ĐẢNG CỘNG SẢN VIỆT NAM" there instead.
_QUOC_HIEU = re.compile("|".join([
    spaced_pattern("cong hoa xa hoi chu nghia") + r"(?:\s*" + spaced_pattern("viet nam") + ")?",
    spaced_pattern("xa hoi chu nghia viet nam"),
    spaced_pattern("cong hoa xa hoi"),
    spaced_pattern("dang cong san viet nam"),
]))
_DASH = r"[\s\-–—_.,~]*"
_MOTTO = re.compile("|".join([
    spaced_pattern("doc lap") + _DASH + spaced_pattern("tu do") + _DASH + spaced_pattern("hanh phu") + "c?",
    spaced_pattern("tu do") + _DASH + spaced_pattern("hanh phuc"),
    spaced_pattern("doc lap") + _DASH + spaced_pattern("tu do"),
]))


@dataclass
class Line:
    text: str  # the original line (NFC)
    left: str = ""  # what is left when the right-column pieces are cut out
    right: list[str] | None = None  # the right-column pieces cut out (in order)
    quoc_hieu: bool = False
    place_date: PlaceDate | None = None
    number: re.Match[str] | None = None


def split_cells(text: str) -> list[str]:
    """Lines, with table cells and wide gaps (two columns kept apart) as separate lines."""
    out: list[str] = []
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text).replace("\xa0", " ")
    for raw in text.split("\n"):
        for cell in re.split(r"\t+| {3,}| \| ", raw):
            cell = cell.strip()
            if cell:
                out.append(cell)
    return out


def analyse_line(text: str) -> Line:
    """Cut the right column (quốc hiệu, tiêu ngữ, place and date) out of one line.

    OCR reads left to right, so on a line holding both columns the left column comes first:
    what precedes the first right-column piece is the left column.
    """
    line = Line(text=text, right=[])
    folded = aligned_fold(text)
    spans: list[tuple[int, int]] = []
    for rx in (_QUOC_HIEU, _MOTTO):
        for m in rx.finditer(folded):
            spans.append((m.start(), m.end()))
            line.quoc_hieu = True
    pd = parse_issued_line(text)
    if pd is not None:
        line.place_date = pd
        spans.append((pd.start, pd.end))
    line.number = NUMBER_RE.search(text)
    if not spans:
        line.left = text
        return line
    spans.sort()
    line.left = text[:spans[0][0]].strip(" _-–—~|:;,.")
    line.right = [text[spans[0][0]:].strip()]
    return line
