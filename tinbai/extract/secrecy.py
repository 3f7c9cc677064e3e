"""State-secret marks ("độ mật"): MẬT, TỐI MẬT, TUYỆT MẬT, read from text.

A document classified as a state secret carries its mark as a red boxed stamp placed under its
number and symbol (the national rule on state-secret documents; none of the five regulations
describes the stamp), or a field "Độ mật: …" in a form. Such a document must never be posted
(thainguyen/haiduong Art. 4.1 and 10.2.c, binhphuoc Art. 12.3.b, kontum Art. 4.1 and 7.1.c,
hungyen Art. 4.1 and 9.2) and must not travel through the portal's mailbox at all.

A mark is a mark only where a mark stands: a line or a cell of the document's header that says
nothing else, in capitals; a field "Độ mật: Mật"; a mark set apart in the email's subject
("[MẬT] …", "… - TỐI MẬT"); a line of its own in the email's body. The word inside ordinary
text is not a mark: "mật khẩu", "giữ bí mật thông tin", "bảo vệ bí mật nhà nước" in a sentence,
nor "BÍ MẬT NHÀ NƯỚC" in a capitalised title. Urgency marks (KHẨN, THƯỢNG KHẨN, HỎA TỐC) are
stamped the same way and are not secrecy marks; a cell holding both ("MẬT, KHẨN") is secret.

The stamp on a scanned page is found by its shape and colour in the workers
(tinbai.extract.seal.boxed) and its word read with `level_of_mark`; this module is pure.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from tinbai.report import SecrecyMark
from tinbai.textutil import aligned_fold

__all__ = ["LEVELS", "level_of_mark", "marks_in_body", "marks_in_document", "marks_in_subject"]

LEVELS = ("TUYỆT MẬT", "TỐI MẬT", "MẬT")  # folded: "tuyet mat", "toi mat", "mat"
_SECRET = {"tuyet mat": "TUYỆT MẬT", "toi mat": "TỐI MẬT", "mat": "MẬT"}
_URGENT = {"hoa toc", "thuong khan", "khan"}
HEADER_LINES = 25  # a document's header (its number and the stamp under it) is within its first lines
# what frames a stamp's word in text: box lines, brackets, quotes, OCR's reading of the frame
_FRAME = "[](){}|<>«»\"'*_=~“”‘’.:;,!-–—"
_CELLS = re.compile(r"\t+| {3,}| \| ")
_TOKENS = re.compile(r"\s*[,;/+&\-–—]\s*|\s+va\s+")
_FIELD = re.compile(r"^\W*do mat\s*[:\-–]\s*(?P<level>tuyet mat|toi mat|mat)\b")
# a mark set apart in a subject: at its start or end, or between brackets, bars, dashes or colons
_SUBJECT_MARK = re.compile(
    r"(?:^|[\[({|:\-–—]\s*)(?P<level>TUYỆT MẬT|TỐI MẬT|MẬT)(?=\s*(?:[\])}|:\-–—]|$))")


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def level_of_mark(text: str, *, capitals: bool = True) -> str | None:
    """The secrecy level when `text` is nothing but marks ("MẬT", "[TỐI MẬT]", "MẬT - KHẨN"), None
    otherwise (ordinary words, an urgency mark alone). With `capitals`, the mark must be written
    in capitals, as the stamp and a header print it. Without, `text` is OCR's reading of a
    stamp's word: Tesseract may double a diacritic or take Ậ for Ặ ("MẶẬT", "TÔI MẠT"), so the
    reading is matched to the nearest of the six marks instead (difflib), secrecy or urgency."""
    text = _nfc(text).strip().strip(_FRAME).strip()
    if not text or len(text) > 30:
        return None
    if not capitals:
        return _nearest_mark(text)
    if any(ch.isalpha() and not ch.isupper() for ch in text):
        return None
    level = None
    for token in _TOKENS.split(aligned_fold(text.lower())):
        token = " ".join(token.strip(_FRAME).split())
        if token in _SECRET:
            level = level or _SECRET[token]
        elif token not in _URGENT:
            return None
    return level


MIN_LIKENESS = 0.75  # an OCR reading this close to a mark's letters is that mark


def _nearest_mark(text: str) -> str | None:
    key = " ".join(re.sub(r"[^a-z ]", " ", aligned_fold(text.lower())).split())
    if not key:
        return None
    marks = [*_SECRET, *_URGENT]
    likeness = {m: SequenceMatcher(None, key, m).ratio() for m in marks}
    best = max(marks, key=lambda m: likeness[m])
    return _SECRET.get(best) if likeness[best] >= MIN_LIKENESS else None


def _field(line: str) -> str | None:
    m = _FIELD.match(aligned_fold(line.lower()))
    return _SECRET[m["level"]] if m else None


def _line_marks(lines: list[str]) -> list[tuple[str, str]]:
    """(level, the words) of each line or cell that is a mark, or a field "Độ mật: …"."""
    found = []
    for line in lines:
        level = _field(line.strip())
        if level:
            found.append((level, line.strip()))
            continue
        for cell in _CELLS.split(line):
            level = level_of_mark(cell)
            if level:
                found.append((level, cell.strip()))
    return found


def marks_in_document(text: str, attachment: str) -> list[SecrecyMark]:
    """The marks in a document's header: its first HEADER_LINES lines, where the number and the
    stamp under it stand (a scan's OCR text starts with its header too)."""
    lines = [ln for ln in _nfc(text).replace("\r", "\n").split("\n") if ln.strip()][:HEADER_LINES]
    return [SecrecyMark(level=level, where="document", attachment=attachment, source=words)
            for level, words in _line_marks(lines)]


def marks_in_body(body: str) -> list[SecrecyMark]:
    """Marks standing on a line of their own in the email's body (a pasted document's header)."""
    lines = [ln for ln in _nfc(body).replace("\r", "\n").split("\n") if ln.strip() and not ln.lstrip().startswith(">")]
    return [SecrecyMark(level=level, where="body", source=words) for level, words in _line_marks(lines)]


def marks_in_subject(subject: str) -> list[SecrecyMark]:
    """A mark set apart in the subject ("[MẬT] Báo cáo …", "Công văn số 12/STP - TỐI MẬT")."""
    subject = _nfc(subject)
    out = [SecrecyMark(level=m["level"], where="subject", source=m["level"]) for m in _SUBJECT_MARK.finditer(subject)]
    level = _field(subject)
    if level:
        out.append(SecrecyMark(level=level, where="subject", source=subject.strip()))
    return out
