"""Quoted or collected material must say who wrote it, where and when it first appeared.

thainguyen Art. 11.3, kontum Art. 7.2, hungyen Art. 9.3: information quoted or collected
("trích dẫn", "sưu tầm") from elsewhere names its author, its source and the date it was
first published. The check looks for the ways submissions mark such material — "(Theo báo
Nhân Dân)", a closing line "Theo Cổng TTĐT Chính phủ", "Nguồn: …", "(Sưu tầm)", a press
dateline "(TTXVN) - …", "Xem thêm:" links of a copied web page — and reads the attribution
around the mark. It is a warning for the reviewer, so it stays quiet unless the mark is
plain: "Theo báo cáo …", "Theo đề nghị …" inside a sentence are not attributions, and the
unit's own news ("Tin, ảnh: Nguyễn Văn A") needs none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tinbai.extract.docheader import is_person_name
from tinbai.textutil import aligned_fold

__all__ = ["missing_attribution"]

# press and web sources (folded): a source that publishes, so it has authors and dates
_PRESS = (
    r"(?:bao|tap chi|trang|cong|website|web|dai|thong tan|ttxvn|vtv|vov|vna|vnexpress|vietnamplus|"
    r"dan tri|tuoi tre|thanh nien|nhan dan|qdnd|cand|chinhphu|baochinhphu|tin tuc|lao dong|"
    r"phap luat|plo|zing|znews|kenh|dien dan|blog|facebook|fanpage|youtube|internet|mang xa hoi|"
    r"[a-z0-9\-]+\.(?:vn|com|net|org)|https?:)"
)
_NOT_SOURCE = re.compile(r"^(?:bao cao|bao dam|bao ve|bao gom|bao hiem|trang bi|trang thai|cong tac|cong van|cong dan)\b")
_COLLECTED = re.compile(r"(?:^|[\s(\[\-–:])(?:suu\s*tam|s\.?t\.?)(?=$|[\s)\].\-–])")
_COLLECTED_LINE = re.compile(
    r"^[\s\-–—(\[]*(?:(?:nguon|tin|anh|bai|tin,?\s*anh|bai,?\s*anh|tai lieu|hinh anh)\s*[:\-–]?\s*)?"
    r"(?:suu\s*tam|st|internet|mang internet|tong hop tu internet)[\s)\].\-–]*$"
)
_THEO_PAREN = re.compile(r"\(\s*theo\s+(?P<src>[^()]{2,120})\)")
_THEO_LINE = re.compile(r"^[\s\-–—(\[]*theo\s+(?P<src>.{2,150}?)[\s)\].]*$")
_NGUON = re.compile(r"(?:^|[(\[])\s*nguon\s*(?:tin|bai|anh|trich dan)?\s*:\s*(?P<src>[^()\[\]\n]{2,150})")
_DATELINE = re.compile(rf"^[\s(\[]*(?P<src>{_PRESS}[\w.\- ]{{0,25}}?)[\s)\]]*\s+[-–—]\s+\S")
_COPIED_WEB = re.compile(r"^\s*(?:xem them|doc them|tin lien quan|bai lien quan|tin cung chuyen muc)\s*[:>]?")

_DATE = re.compile(
    r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b|\bngay\s*\d{1,2}\s*thang\s*\d{1,2}"
    r"|\b\d{4}-\d{2}-\d{2}\b|\bthang\s*\d{1,2}\s*[/.\-]\s*\d{4}\b|\b\d{1,2}\s*thang\s*\d{1,2}\s*(?:nam|,)\s*\d{4}"
)
_AUTHOR_LABEL = re.compile(r"\b(?:tac gia|but danh|bai|bai va anh|bai,? anh|tin,? anh|tin|nguoi viet|phong vien|pv|btv|ctv)\s*:")
_REPORTER = re.compile(r"\b(?:phong vien|nhom phong vien|nhom pv|pv|btv|ctv)\b")


@dataclass(frozen=True)
class _Mark:
    line: int  # index of the line holding the mark
    quote: str  # the words of the mark, for the message
    source: str | None  # the named source, None when it names none ("Sưu tầm")


def _lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return [ln.strip() for ln in text.split("\n")]


def _is_press(src_folded: str) -> bool:
    src = src_folded.strip(" .,;:-–")
    if _NOT_SOURCE.match(src):
        return False
    return bool(re.match(_PRESS, src)) or bool(re.search(r"[a-z0-9\-]+\.(?:vn|com|net|org)\b|https?://", src))


def _marks(lines: list[str]) -> list[_Mark]:
    folded = [aligned_fold(ln) for ln in lines]  # same length as the lines: spans are the lines' spans
    found: list[_Mark] = []
    last = max((i for i, f in enumerate(folded) if f), default=-1)
    for i, f in enumerate(folded):
        if not f:
            continue
        short = len(f.split()) <= 18
        if _COLLECTED_LINE.match(f) or re.search(r"\(\s*(?:suu\s*tam|st)\s*\)", f) \
                or re.search(r"\bnguon\s*:\s*(?:suu\s*tam|internet)\b", f):
            found.append(_Mark(i, lines[i], None))
            continue
        for m in _THEO_PAREN.finditer(f):
            if _is_press(m["src"]):
                found.append(_Mark(i, lines[i][m.start():m.end()], m["src"]))
        m = _THEO_LINE.match(f)
        # a closing line "Theo báo Nhân Dân", not "Theo báo cáo, …" inside the story
        if m and short and _is_press(m["src"]) and (i >= last - 3 or i <= 2):
            found.append(_Mark(i, lines[i], m["src"]))
        m = _NGUON.search(f)
        if m and short:
            src = m["src"].strip()
            if _COLLECTED.search(" " + src) or src.startswith(("internet", "mang")):
                found.append(_Mark(i, lines[i], None))
            elif _is_press(src):
                found.append(_Mark(i, lines[i], src))
        m = _DATELINE.match(f)
        if m and not short:
            found.append(_Mark(i, lines[i][:m.end("src") + 2].strip(), m["src"]))
    if any(_COPIED_WEB.match(f) for f in folded) and not found:
        i = next(i for i, f in enumerate(folded) if _COPIED_WEB.match(f))
        found.append(_Mark(i, lines[i], None))
    return found


_CAPITALISED_RUN = re.compile(r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){1,4}")


def _has_name(s: str, *, alone: bool = False) -> bool:
    """A person's name: "Nguyễn Văn An" anywhere, or a pen name ("Minh Anh") alone on its line."""
    s = unicodedata.normalize("NFC", s)
    if alone and re.fullmatch(r"[\s\-–(]*" + _CAPITALISED_RUN.pattern + r"[\s\-–).,]*", s):
        return True
    return any(is_person_name(m.group()) or is_person_name(" ".join(m.group().split()[-4:]))
               for m in _CAPITALISED_RUN.finditer(s))


