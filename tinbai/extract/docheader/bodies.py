"""The issuing body and its parent: the upper-case left column above the number (NĐ 30/2020 Phụ lục I, ô 2)."""

from __future__ import annotations

import re

from tinbai.lexicon import ADMINISTRATIVE_UNITS, SURNAME_UNIT_HEADS, UNIT_HEADS, alternation_folded
from tinbai.parsers.vietnamese import is_vietnamese_syllable
from tinbai.textutil import aligned_fold

__all__ = ["clean_body_line", "group_bodies"]

# Words that start a new body in the left column (a line without one continues the body above).
_BODY_HEADS = re.compile(r"^(?:" + alternation_folded(UNIT_HEADS + SURNAME_UNIT_HEADS) + r")\b")
# Administrative units: a line starting with one continues the body above ("TỈNH THÁI NGUYÊN").
_LOCALITY = re.compile(r"^(?:" + alternation_folded(ADMINISTRATIVE_UNITS) + r")\b")


def _is_abbreviation(tok: str) -> bool:
    """UBND, THADS, HĐND, TW, TP.: an upper-case abbreviation rather than OCR noise."""
    word = tok.strip("().,")
    return 2 <= len(word) <= 8 and word.isalpha() and word.isupper() and "-" not in tok


def clean_body_line(text: str, place: str | None) -> str:
    """Drop the specks of the right column OCR appends to a left-column line.

    Words of a body name are Vietnamese syllables or abbreviations (UBND, THADS); the first
    token that is neither (digits, "==", "BE...", "SIEINEOEORNSE-HTT…") ends the name. When
    the place of the date line ("Hải Dương") is in the line, the name ends with it.
    """
    out: list[str] = []
    for tok in text.split():
        word = tok.strip("().,;:'\"“”‘’_")
        if not word:
            continue
        if word in ("-", "–", "&"):
            out.append(word)
            continue
        if not word.replace("-", "").isalpha() or tok.endswith(".."):
            if out:
                break
            continue  # a speck before the name ("* SỞ TƯ PHÁP")
        if not out and not word.isupper():
            continue  # a speck before the name ("5 sÝ SỞ TƯ PHÁP")
        if is_vietnamese_syllable(word) or _is_abbreviation(word):
            out.append(word)
        elif out:
            break
    cleaned = " ".join(out).strip(" -–&")
    if place:
        index = [i for i, c in enumerate(aligned_fold(cleaned)) if c.isalnum()]
        squeezed = "".join(aligned_fold(cleaned)[i] for i in index)
        words = place.split()
        # the place's last words ("Tin Thái Nguyên" read with a speck before it: "Thái Nguyên")
        for k in range(len(words)):
            key_place = re.sub(r"[^a-z0-9]", "", aligned_fold(" ".join(words[k:])))
            hit = squeezed.find(key_place) if len(key_place) >= 4 else -1
            if hit >= 0:
                cleaned = cleaned[:index[hit + len(key_place) - 1] + 1]
                break
    return cleaned.strip(" -–&")


def group_bodies(lines: list[str]) -> list[str]:
    """Left-column lines -> bodies: "THI HÀNH ÁN DÂN SỰ" + "TỈNH THÁI NGUYÊN" is one body."""
    groups: list[list[str]] = []
    for text in lines:
        key = " ".join(aligned_fold(text).split())
        starts_body = bool(_BODY_HEADS.match(key)) and not _LOCALITY.match(key)
        if key.startswith(("tinh uy", "thanh uy", "huyen uy", "quan uy", "thi uy")):
            starts_body = True
        if not groups or (starts_body and not _continues(groups[-1][-1])):
            groups.append([text])
        else:
            groups[-1].append(text)
    return [" ".join(g) for g in groups]


def _continues(previous: str) -> bool:
    """A body line ending with a connective continues on the next line ("… VÀ")."""
    return aligned_fold(previous).split()[-1:] in (["va"], ["cua"], ["-"], ["&"])
