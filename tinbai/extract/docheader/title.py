"""The document's title (its kind, "KẾ HOẠCH") and summary (trích yếu), or a công văn's "V/v …"."""

from __future__ import annotations

import re

from tinbai.extract.docheader.lines import Line
from tinbai.extract.docheader.number import KIND_NAMES
from tinbai.extract.docheader.text import is_upper_line, letters_of, squeezed_key, upper_ratio
from tinbai.textutil import aligned_fold

__all__ = ["VV_RE", "kind_of", "summary_from"]

_KIND_BY_KEY = {squeezed_key(k): k for k in KIND_NAMES}


def kind_of(line: str) -> tuple[str, str] | None:
    """(kind, rest) when the line is the document's upper-case title ("KẾT LUẬN KIỂM TRA")."""
    tokens = line.split()
    upper: list[str] = []
    for tok in tokens:
        if letters_of(tok) and upper_ratio(tok) >= 0.99:
            upper.append(tok)
        else:
            break
    if not upper:
        return None
    key_words = aligned_fold(" ".join(upper)).split()
    for n in range(len(key_words), 0, -1):
        kind = _KIND_BY_KEY.get(re.sub(r"[^a-z0-9]", "", "".join(key_words[:n])))
        if kind is None:
            continue
        extra = len(key_words) - n
        if extra > 4:
            return None
        rest = " ".join(tokens[len(upper):])
        return kind, rest
    return None


# "V/v", OCR "V/V", "Vlv", "V#", "VK"
VV_RE = re.compile(r"^[^a-z0-9]{0,2}v\s*(?:[./|\\l1i]\s*v|[#k%]|/)\s*[:.]?\s+(?=\S)")
_SUMMARY_STOP = re.compile(
    r"^(?:kinh gui|can cu|thuc hien|theo|xet|noi nhan|dieu \d|chuong|phan|muc|[ivx]+\.|\d+[.)])"
)


def summary_from(lines: list[Line], i: int, first: str) -> str | None:
    """The trích yếu: `first` and the lines that wrap it (a next line in lower case)."""
    first = first.strip().lstrip("'\"“”‘’_").strip()
    parts = [first] if letters_of(first) else []
    j = i + 1
    while j < len(lines) and len(parts) < 4:
        nxt = lines[j].left.strip().lstrip("'\"“”‘’")
        if not nxt or not letters_of(nxt):
            if parts:
                break
            j += 1
            continue
        key = " ".join(aligned_fold(nxt).split())
        if _SUMMARY_STOP.match(key) or is_upper_line(nxt):
            break
        if parts and not (nxt[0].islower() or nxt[0] in "(-–"):
            break
        if parts and parts[-1].endswith((".", ":")):
            break
        parts.append(nxt.strip())
        j += 1
    text = " ".join(p for p in parts if p).strip(" ,;.")
    return text or None
