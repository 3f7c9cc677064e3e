"""A document's (text, font) runs to Unicode: runs in a legacy font judged together, the others on their characters."""

from __future__ import annotations

from tinbai.parsers.vietnamese.conversion import DECODERS, convert_legacy
from tinbai.parsers.vietnamese.detection import detect_encoding, evidence_of, is_legacy
from tinbai.parsers.vietnamese.fonts import font_encoding, is_capital_font
from tinbai.parsers.vietnamese.words import has_letters, normalize

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
            if enc not in DECODERS:
                continue
            weight = evidence_of(joined, enc).legacy
        else:
            ev = evidence_of(joined, enc)
            if not is_legacy(ev, font_hint=True) and (ev.legacy or ev.unicode):
                continue  # Unicode typed in a legacy font: leave it
            weight = ev.legacy
        for i in members:
            texts[i] = convert_legacy(texts[i], enc, capitals=is_capital_font(runs[i][1]))
        if weight:
            found[enc] = found.get(enc, 0) + weight
    text = normalize("".join(texts))
    if found:
        return text, max(found, key=lambda e: found[e])
    return text, ("unicode" if has_letters(text) else None)
