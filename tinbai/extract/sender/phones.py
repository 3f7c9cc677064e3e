"""Phone numbers in a signature, as written (Vietnamese numbering since 2017)."""

from __future__ import annotations

import re

__all__ = ["find_phones"]

_FAX_BEFORE_RE = re.compile(r"fax\s*[:.]?\s*$", re.IGNORECASE)
# a phone number as written: 0208.3854.376, 0208 3854 376, (0271) 3203131, 0912-345-678,
# +84 912 345 678, 84-912-345-678, (+84) 912 345 678
_PHONE_CAND_RE = re.compile(r"(?<![\w/.,+])(?:\(\s*\+?\d{1,4}\s*\)|\+\s?\d)[\d\s.\-()]{5,22}\d(?![\w/])"
                            r"|(?<![\w/.,+])\d[\d\s.\-()]{6,22}\d(?![\w/])")
_PHONE_SPLIT_RE = re.compile(r"\s+[-–/]\s+|\s{2,}|\s*,\s*|\s*;\s*")


def find_phones(text: str, *, labelled: bool = False) -> list[str]:
    """Phone numbers in text, as written (surrounding spaces and punctuation trimmed).

    A Vietnamese number has 10 or 11 digits starting with 0 (mobile 09x/08x/07x/05x/03x,
    landline 02xx since 2017), or the same after +84/84/0084; with a label (labelled=True)
    8-11 digits are accepted (1900/1800 lines, short landlines). Numbers after "Fax" are skipped.
    """
    out: list[str] = []
    for m in _PHONE_CAND_RE.finditer(text):
        if _FAX_BEFORE_RE.search(text[: m.start()]):
            continue
        cand = m.group(0)
        pieces = [cand]
        if not _valid_phone(cand, labelled):
            pieces = [p for p in _PHONE_SPLIT_RE.split(cand) if p]
        for piece in pieces:
            piece = piece.strip(" .-")
            if piece.count("(") != piece.count(")"):
                piece = piece.strip("()").strip()
            if _valid_phone(piece, labelled):
                out.append(piece)
    return out


def _valid_phone(cand: str, labelled: bool) -> bool:
    digits = re.sub(r"\D", "", cand)
    if not digits:
        return False
    if digits.startswith("0084"):
        national = "0" + digits[4:]
    elif digits.startswith("84") and (cand.lstrip("( ").startswith("+") or len(digits) in (11, 12)):
        national = "0" + digits[2:]
    elif cand.lstrip("( ").startswith("+"):
        return False  # a foreign number
    else:
        national = digits
    if re.search(r"\d{4}[./-]\d{1,2}[./-]\d{1,2}$|\d{1,2}[./-]\d{1,2}[./-]\d{4}$", cand):
        return False  # a date
    if national.startswith("0") and 10 <= len(national) <= 11:
        return True
    if not labelled:
        return False
    # after a label: service lines (1900 xxxx, 1800 xxxx) and old 9-digit landlines
    return (national.startswith(("1900", "1800")) and 8 <= len(national) <= 10) or (
        national.startswith("0") and len(national) == 9)
