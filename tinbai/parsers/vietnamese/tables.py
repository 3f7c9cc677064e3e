"""The published tables of the legacy encodings: TCVN3 (ABC, TCVN 5712:1993 VN3) and VNI Windows.

Both directions (legacy bytes -> Unicode letters and back), the TCVN3 tone marks
coded on their own, and the windows-1252 view of the bytes 0x80-0x9F.
"""

from __future__ import annotations

import unicodedata

LEGACY_ENCODINGS = ("tcvn3", "vni")

# Rows: the 12 Vietnamese vowels; columns: no tone, huyền, hỏi, ngã, sắc, nặng.
_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")

# TCVN 5712:1993 VN3 (ABC), lowercase font positions, one 6-char row per vowel above.
_TCVN3_ROWS = (
    "aµ¶·¸¹",
    "¨»¼½¾Æ",
    "©ÇÈÉÊË",
    "eÌÎÏÐÑ",
    "ªÒÓÔÕÖ",
    "i×ØÜÝÞ",
    "oßáâãä",
    "«åæçèé",
    "¬êëìíî",
    "uïñòóô",
    "\xadõö÷øù",  # ư is 0xAD, the soft hyphen of Latin-1
    "yúûüýþ",
)
# VN3 has capitals only for the untoned modified letters; toned capitals live in the
# "H" fonts, which draw the lowercase positions above as capitals.
_TCVN3_CAPITALS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}

# VNI Windows: a base letter followed by a mark byte; i-forms, ỵ, ơ, ư and đ are single bytes.
_VNI_ROWS = (
    ("a", "aø", "aû", "aõ", "aù", "aï"),
    ("aê", "aè", "aú", "aü", "aé", "aë"),
    ("aâ", "aà", "aå", "aã", "aá", "aä"),
    ("e", "eø", "eû", "eõ", "eù", "eï"),
    ("eâ", "eà", "eå", "eã", "eá", "eä"),
    ("i", "ì", "æ", "ó", "í", "ò"),
    ("o", "oø", "oû", "oõ", "où", "oï"),
    ("oâ", "oà", "oå", "oã", "oá", "oä"),
    ("ô", "ôø", "ôû", "ôõ", "ôù", "ôï"),
    ("u", "uø", "uû", "uõ", "uù", "uï"),
    ("ö", "öø", "öû", "öõ", "öù", "öï"),
    ("y", "yø", "yû", "yõ", "yù", "î"),
)


def _letter(vowel: str, tone: int) -> str:
    return unicodedata.normalize("NFC", vowel + TONE_MARKS[tone])


def _build_tcvn3() -> tuple[dict[str, str], dict[str, str]]:
    decode: dict[str, str] = {}
    encode: dict[str, str] = {}
    for vowel, row in zip(_VOWELS, _TCVN3_ROWS, strict=True):
        for tone, legacy in enumerate(row):
            letter = _letter(vowel, tone)
            encode[letter] = legacy
            if tone:  # a toned capital has no code of its own in VN3: the H fonts draw the lowercase byte
                encode[letter.upper()] = legacy
            if legacy != letter:
                decode[legacy] = letter
    decode["®"] = "đ"
    encode["đ"] = "®"
    for capital, legacy in _TCVN3_CAPITALS.items():
        decode[legacy] = capital
        encode[capital] = legacy
    return decode, encode


def _build_vni() -> tuple[dict[str, str], dict[str, str]]:
    decode: dict[str, str] = {}
    encode: dict[str, str] = {}
    for vowel, row in zip(_VOWELS, _VNI_ROWS, strict=True):
        for tone, legacy in enumerate(row):
            for letter, code in (
                (_letter(vowel, tone), legacy),
                (_letter(vowel, tone).upper(), legacy.upper()),
            ):
                encode[letter] = code
                if code != letter:
                    decode[code] = letter
    for letter, code in (("đ", "ñ"), ("Đ", "Ñ")):
        encode[letter] = code
        decode[code] = letter
    # Be lenient with a mark of the other case after a base ("Aù"): VNI keyboards produce
    # the matching case, but hand-edited text mixes them and the reader sees the letter.
    for code, letter in list(decode.items()):
        if len(code) == 2:
            decode.setdefault(code[0] + code[1].swapcase(), letter)
    return decode, encode


TCVN3_DECODE, TCVN3_ENCODE = _build_tcvn3()
_VNI_DECODE, VNI_ENCODE = _build_vni()
TCVN3_LETTER_CODES = frozenset(code for code in TCVN3_ENCODE.values() if not code.isascii())
# letters whose legacy code is their own Latin-1 code point (VNI ì í, TCVN3 ý): no evidence
SAME_IN_BOTH = {
    "tcvn3": frozenset(k for k, v in TCVN3_ENCODE.items() if k == v and not k.isascii()),
    "vni": frozenset(k for k, v in VNI_ENCODE.items() if k == v and not k.isascii()),
}
VNI_PAIRS = {k: v for k, v in _VNI_DECODE.items() if len(k) == 2}
VNI_SINGLES = {k: v for k, v in _VNI_DECODE.items() if len(k) == 1}

# TCVN 5712 also codes the five tones as separate marks at 0xB0-0xB4 (° ± ² ³ ´); they are
# only read as marks right after a letter, so "30°C" keeps its degree sign.
TCVN3_COMBINING = {"°": "\u0300", "±": "\u0309", "²": "\u0303", "³": "\u0301", "´": "\u0323"}

# Characters that a legacy reading turns into letters: they belong inside words.
LEGACY_CHARS = {
    "tcvn3": frozenset(TCVN3_DECODE),
    "vni": frozenset(c for code in _VNI_DECODE for c in code),
}


def _c1_to_cp1252(ch: str) -> str:
    """The Latin-1 view of byte 0x80-0x9F shows a C1 control; windows-1252 shows punctuation."""
    try:
        return bytes([ord(ch)]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81 0x8D 0x8F 0x90 0x9D: undefined in cp1252 too
        return ch


C1_MAP = {chr(b): _c1_to_cp1252(chr(b)) for b in range(0x80, 0xA0)}
