"""Which encoding a text is in: every word read as it stands and through each legacy table.

Legacy text turns gibberish into syllables ("b¸o" -> "báo"); Unicode Vietnamese is
already made of syllables and a legacy reading breaks them. Font names lower the bar
for their encoding but never decide alone.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tinbai.parsers.vietnamese.conversion import DECODERS, convert_legacy, convert_token
from tinbai.parsers.vietnamese.fonts import font_encoding
from tinbai.parsers.vietnamese.syllables import is_vietnamese_syllable
from tinbai.parsers.vietnamese.tables import LEGACY_ENCODINGS, SAME_IN_BOTH
from tinbai.parsers.vietnamese.words import beyond_legacy, has_letters, normalize, words_of


@dataclass
class _Evidence:
    legacy: int = 0  # words that become syllables only when read through the table
    unicode: int = 0  # Vietnamese words as they stand, broken or untouched by the table
    broken: int = 0  # changed words that are syllables in neither reading


@functools.lru_cache(maxsize=65536)  # syllables repeat: a page of text has a few hundred distinct words
def _verdict(token: str, encoding: str) -> str | None:
    """Which _Evidence count the word adds to ("legacy", "unicode", "broken"), or None."""
    if not any(c.isalpha() for c in token):  # a lone « or © is punctuation, not a word
        return None
    converted = convert_token(token, encoding)
    as_is = is_vietnamese_syllable(token)
    if converted == token or beyond_legacy(token):
        if as_is and any(not c.isascii() and c not in SAME_IN_BOTH[encoding] for c in token):
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


def evidence_of(text: str, encoding: str) -> _Evidence:
    ev = _Evidence()
    # each distinct word judged once and counted as often as it occurs: a page's words are a
    # few hundred distinct ones, and the loop over every occurrence was most of the detection
    for token, times in Counter(words_of(text, encoding)[:_MAX_WORDS]).items():
        verdict = _verdict(token, encoding)
        if verdict is not None:
            setattr(ev, verdict, getattr(ev, verdict) + times)
    return ev


def is_legacy(ev: _Evidence, font_hint: bool) -> bool:
    if font_hint:  # the font names this table: one clear word, not outweighed, suffices
        return ev.legacy >= 1 and ev.legacy >= ev.unicode
    # characters alone: several words, far more than the Unicode ones, more than the noise
    return ev.legacy >= 2 and ev.legacy >= 3 * ev.unicode and ev.legacy >= ev.broken


def _pick(evidence: dict[str, _Evidence], hints: set[str]) -> str | None:
    chosen = [enc for enc, ev in evidence.items() if is_legacy(ev, enc in hints)]
    if not chosen:
        return None
    return max(chosen, key=lambda enc: (evidence[enc].legacy, enc in hints))


def detect_encoding(text: str, fonts: Iterable[str] = ()) -> str | None:
    """ "unicode", "tcvn3" or "vni" for text that has letters; None when it has none.

    fonts (the font names the file uses) lower the bar for their encoding but never
    decide alone: a .VnTime run holding plain ASCII is still "unicode".
    """
    text = normalize(text)
    if not has_letters(text):
        return None
    hints = {enc for enc in map(font_encoding, fonts) if enc}
    legacy = _pick({enc: evidence_of(text, enc) for enc in LEGACY_ENCODINGS}, hints)
    return legacy or "unicode"


def decode_legacy(text: str, fonts: Iterable[str] = ()) -> tuple[str, str | None]:
    """(NFC Unicode text, detected encoding): the call to make for every file with text."""
    text = normalize(text)
    encoding = detect_encoding(text, fonts)
    if encoding in DECODERS:
        return convert_legacy(text, encoding), encoding
    return text, encoding
