"""The lexicon's words as the signature reader matches them: titles, units, closings, labels.

Patterns built once from tinbai.lexicon (each word as written and typed without diacritics),
and the small helpers every part of the reader uses on a signature's values.
"""

from __future__ import annotations

import re

from tinbai.lexicon import (
    CLOSINGS,
    FAMILY_NAMES,
    GREETINGS,
    LABELS,
    PLACE_NAMES,
    TITLE_BASES,
    TITLE_EMBEDDED_UNIT,
    TITLE_MODIFIERS,
    UNIT_HEADS,
    alternation,
    alternation_with_ascii,
)
from tinbai.textutil import ascii_key, casefold_key, nfc, strip_diacritics

__all__ = [
    "BARE_HEAD_RE", "BULLET_RE", "CLOSING_RE", "GLUED_CLOSING_RE", "GREETING_RE", "EMBEDDED_UNITS", "FAMILY_KEYS", "FAMILY_KEYS_ASCII", "LABEL_RE", "MID_LABEL_RE",
    "PHONE_LABEL_RE", "PLACE_KEYS", "PLACE_KEYS_ASCII", "TITLE_RE", "UNIT_RE", "WORD_END", "clean_value",
    "is_ascii_letters", "label_field", "match_start",
]

FAMILY_KEYS = frozenset(casefold_key(n) for n in FAMILY_NAMES)
FAMILY_KEYS_ASCII = frozenset(ascii_key(n) for n in FAMILY_KEYS)
PLACE_KEYS = frozenset(casefold_key(n) for n in PLACE_NAMES)
PLACE_KEYS_ASCII = frozenset(ascii_key(n) for n in PLACE_KEYS)

WORD_END = r"(?![^\W_])"  # the word ends here
TITLE_RE = re.compile(
    r"(?:(?:q\.|quyền|phó)\s*)?(?:" + alternation_with_ascii(TITLE_BASES) + ")" + WORD_END
    + r"(?:\s+(?:" + alternation_with_ascii(TITLE_MODIFIERS) + ")" + WORD_END + ")*",
    re.IGNORECASE)
BARE_HEAD_RE = re.compile(r"(?:phó\s+)?trưởng\s+|(?:pho\s+)?truong\s+|phó\s+|pho\s+", re.IGNORECASE)
UNIT_RE = re.compile(r"(?:" + alternation_with_ascii(UNIT_HEADS) + ")" + WORD_END, re.IGNORECASE)
EMBEDDED_UNITS = [(re.compile(p + "|" + ascii_key(p), re.IGNORECASE), unit) for p, unit in TITLE_EMBEDDED_UNIT]
CLOSING_RE = re.compile(r"(?:" + alternation_with_ascii(CLOSINGS) + ")" + WORD_END, re.IGNORECASE)
GREETING_RE = re.compile(r"(?:" + alternation_with_ascii(GREETINGS) + ")" + WORD_END, re.IGNORECASE)
# a closing glued to the end of a sentence: "Phòng gửi tin bài đính kèm. Trân trọng!"
GLUED_CLOSING_RE = re.compile(r"[.!?…]\s+(?:" + alternation_with_ascii(CLOSINGS) + r")" + WORD_END + r"[\s!.,;:]*$",
                              re.IGNORECASE)
# the marks a list or a quote puts before a line: "- Họ và tên: …", "• Chức vụ: …", "> …"
BULLET_RE = re.compile(r"^(?:[*•·>◦▪➢]\s*|[-+–](?=\s)\s*)+")

_LABEL_FIELD: dict[str, str] = {}
for _f, _words in LABELS.items():
    for _w in _words:
        _LABEL_FIELD.setdefault(casefold_key(_w), _f)
        _LABEL_FIELD.setdefault(ascii_key(_w), _f)
_ALL_LABELS = alternation(_LABEL_FIELD)
# a label at the start of a piece: "Họ và tên:", "Điện thoại (cơ quan):", "Họ và tên | …" (table cell)
LABEL_RE = re.compile(
    r"(?P<label>(?:" + _ALL_LABELS + r")" + WORD_END + r"(?:\s*[/,&]\s*(?:" + _ALL_LABELS + r")" + WORD_END + r")*)\s*(?:\([^()]{0,30}\)\s*)?(?:[:：]\s*(?:\|\s*)?|\|\s*|$)",
    re.IGNORECASE)


def label_field(label: str) -> str | None:
    """The field of a label; "Đơn vị/Cơ quan", "Điện thoại/Fax": the first that is not ignored."""
    whole = _LABEL_FIELD.get(casefold_key(label)) or _LABEL_FIELD.get(ascii_key(label))
    if whole:
        return whole
    parts = [_LABEL_FIELD.get(casefold_key(p)) or _LABEL_FIELD.get(ascii_key(p)) for p in re.split(r"\s*[/,&]\s*", label)]
    return next((f for f in parts if f and f != "ignore"), next((f for f in parts if f), None))


# a label after a separator, later in a line: "… - Email: …", "…, ĐT: …"
MID_LABEL_RE = re.compile(
    r"(?:^|(?<=\s)|(?<=[,;|]))(?:" + _ALL_LABELS + r")" + WORD_END + r"\s*(?:\([^()]{0,30}\)\s*)?[:：]",
    re.IGNORECASE)
_PHONE_LABEL = alternation_with_ascii(LABELS["phone"])
PHONE_LABEL_RE = re.compile(r"(?<![^\W_])(?:" + _PHONE_LABEL + r")" + WORD_END + r"\.?\s*(?:\([^()]{0,20}\)\s*)?[:：.]?\s*",
                            re.IGNORECASE)


def clean_value(value: str | None) -> str | None:
    """Collapse spaces and trim punctuation a signature puts around a value."""
    if value is None:
        return None
    value = " ".join(nfc(value).split())
    value = value.strip(" \t*•·|,;:-–—_\"'“”")
    value = re.sub(r"[.!]+$", "", value).strip()
    return value or None


def is_ascii_letters(text: str) -> bool:
    """No Vietnamese diacritics at all (typed without marks)."""
    return strip_diacritics(text) == text


def match_start(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    m = pattern.match(text)
    if m and m.group(0).strip():
        return m
    return None