def _short(line: str) -> bool:
    return 0 < len(line.split()) <= 8


def _complete(mark: _Mark, lines: list[str]) -> tuple[bool, bool, bool]:
    """(author, source, date) named by the mark's line and the short lines right by it
    (an author's line above "(Theo …)", "Nguồn: …" under "Bài: …")."""
    near = [lines[i] for i in (mark.line - 1, mark.line + 1) if 0 <= i < len(lines) and _short(lines[i])]
    own = lines[mark.line]
    if mark.source:  # the source's own words are not an author ("Theo báo Thanh Niên")
        folded_own = aligned_fold(unicodedata.normalize("NFC", own))
        start = folded_own.find(aligned_fold(mark.source))
        if start >= 0:
            own = own[:start] + " " + own[start + len(mark.source):]
    folded = aligned_fold(" ".join([lines[mark.line], *near]))
    # what the line holds besides the mark: "Minh Anh (Theo baochinhphu.vn, 14/4/2026)"
    beside = lines[mark.line].replace(mark.quote, " ") if mark.quote != lines[mark.line] else ""
    author = bool(_AUTHOR_LABEL.search(folded) or _REPORTER.search(folded)) \
        or _has_name(own) or _has_name(beside, alone=True) or any(_has_name(n, alone=True) for n in near)
    date_ok = bool(_DATE.search(folded))
    return author, mark.source is not None, date_ok


def missing_attribution(text: str) -> str | None:
    """A Vietnamese detail when quoted or collected material lacks author, source or date.

    None when the text marks no quoted or collected material (the unit's own news) or when
    the material names all three (thainguyen Art. 11.3, kontum Art. 7.2, hungyen Art. 9.3).
    """
    if not text or not text.strip():
        return None
    lines = _lines(text)
    for mark in _marks(lines):
        author, source, date_ok = _complete(mark, lines)
        missing = [w for w, ok in (("tác giả", author), ("nguồn", source),
                                   ("thời gian đăng tải lần đầu", date_ok)) if not ok]
        if missing:
            quote = " ".join(mark.quote.split())
            quote = quote if len(quote) <= 80 else quote[:77] + "…"
            return (f"Thông tin trích dẫn, sưu tầm (\u201c{quote}\u201d) chưa ghi rõ "
                    f"{', '.join(missing)}")
    return None
