"""Text as words: NFC normalisation, and the words of a text as a legacy encoding would read it."""

from __future__ import annotations

import re
import unicodedata

from tinbai.parsers.vietnamese.tables import LEGACY_CHARS

_WORD_CHAR_CATEGORIES = ("L", "M")
_PASSTHROUGH_ABOVE_LATIN1 = frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


def normalize(text: str) -> str:
    """NFC, the form TCVN 6909:2001 text is compared and stored in."""
    return unicodedata.normalize("NFC", text)


def _is_word_char(ch: str, encoding: str) -> bool:
    return unicodedata.category(ch)[0] in _WORD_CHAR_CATEGORIES or ch in LEGACY_CHARS[encoding]


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


def split_words(text: str, encoding: str) -> list[tuple[str, bool]]:
    """Split into (piece, is_word) with the word characters of this encoding's reading."""
    run = _word_run(text, encoding)
    if run is None:
        return [(text, False)] if text else []
    # split with a group: non-word, word, non-word, … (the non-word pieces may be empty)
    return [(piece, i % 2 == 1) for i, piece in enumerate(run.split(text)) if piece]


def words_of(text: str, encoding: str) -> list[str]:
    """The word pieces of split_words(text, encoding)."""
    run = _word_run(text, encoding)
    return run.findall(text) if run is not None else []


def beyond_legacy(token: str) -> bool:
    """Letters past Latin-1 (ơ ư đ ạ ế…) never come out of an 8-bit font: Unicode for sure."""
    return any(ord(c) > 0xFF and c not in _PASSTHROUGH_ABOVE_LATIN1 for c in token)


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)
