"""Keys and letter counts for the text of a header, which OCR may have read.

The header is matched on its folded form (tinbai.textutil.aligned_fold: lower case, no
diacritics, đ -> d, one character for one), compared by its letters and digits alone
("DÂNSỰ" == "Dân sự"), and told upper case from lower case by the share of its letters.
"""

from __future__ import annotations

import re
import unicodedata

from tinbai.textutil import aligned_fold

__all__ = ["is_upper_line", "letters_of", "spaced_pattern", "squeezed_key", "upper_ratio"]


def squeezed_key(text: str) -> str:
    """A comparison key: folded, letters and digits only ("DÂNSỰ" == "Dân sự")."""
    return re.sub(r"[^a-z0-9]", "", aligned_fold(unicodedata.normalize("NFC", text)))


def spaced_pattern(phrase: str) -> str:
    """A regex for `phrase` (folded) that tolerates any spaces between its letters (OCR)."""
    return r"\s*".join(re.escape(c) for c in phrase.replace(" ", ""))


def letters_of(s: str) -> str:
    return "".join(c for c in s if c.isalpha())


def upper_ratio(s: str) -> float:
    letters = letters_of(s)
    if not letters:
        return 0.0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def is_upper_line(s: str) -> bool:
    return len(letters_of(s)) >= 3 and upper_ratio(s) >= 0.75
