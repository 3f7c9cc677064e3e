"""The shape of a Vietnamese person's full name ("Nguyễn Văn An", "NGUYỄN VĂN AN", "Nguyen Van An").

A name is a few capitalised words that name no unit, title or role mailbox; the family names,
the middle names and the words that are no one's name are the lexicon's (tinbai.lexicon).
"""

from __future__ import annotations

import re

from tinbai.extract.sender.words import (
    CLOSING_RE,
    FAMILY_KEYS,
    FAMILY_KEYS_ASCII,
    GREETING_RE,
    PLACE_KEYS,
    PLACE_KEYS_ASCII,
    TITLE_RE,
    UNIT_RE,
    is_ascii_letters,
    match_start,
)
from tinbai.lexicon import (
    MIDDLE_NAMES,
    NAME_LIKE_ASCII,
    NOT_NAME_ASCII,
    NOT_NAME_PHRASES,
    NOT_NAME_TOKENS,
    alternation,
)
from tinbai.textutil import ascii_key, casefold_key, nfc

__all__ = ["known_family", "looks_like_person_name", "name_shape"]

_NOT_NAME_RE = re.compile(r"(?<!\w)(?:" + alternation(NOT_NAME_PHRASES) + r")(?!\w)")
_NOT_NAME_ASCII_RE = re.compile(r"(?<!\w)(?:" + alternation(NOT_NAME_ASCII) + r")(?!\w)")
_NOT_NAME_ASCII_FAMILY_RE = re.compile(
    r"(?<!\w)(?:" + alternation(p for p in NOT_NAME_ASCII if p not in NAME_LIKE_ASCII) + r")(?!\w)")
_HONORIFIC_RE = re.compile(r"^(?:(?:pgs|gs|ts|ths|th\.s|cn|ks|bs|ls|ncs|mr|ms|mrs|bà)\.?\s+|(?:pgs|gs|ts|ths|cn|ks|bs|ls|ncs)\.)+(?=\S)",
                           re.IGNORECASE)
_NAME_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[^\W\d_]['’]")


def looks_like_person_name(text: str | None, *, strict: bool = False) -> str | None:
    """The name as it should be reported, when text looks like a Vietnamese person's full name.

    2-5 capitalised words of letters (ALL CAPS and names typed without diacritics count; an
    ALL-CAPS name is returned in title case); nothing that names a unit, a title or a role
    mailbox ("Văn phòng Cục THADS", "Ban Biên tập", "admin"). With strict, the first word must
    also be a known family name (used for lines of a signature whose role is not clear).
    """
    return name_shape(text, strict=strict, roles=True)


def name_shape(text: str | None, *, strict: bool, roles: bool) -> str | None:
    """looks_like_person_name; with roles=False a text that also reads as a title or unit
    (possible only without diacritics: "Truong Van Phong") is not rejected for it."""
    if not text:
        return None
    t = " ".join(nfc(text).split()).strip(" \t*•·|,;:-–—_\"'“”()[]")
    t = re.sub(r"[.!]+$", "", t).strip()
    t = _HONORIFIC_RE.sub("", t).strip()
    if not t or "@" in t or any(ch.isdigit() for ch in t):
        return None
    tokens = t.split()
    if not 2 <= len(tokens) <= 5:
        return None
    if not all(_NAME_TOKEN_RE.fullmatch(tok) for tok in tokens):
        return None
    letters = [ch for ch in t if ch.isalpha()]
    if all(ch.isupper() for ch in letters) and len(letters) > 2:
        t = t.title()
        tokens = t.split()
    elif all(ch.islower() for ch in letters):
        # "nguyen van a" as some webmail users write it: only with a known family name
        if ascii_key(tokens[0]) not in FAMILY_KEYS_ASCII:
            return None
        t = t.title()
        tokens = t.split()
    for tok in tokens:
        if not tok[0].isupper() or (len(tok) > 1 and not tok[1:].replace("'", "").replace("’", "").islower()
                                    and not re.fullmatch(r"[^\W\d_]['’][A-ZÀ-Ỹ][^\W\d_]*", tok)):
            return None
    key = casefold_key(t)
    keys = key.split()
    if any(tok in NOT_NAME_TOKENS for tok in keys):
        return None
    if key in PLACE_KEYS or (is_ascii_letters(t) and ascii_key(t) in PLACE_KEYS_ASCII):
        return None
    # after a family name and the middle name "Văn"/"Thị" come given names: "Nguyễn Văn Thư"
    # is a person even though "văn thư" is a title
    family_first = keys[0] in FAMILY_KEYS or (is_ascii_letters(t) and ascii_key(keys[0]) in FAMILY_KEYS_ASCII)
    start = 0
    if family_first and len(keys) >= 3:
        start = 2 if keys[1] in MIDDLE_NAMES else 1
    rest = " ".join(keys[start:])
    if is_ascii_letters(t):
        pattern = _NOT_NAME_ASCII_FAMILY_RE if family_first else _NOT_NAME_ASCII_RE
        if pattern.search(ascii_key(rest)):
            return None
    elif _NOT_NAME_RE.search(rest):
        return None
    for pattern in (TITLE_RE, UNIT_RE) if roles else ():
        m = match_start(pattern, t)
        # "Văn Thư", "Phòng Nghiệp Vụ", "Phó Giám Đốc"; but "Vu Van An" (Vũ, not "Vụ") and
        # "Truong Thi Hoa" (Trương, not "Trường") are people typed without diacritics
        if m and not (family_first and len(m.group(0).split()) == 1):
            return None
    if match_start(CLOSING_RE, t) and not family_first:
        return None  # "Trân Trọng", "Thân Ái", "Viele Grüsse"
    if match_start(GREETING_RE, t) and not family_first:
        return None  # "Tag Max", "Dear Nam", "Guten Tag"
    if strict and casefold_key(tokens[0]) not in FAMILY_KEYS and ascii_key(tokens[0]) not in FAMILY_KEYS_ASCII:
        return None
    return t


def known_family(name: str) -> bool:
    first = name.split()[0]
    return casefold_key(first) in FAMILY_KEYS or (is_ascii_letters(name) and ascii_key(first) in FAMILY_KEYS_ASCII)
