"""A Word package's styles: the effective font of a run, and the font names the styles name.

The styles part is most of a .docx's XML: Word writes every style of its template into it
(python-docx's and Word's own templates: 40-350 KB), and a unit's documents come from the same
template year after year, so what the styles say is worked out once for each distinct styles and
theme part (a digest of their bytes) and kept for the next document; the small parts (the text,
numbering, headers) are read every time.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from tinbai.parsers.formats import parse_xml, unique
from tinbai.parsers.office.ooxml import DML

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FONT_ATTRS = ("ascii", "hAnsi", "cs", "eastAsia")
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme")
# distinct templates a worker keeps (~55 KB for python-docx's: the styles' fonts, not their XML)
STYLE_SHEETS_KEPT = 16


def named_fonts(tree) -> tuple[list[str], list[str]]:
    """The font names a part's runs and shapes name, and its theme references (w:asciiTheme…)."""
    names: list[str] = []
    theme_refs: list[str] = []
    for rfonts in tree.iter(W + "rFonts"):
        names.extend(rfonts.get(W + a) or "" for a in FONT_ATTRS)
        theme_refs.extend(rfonts.get(W + a) or "" for a in THEME_ATTRS)
    for font in tree.iter(DML + "latin", DML + "ea", DML + "cs"):  # DrawingML text in shapes and charts
        names.append(font.get("typeface") or "")
    return names, theme_refs


class Theme:
    """The theme's typefaces, for w:asciiTheme="minorHAnsi" & co."""

    def __init__(self, tree) -> None:
        self.tree = tree

    def fonts(self, refs: list[str]) -> list[str]:
        if self.tree is None:
            return []
        out = []
        for ref in unique(refs):
            group = "majorFont" if ref.startswith("major") else "minorFont"
            script = "ea" if "EastAsia" in ref else "cs" if "Bidi" in ref else "latin"
            out += [f.get("typeface") or "" for g in self.tree.iter(DML + group) for f in g.iter(DML + script)]
        return out

    def font_of(self, rfonts) -> str | None:
        """A w:rFonts element's font: its first named one, else its first theme reference's."""
        if rfonts is None:
            return None
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            if rfonts.get(W + attr):
                return rfonts.get(W + attr)
        for attr in THEME_ATTRS:
            if rfonts.get(W + attr):
                return next(iter(self.fonts([rfonts.get(W + attr)])), None)
        return None


@dataclass(frozen=True)
class StyleSheet:
    """What the styles part says about fonts: each style's own, what it is based on, the default
    paragraph style, the document's default, and the names the part mentions."""

    fonts: dict[str, str | None]
    based_on: dict[str, str]
    default_paragraph: str | None
    document_default: str | None
    names: tuple[str, ...]
    theme_refs: tuple[str, ...]


def style_sheet(styles: bytes | None, theme_xml: bytes | None, theme: Theme) -> StyleSheet:
    """The styles part (its XML, or None) as a StyleSheet, for the package's theme (its XML and
    its parsed tree): read once for each distinct pair of parts, then kept."""
    if styles is None:
        return StyleSheet({}, {}, None, None, (), ())
    key = (hashlib.blake2b(styles, digest_size=16).digest(), hashlib.blake2b(theme_xml or b"", digest_size=16).digest())
    sheet = _KEPT.get(key)
    if sheet is not None:
        _KEPT.move_to_end(key)
        return sheet
    sheet = _KEPT[key] = _read_sheet(parse_xml(styles), theme)
    if len(_KEPT) > STYLE_SHEETS_KEPT:
        _KEPT.popitem(last=False)
    return sheet


# Not functools.lru_cache: it would key on, and keep, the XML itself (up to ~0.4 MB a part)
# rather than its digest.
_KEPT: OrderedDict[tuple[bytes, bytes], StyleSheet] = OrderedDict()


def _read_sheet(tree, theme: Theme) -> StyleSheet:
    fonts: dict[str, str | None] = {}
    based_on: dict[str, str] = {}
    default_paragraph = None
    for style in tree.iter(W + "style"):
        sid = style.get(W + "styleId") or ""
        fonts[sid] = theme.font_of(style.find(f"{W}rPr/{W}rFonts"))
        based = style.find(W + "basedOn")
        if based is not None:
            based_on[sid] = based.get(W + "val") or ""
        if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
            default_paragraph = sid
    document_default = theme.font_of(tree.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts"))
    names, refs = named_fonts(tree)
    return StyleSheet(fonts, based_on, default_paragraph, document_default, tuple(names), tuple(refs))
