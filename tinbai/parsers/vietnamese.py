"""Vietnamese text encodings: find legacy TCVN3 (ABC) and VNI text and convert it to Unicode.

The regulations demand Unicode (TCVN 6909:2001). Offices still type in the 8-bit
font encodings of the 1990s: TCVN3/ABC (TCVN 5712:1993, charset VN3; fonts
.VnTime, .VnArial…, with "H" fonts such as .VnTimeH for capitals) and VNI
(fonts VNI-Times, VNI-Helve…). Such a file holds no Vietnamese letters at all:
every extractor (python-docx, pdf text, rtf, txt read as windows-1252) hands us
characters whose code points are the legacy BYTES, e.g. TCVN3 "Th«ng b¸o" for
"Thông báo" or VNI "Thoâng baùo". We read those bytes back through the
published tables.

How we decide, without trusting fonts alone: every word is read twice, as it
stands and through a legacy table, and checked against the structure of a
Vietnamese syllable. Legacy text turns gibberish ("b¸o") into syllables
("báo"); Unicode Vietnamese is already made of syllables and a legacy reading
breaks them ("báo" -> "bỏo"). English, French or German words are not
Vietnamese syllables in either reading, so they weigh nothing.

Views of the bytes 0x80-0x9F: VN3 and VNI put no letter there (TCVN3 needs the
"H" fonts for capitals with tones precisely because VN3 leaves that range to
the Windows punctuation), so the windows-1252 view (“ ” – …) and the Latin-1
view (C1 control characters U+0080-U+009F) must give the same result: the
Latin-1 view is turned into the windows-1252 punctuation it stands for.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "LEGACY_ENCODINGS",
    "convert_runs",
    "decode_legacy",
    "detect_encoding",
    "font_encoding",
    "from_unicode",
    "is_capital_font",
    "is_vietnamese_syllable",
    "normalize",
    "to_unicode",
]

LEGACY_ENCODINGS = ("tcvn3", "vni")

# --------------------------------------------------------------------------- tables
# Rows: the 12 Vietnamese vowels; columns: no tone, huyền, hỏi, ngã, sắc, nặng.
_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
_TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")

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
    return unicodedata.normalize("NFC", vowel + _TONE_MARKS[tone])


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


_TCVN3_DECODE, _TCVN3_ENCODE = _build_tcvn3()
_VNI_DECODE, _VNI_ENCODE = _build_vni()
_TCVN3_LETTER_CODES = frozenset(code for code in _TCVN3_ENCODE.values() if not code.isascii())
# letters whose legacy code is their own Latin-1 code point (VNI ì í, TCVN3 ý): no evidence
_SAME_IN_BOTH = {
    "tcvn3": frozenset(k for k, v in _TCVN3_ENCODE.items() if k == v and not k.isascii()),
    "vni": frozenset(k for k, v in _VNI_ENCODE.items() if k == v and not k.isascii()),
}
_VNI_PAIRS = {k: v for k, v in _VNI_DECODE.items() if len(k) == 2}
_VNI_SINGLES = {k: v for k, v in _VNI_DECODE.items() if len(k) == 1}

# TCVN 5712 also codes the five tones as separate marks at 0xB0-0xB4 (° ± ² ³ ´); they are
# only read as marks right after a letter, so "30°C" keeps its degree sign.
_TCVN3_COMBINING = {"°": "\u0300", "±": "\u0309", "²": "\u0303", "³": "\u0301", "´": "\u0323"}

# Characters that a legacy reading turns into letters: they belong inside words.
_LEGACY_CHARS = {
    "tcvn3": frozenset(_TCVN3_DECODE),
    "vni": frozenset(c for code in _VNI_DECODE for c in code),
}


def _c1_to_cp1252(ch: str) -> str:
    """The Latin-1 view of byte 0x80-0x9F shows a C1 control; windows-1252 shows punctuation."""
    try:
        return bytes([ord(ch)]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81 0x8D 0x8F 0x90 0x9D: undefined in cp1252 too
        return ch


_C1_MAP = {chr(b): _c1_to_cp1252(chr(b)) for b in range(0x80, 0xA0)}

# --------------------------------------------------------------------------- fonts
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")  # PDF subset fonts: "ABCDEF+.VnTime"
_STYLE_SUFFIX = re.compile(r"([,-](bold|italic|bolditalic|oblique|regular|normal))+$", re.IGNORECASE)
_VNI_FONT = re.compile(r"^vni([-_ ,]|$)", re.IGNORECASE)
_TCVN3_FONT = re.compile(r"^\.?vn", re.IGNORECASE)


def _clean_font(name: str) -> str:
    return _STYLE_SUFFIX.sub("", _SUBSET_PREFIX.sub("", name.strip()))


def font_encoding(name: str | None) -> str | None:
    """ "tcvn3" for the ABC font family (.VnTime, .VnArialH…), "vni" for VNI-*, else None."""
    if not name:
        return None
    clean = _clean_font(name)
    if _VNI_FONT.match(clean):
        return "vni"
    if _TCVN3_FONT.match(clean):
        return "tcvn3"
    return None


def is_capital_font(name: str | None) -> bool:
    """A TCVN3 "H" font (.VnTimeH, .VnArial NarrowH) draws every letter as a capital."""
    return bool(name) and font_encoding(name) == "tcvn3" and _clean_font(name or "").endswith("H")


# --------------------------------------------------------------------------- syllables
_INITIALS = (
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
# Rhymes (vần) without tone, one line per final sound (a list literal would hide the grouping).
_RHYMES = frozenset(
    """
    a e ê i y o ô ơ u ư ia ua ưa oa oe uê uy uơ uya
    ai ay ây oi ôi ơi ui ưi uôi ươi oai oay uây
    ao au âu eo êu iu ưu ươu iêu yêu oao oeo uyu
    ac ăc âc ec oc ôc uc ưc iêc uôc ươc oac oăc
    ach êch ich oach uêch uych
    am ăm âm em êm im om ôm ơm um iêm yêm uôm ươm oam oăm
    an ăn ân en ên in on ôn ơn un iên yên uôn ươn oan oăn uân oen uyên
    ang ăng âng eng ong ông ung ưng iêng yêng uông ương oang oăng uâng oong
    anh ênh inh oanh uênh uynh
    ap ăp âp ep êp ip op ôp ơp up iêp yêp ươp
    at ăt ât et êt it ot ôt ơt ut ưt iêt yêt uôt ươt oat oăt uât oet uyêt uyt
    """.split()
)
_STOP_FINALS = ("c", "ch", "p", "t")
_TONE_SET = frozenset(_TONE_MARKS[1:])
_SHARP_TONES = frozenset({"\u0301", "\u0323"})  # the only tones a stop final allows


def _split_tone(word: str) -> tuple[str, str | None] | None:
    """(toneless NFC word, tone mark or None); None when the word carries two tones."""
    tones = [c for c in unicodedata.normalize("NFD", word) if c in _TONE_SET]
    if len(tones) > 1:
        return None
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if c not in _TONE_SET)
    return unicodedata.normalize("NFC", bare), (tones[0] if tones else None)


def _rhyme_fits(initial: str, rhyme: str) -> bool:
    if rhyme in _RHYMES:
        return True
    # "gi" swallows the i of a following iê/i rhyme: giếng = gi + iêng, gìn = gi + in
    return initial == "gi" and ("i" + rhyme in _RHYMES or rhyme == "")


def _plain_casing(word: str) -> bool:
    """Words are written lower, Capitalised or in CAPITALS; "tÊn" is a byte view, not a word."""
    return word in (word.lower(), word.upper(), word[:1].upper() + word[1:].lower())


@functools.lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether a word is a well-formed Vietnamese syllable (NFC or NFD; lower, Title or UPPER case)."""
    word = unicodedata.normalize("NFC", word)
    if not _plain_casing(word):
        return False
    split = _split_tone(word.lower())
    if split is None:
        return False
    bare, tone = split
    for initial in _INITIALS:
        if not bare.startswith(initial):
            continue
        rhyme = bare[len(initial) :]
        if not _rhyme_fits(initial, rhyme):
            continue
        if tone is not None and tone not in _SHARP_TONES and rhyme.endswith(_STOP_FINALS):
            continue
        if rhyme or initial == "gi":
            return True
    return False


