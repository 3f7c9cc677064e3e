"""The structure of a Vietnamese syllable: an initial, a rhyme (vần) and at most one tone that fits it."""

from __future__ import annotations

import functools
import unicodedata

from tinbai.parsers.vietnamese.tables import TONE_MARKS

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
_TONE_SET = frozenset(TONE_MARKS[1:])
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
