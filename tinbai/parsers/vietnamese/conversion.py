"""Conversion between Unicode and the byte views of TCVN3 and VNI, word by word.

TCVN3 capitals with tones are the lowercase bytes drawn by an "H" font: the case of
such a word is told by its plain letters and its neighbours.
"""

from __future__ import annotations

import unicodedata

from tinbai.parsers.vietnamese.syllables import is_vietnamese_syllable
from tinbai.parsers.vietnamese.tables import (
    C1_MAP,
    TCVN3_COMBINING,
    TCVN3_DECODE,
    TCVN3_ENCODE,
    TCVN3_LETTER_CODES,
    VNI_ENCODE,
    VNI_PAIRS,
    VNI_SINGLES,
)
from tinbai.parsers.vietnamese.words import beyond_legacy, normalize, split_words


def _decode_tcvn3(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch in TCVN3_COMBINING and out and out[-1].isalpha():
            out.append(TCVN3_COMBINING[ch])
        else:
            out.append(TCVN3_DECODE.get(ch) or C1_MAP.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


def _decode_vni(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in VNI_PAIRS:  # VNI sequences are at most two bytes: greedy is exact
            out.append(VNI_PAIRS[pair])
            i += 2
            continue
        ch = text[i]
        out.append(VNI_SINGLES.get(ch) or C1_MAP.get(ch, ch))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


DECODERS = {"tcvn3": _decode_tcvn3, "vni": _decode_vni}


def _caps_level(token: str) -> int:
    """How sure we are that a TCVN3 word was typed in capitals.

    Toned capitals are lowercase bytes drawn by an H font ("TH«NG" = "THÔNG"), so the
    plain letters tell the case: 2 = two or more plain capitals next to a legacy letter,
    1 = a lone plain capital or none ("Vô", "¸"), which only its neighbours can settle,
    0 = a plain lowercase letter ("Th«ng").
    """
    plain = [c for c in token if c.isascii() and c.isalpha()]
    if any(c.islower() for c in plain):
        return 0
    if len(plain) >= 2 and any(c in TCVN3_LETTER_CODES for c in token):
        return 2
    return 1


def convert_token(token: str, encoding: str) -> str:
    converted = DECODERS[encoding](token)
    if encoding == "tcvn3" and _caps_level(token) == 2:
        converted = converted.upper()
    return converted


def _upper_words(pieces: list[tuple[str, bool]], encoding: str, capitals: bool) -> set[int]:
    """Indices of the word pieces to write in capitals.

    A sure capital word (level 2) makes its unsure neighbours (level 1) capitals, along a
    chain of them, but not across a line break: "TËP HUÊN NGHIÖP Vô" is one heading.
    """
    if capitals:
        return {i for i, (_, w) in enumerate(pieces) if w}
    if encoding != "tcvn3":
        return set()
    levels = {i: _caps_level(p) for i, (p, w) in enumerate(pieces) if w}
    upper = {i for i, level in levels.items() if level == 2}
    for start in sorted(upper):
        for step in (-1, 1):
            i = start + step
            while 0 <= i < len(pieces) and "\n" not in pieces[i][0]:
                if pieces[i][1]:
                    if levels[i] != 1:
                        break
                    upper.add(i)
                i += step
    return upper


def _convert_words(text: str, encoding: str, *, spare_unicode: bool, capitals: bool) -> str:
    pieces = split_words(text, encoding)
    upper = _upper_words(pieces, encoding, capitals)
    out: list[str] = []
    for i, (piece, is_word) in enumerate(pieces):
        if not is_word:
            out.append("".join(C1_MAP.get(c, c) for c in piece))
            continue
        converted = DECODERS[encoding](piece)
        if spare_unicode and _plainly_unicode(piece, converted):
            out.append(piece)
        else:
            out.append(converted.upper() if i in upper else converted)
    return normalize("".join(out))


def to_unicode(text: str, encoding: str) -> str:
    """Read text in the byte view of "tcvn3" or "vni" as NFC Unicode ("unicode": only NFC)."""
    if encoding == "unicode":
        return normalize(text)
    if encoding not in DECODERS:
        raise ValueError(f"unknown encoding {encoding!r}")
    return _convert_words(text, encoding, spare_unicode=False, capitals=False)


def from_unicode(text: str, encoding: str) -> str:
    """Unicode -> the legacy byte view (Latin-1 code points), as an 8-bit font would store it.

    TCVN3 capitals with tones have no code of their own: they come out as the lowercase
    byte, which is what typing them in an H font (.VnTimeH) stores.
    """
    table = {"tcvn3": TCVN3_ENCODE, "vni": VNI_ENCODE}.get(encoding)
    if table is None:
        raise ValueError(f"unknown encoding {encoding!r}")
    return "".join(table.get(ch, ch) for ch in normalize(text))


def _plainly_unicode(token: str, converted: str) -> bool:
    """A word of a legacy document that is Unicode already (a pasted paragraph): letters
    past Latin-1, or a Vietnamese word that the table would break."""
    return beyond_legacy(token) or (
        # the case of a converted word is unsure (H fonts), its letters are what count
        not token.isascii()
        and is_vietnamese_syllable(token)
        and not is_vietnamese_syllable(converted.lower())
    )


def convert_legacy(text: str, encoding: str, *, capitals: bool = False) -> str:
    return _convert_words(text, encoding, spare_unicode=True, capitals=capitals)