# --------------------------------------------------------------------------- conversion
def _decode_tcvn3(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch in _TCVN3_COMBINING and out and out[-1].isalpha():
            out.append(_TCVN3_COMBINING[ch])
        else:
            out.append(_TCVN3_DECODE.get(ch) or _C1_MAP.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


def _decode_vni(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in _VNI_PAIRS:  # VNI sequences are at most two bytes: greedy is exact
            out.append(_VNI_PAIRS[pair])
            i += 2
            continue
        ch = text[i]
        out.append(_VNI_SINGLES.get(ch) or _C1_MAP.get(ch, ch))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


_DECODERS = {"tcvn3": _decode_tcvn3, "vni": _decode_vni}


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
    if len(plain) >= 2 and any(c in _TCVN3_LETTER_CODES for c in token):
        return 2
    return 1


def _convert_token(token: str, encoding: str) -> str:
    converted = _DECODERS[encoding](token)
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
    pieces = _tokens(text, encoding)
    upper = _upper_words(pieces, encoding, capitals)
    out: list[str] = []
    for i, (piece, is_word) in enumerate(pieces):
        if not is_word:
            out.append("".join(_C1_MAP.get(c, c) for c in piece))
            continue
        converted = _DECODERS[encoding](piece)
        if spare_unicode and _plainly_unicode(piece, converted):
            out.append(piece)
        else:
            out.append(converted.upper() if i in upper else converted)
    return normalize("".join(out))


def normalize(text: str) -> str:
    """NFC, the form TCVN 6909:2001 text is compared and stored in."""
    return unicodedata.normalize("NFC", text)


def to_unicode(text: str, encoding: str) -> str:
    """Read text in the byte view of "tcvn3" or "vni" as NFC Unicode ("unicode": only NFC)."""
    if encoding == "unicode":
        return normalize(text)
    if encoding not in _DECODERS:
        raise ValueError(f"unknown encoding {encoding!r}")
    return _convert_words(text, encoding, spare_unicode=False, capitals=False)


def from_unicode(text: str, encoding: str) -> str:
    """Unicode -> the legacy byte view (Latin-1 code points), as an 8-bit font would store it.

    TCVN3 capitals with tones have no code of their own: they come out as the lowercase
    byte, which is what typing them in an H font (.VnTimeH) stores.
    """
    table = {"tcvn3": _TCVN3_ENCODE, "vni": _VNI_ENCODE}.get(encoding)
    if table is None:
        raise ValueError(f"unknown encoding {encoding!r}")
    return "".join(table.get(ch, ch) for ch in normalize(text))


# --------------------------------------------------------------------------- evidence
_WORD_CHAR_CATEGORIES = ("L", "M")
_PASSTHROUGH_ABOVE_LATIN1 = frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


def _is_word_char(ch: str, encoding: str) -> bool:
    return unicodedata.category(ch)[0] in _WORD_CHAR_CATEGORIES or ch in _LEGACY_CHARS[encoding]


def _word_run(text: str, encoding: str) -> re.Pattern[str] | None:
    """A regex of one run of the word characters (in this encoding's reading) that `text` holds;
    None when it holds none. A document has a few dozen distinct characters: each is classed
    once, and the text is then split in C rather than by a Python call per character."""
    known = _WORD_CHAR_SEEN.setdefault(encoding, {})
    chars = set(text)
    for ch in chars - known.keys():
        known[ch] = _is_word_char(ch, encoding)
    word_chars = "".join(sorted(ch for ch in chars if known[ch]))
    return re.compile(f"([{re.escape(word_chars)}]+)") if word_chars else None


_WORD_CHAR_SEEN: dict[str, dict[str, bool]] = {}


def _tokens(text: str, encoding: str) -> list[tuple[str, bool]]:
    """Split into (piece, is_word) with the word characters of this encoding's reading."""
    run = _word_run(text, encoding)
    if run is None:
        return [(text, False)] if text else []
    # split with a group: non-word, word, non-word, … (the non-word pieces may be empty)
    return [(piece, i % 2 == 1) for i, piece in enumerate(run.split(text)) if piece]


def _words(text: str, encoding: str) -> list[str]:
    """The word pieces of _tokens(text, encoding)."""
    run = _word_run(text, encoding)
    return run.findall(text) if run is not None else []


def _beyond_legacy(token: str) -> bool:
    """Letters past Latin-1 (ơ ư đ ạ ế…) never come out of an 8-bit font: Unicode for sure."""
    return any(ord(c) > 0xFF and c not in _PASSTHROUGH_ABOVE_LATIN1 for c in token)


@dataclass
class _Evidence:
    legacy: int = 0  # words that become syllables only when read through the table
    unicode: int = 0  # Vietnamese words as they stand, broken or untouched by the table
    broken: int = 0  # changed words that are syllables in neither reading


def _judge(token: str, encoding: str, ev: _Evidence) -> None:
    verdict = _verdict(token, encoding)
    if verdict is not None:
        setattr(ev, verdict, getattr(ev, verdict) + 1)


@functools.lru_cache(maxsize=65536)  # syllables repeat: a page of text has a few hundred distinct words
def _verdict(token: str, encoding: str) -> str | None:
    """Which _Evidence count the word adds to ("legacy", "unicode", "broken"), or None."""
    if not any(c.isalpha() for c in token):  # a lone « or © is punctuation, not a word
        return None
    converted = _convert_token(token, encoding)
    as_is = is_vietnamese_syllable(token)
    if converted == token or _beyond_legacy(token):
        if as_is and any(not c.isascii() and c not in _SAME_IN_BOTH[encoding] for c in token):
            return "unicode"
        return None
    read = is_vietnamese_syllable(converted)
    if read and not as_is:
        return "legacy"
    if as_is and not read:
        return "unicode"
    if not as_is and not read:
        return "broken"
    return None


_MAX_WORDS = 20000  # enough for a verdict; keeps a 300-page file fast


def _evidence(text: str, encoding: str) -> _Evidence:
    ev = _Evidence()
    seen = 0
    for token in _words(text, encoding):
        _judge(token, encoding, ev)
        seen += 1
        if seen >= _MAX_WORDS:
            break
    return ev


def _is_legacy(ev: _Evidence, font_hint: bool) -> bool:
    if font_hint:  # the font names this table: one clear word, not outweighed, suffices
        return ev.legacy >= 1 and ev.legacy >= ev.unicode
    # characters alone: several words, far more than the Unicode ones, more than the noise
    return ev.legacy >= 2 and ev.legacy >= 3 * ev.unicode and ev.legacy >= ev.broken


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _pick(evidence: dict[str, _Evidence], hints: set[str]) -> str | None:
    chosen = [enc for enc, ev in evidence.items() if _is_legacy(ev, enc in hints)]
    if not chosen:
        return None
    return max(chosen, key=lambda enc: (evidence[enc].legacy, enc in hints))


def detect_encoding(text: str, fonts: Iterable[str] = ()) -> str | None:
    """ "unicode", "tcvn3" or "vni" for text that has letters; None when it has none.

    fonts (the font names the file uses) lower the bar for their encoding but never
    decide alone: a .VnTime run holding plain ASCII is still "unicode".
    """
    text = normalize(text)
    if not _has_letters(text):
        return None
    hints = {enc for enc in map(font_encoding, fonts) if enc}
    legacy = _pick({enc: _evidence(text, enc) for enc in LEGACY_ENCODINGS}, hints)
    return legacy or "unicode"


def _plainly_unicode(token: str, converted: str) -> bool:
    """A word of a legacy document that is Unicode already (a pasted paragraph): letters
    past Latin-1, or a Vietnamese word that the table would break."""
    return _beyond_legacy(token) or (
        # the case of a converted word is unsure (H fonts), its letters are what count
        not token.isascii()
        and is_vietnamese_syllable(token)
        and not is_vietnamese_syllable(converted.lower())
    )


def _convert_legacy(text: str, encoding: str, *, capitals: bool = False) -> str:
    return _convert_words(text, encoding, spare_unicode=True, capitals=capitals)


def decode_legacy(text: str, fonts: Iterable[str] = ()) -> tuple[str, str | None]:
    """(NFC Unicode text, detected encoding): the call to make for every file with text."""
    text = normalize(text)
    encoding = detect_encoding(text, fonts)
    if encoding in _DECODERS:
        return _convert_legacy(text, encoding), encoding
    return text, encoding


# --------------------------------------------------------------------------- runs
_PUA_SYMBOL = range(0xF020, 0xF100)  # Word stores 8-bit "symbol" font bytes as U+F000+byte


def _unpua(text: str) -> str:
    return "".join(chr(ord(c) - 0xF000) if ord(c) in _PUA_SYMBOL else c for c in text)


def _merge_runs(runs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Word splits a word into several runs of one font (spelling marks, revisions); a VNI
    letter split between them ("Vie" + "ät") must be read as one."""
    merged: list[tuple[str, str | None]] = []
    for text, font in runs:
        if merged and merged[-1][1] == font:
            merged[-1] = (merged[-1][0] + text, font)
        else:
            merged.append((text, font))
    return merged


def convert_runs(runs: list[tuple[str, str | None]]) -> tuple[str, str | None]:
    """Join (text, font) runs of one document into NFC Unicode, converting legacy runs only.

    Runs in a .Vn*/VNI-* font are judged together per encoding (Word splits runs at every
    change of format, so one run says little); runs in other or unknown fonts are judged
    on their characters alone. Returns (text, encoding): the legacy encoding found with the
    most evidence, else "unicode", or None when there are no letters.
    """
    runs = _merge_runs(runs)
    groups: dict[str | None, list[int]] = {}
    for i, (_, font) in enumerate(runs):
        groups.setdefault(font_encoding(font), []).append(i)
    texts = [normalize(_unpua(t) if font_encoding(f) else t) for t, f in runs]
    found: dict[str, int] = {}
    for enc, members in groups.items():
        joined = "\n".join(texts[i] for i in members)  # runs far apart must not make one word
        if enc is None:
            enc = detect_encoding(joined)
            if enc not in _DECODERS:
                continue
            weight = _evidence(joined, enc).legacy
        else:
            ev = _evidence(joined, enc)
            if not _is_legacy(ev, font_hint=True) and (ev.legacy or ev.unicode):
                continue  # Unicode typed in a legacy font: leave it
            weight = ev.legacy
        for i in members:
            texts[i] = _convert_legacy(texts[i], enc, capitals=is_capital_font(runs[i][1]))
        if weight:
            found[enc] = found.get(enc, 0) + weight
    text = normalize("".join(texts))
    if found:
        return text, max(found, key=lambda e: found[e])
    return text, ("unicode" if _has_letters(text) else None)
