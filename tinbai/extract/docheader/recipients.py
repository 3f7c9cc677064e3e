"""The "Nơi nhận" list (NĐ 30/2020 Phụ lục I, ô 9a/9b) and whether it lists the portal."""

from __future__ import annotations

import re
import unicodedata

from tinbai.report import DocumentHeader
from tinbai.textutil import aligned_fold

__all__ = ["BULLET_RE", "LUU_RE", "NOI_NHAN_RE", "clean_item", "mentions_portal", "strip_bullet"]

# The "Nơi nhận:" marker (NĐ 30/2020 Phụ lục I, ô 9a/9b).
NOI_NHAN_RE = re.compile(r"n\s*o\s*i\s+nh\s*a\s*n\s*[:;.]?")
BULLET_RE = re.compile(r"^\s*[-–—~•+*·‐=]\s*")
LUU_RE = re.compile(r"^l\s*u\s*u\s*[:;.]")


def strip_bullet(s: str) -> str:
    return BULLET_RE.sub("", s, count=1).strip()


def _is_speck(tok: str) -> bool:
    """OCR noise in a recipient line: no letter or digit, a lone letter, or mostly symbols."""
    core = tok.strip("()[],.;:'\"“”‘’")
    if not core:
        return tok not in ("(", ")")
    if len(core) == 1 and core.isalpha():
        return True
    good = sum(1 for c in core if c.isalnum() or c in "/&-.")
    return good < max(1, len(core) * 0.7)


def clean_item(item: str) -> str:
    """A recipient item up to the first speck of noise ("Trang thông tin điện tử, h _ Z.")."""
    out: list[str] = []
    for tok in item.split():
        if _is_speck(tok):
            break
        out.append(tok)
    return " ".join(out).strip(" ;,")


# Names the portal goes by in "Nơi nhận": "Trang TTĐT", "Trang thông tin điện tử",
# "Cổng TTĐT", "Website Sở" (thainguyen/haiduong Art. 9.2: the unit lists the portal).
_PORTAL_GENERIC = re.compile(
    r"\b(?:trang|cong)\s*(?:thong\s*tin\s*dien\s*tu|ttdt|tt\s*dt|tt-dt|thong\s*tin)\b"
    r"|\bwebsite\b|\bweb\s*site\b|\btrang\s*web\b|\bcong\s*(?:thong\s*tin|ttdt)\b|\bcttdt\b"
)


def _portal_key(s: str) -> str:
    s = " ".join(aligned_fold(unicodedata.normalize("NFC", s)).split())
    return re.sub(r"\bttdt\b|\btt\s*dt\b|\btt-dt\b", "thong tin dien tu", s)


def mentions_portal(header: DocumentHeader, portal_names: list[str]) -> bool:
    """Whether the "Nơi nhận" lines list the portal (diacritics and case do not matter).

    thainguyen/haiduong Art. 9.2: a document the unit wants posted lists "Trang thông tin
    điện tử" among its recipients. Besides the profile's `portal_names`, the usual ways of
    writing it count: "Trang TTĐT", "Cổng TTĐT", "Website Sở …".
    """
    names = [_portal_key(n) for n in portal_names if n and n.strip()]
    for line in header.recipients:
        key = _portal_key(line)
        if any(n and n in key for n in names):
            return True
        if _PORTAL_GENERIC.search(key):
            return True
    return False
