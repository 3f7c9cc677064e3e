"""Font names that tell a legacy encoding: the .Vn* family is TCVN3 (its "H" fonts draw capitals), VNI-* is VNI."""

from __future__ import annotations

import re

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
