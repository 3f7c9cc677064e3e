"""Finding the sender's own signature block in a message body, and reading its fields.

Only the sender's own lines count (tinbai.message.own_lines: quoted replies and forwarded
parts are someone else's). The block is the one after a closing ("Trân trọng!") or a "--"
separator, else the labelled lines ("Họ và tên: …"), else the last short lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as _field

from tinbai.extract.sender.names import looks_like_person_name
from tinbai.extract.sender.pieces import Item, classify_line, labelled_items
from tinbai.extract.sender.words import (
    BULLET_RE,
    CLOSING_RE,
    GLUED_CLOSING_RE,
    LABEL_RE,
    clean_value,
    label_field,
    match_start,
)
from tinbai.lexicon import OPENING_VERBS, alternation_with_ascii
from tinbai.message import own_lines

__all__ = ["Found", "signature_fields"]

_SIG_DASH_RE = re.compile(r"^(?:--|—|-- |---|___)\s*$")


@dataclass
class Found:
    """The fields read from a signature (name, title, unit, phone, postal_address): the first of each kind."""

    values: dict[str, str] = _field(default_factory=dict)

    def count(self) -> int:
        return len(self.values)

    def fill(self, other: Found) -> None:
        for k, v in other.values.items():
            self.values.setdefault(k, v)


def _parse_block(lines: Sequence[str], *, only_labelled: bool = False) -> Found:
    """Fields of a signature block: the first of each kind wins."""
    parsed: list[list[Item]] = []
    pending: str | None = None
    for line in lines:
        if pending and line.strip() and not _labelled(line):
            items = labelled_items(pending, line.strip(), "")
            pending = None
        else:
            # a heading ("Thông tin người gửi:") is no label of the labelled line below it
            items, pending = classify_line(line)
        parsed.append(items)
    found = Found()
    content = [k for k, items in enumerate(parsed) if items or lines[k].strip()]

    def where_a_name_goes(k: int) -> bool:
        """First in the block, or just above a title/unit line."""
        nxt = next((parsed[j] for j in content if j > k and parsed[j]), [])
        return (bool(content) and k == content[0]) or any(
            i.field in ("title", "unit") or i.alt for i in nxt)

    for k, line_items in enumerate(parsed):
        queue = list(line_items)
        while queue:
            it = queue.pop(0)
            if only_labelled and not it.labelled:
                continue
            fld = it.field
            if fld == "ignore":
                continue
            if fld == "name~":
                if "name" in found.values or not where_a_name_goes(k):
                    queue[:0] = it.alt
                    continue
                fld = "name"
            if fld == "name?":
                # a name with an uncommon family name: only where a signature puts the name
                if not where_a_name_goes(k):
                    continue
                fld = "name"
            value = clean_value(it.value) if fld != "phone" else it.value.strip()
            if not value:
                continue
            found.values.setdefault(fld, value)
    return found


def _labelled(line: str) -> bool:
    m = LABEL_RE.match(BULLET_RE.sub("", line.strip()))
    return bool(m) and label_field(m.group("label")) is not None


def _is_closing(line: str) -> str | None:
    """None, or what follows the closing words on the same line ("" when nothing does)."""
    s = line.strip().strip("*_")
    if not s:
        return None
    if GLUED_CLOSING_RE.search(s[-120:]):
        return ""  # "Phòng gửi tin bài đính kèm. Trân trọng!": the sentence is the body's
    if len(s) > 90:
        return None
    m = match_start(CLOSING_RE, s)
    if not m:
        return None
    rest = s[m.end():].strip().lstrip(" !.,;:-–—")
    if not rest:
        return ""
    # "Trân trọng, Nguyễn Văn A" names the sender on the closing line
    if looks_like_person_name(rest):
        return rest
    # "Trân trọng cảm ơn Ban biên tập!" is all closing; "Trân trọng gửi Ban Biên tập tin bài sau:"
    # opens the message
    if len(rest) > 50 or ":" in rest or _OPENING_VERB_RE.match(rest):
        return None
    return ""


_OPENING_VERB_RE = re.compile(r"(?:" + alternation_with_ascii(OPENING_VERBS) + r")\b", re.IGNORECASE)
_MAX_BLOCK_LINES = 14


def _block_after(lines: Sequence[str], start: int, first: str = "") -> list[str]:
    block: list[str] = [first] if first else []
    n = 0
    for line in lines[start:]:
        if len(line) > 200:
            break
        block.append(line)
        n += bool(line.strip())
        if n >= _MAX_BLOCK_LINES:
            break
    return block


def _trailing_lines(lines: Sequence[str]) -> list[str]:
    """The last 2-8 short lines: a signature without a closing or separator."""
    block: list[str] = []
    n = 0
    for line in reversed(lines):
        s = line.strip()
        if not s:
            if block and block[0] == "":
                break  # two empty lines: the signature is over
            block.insert(0, "")
            continue
        if len(s) > 120 or (len(s.split()) > 14 and s.endswith((".", ":"))):
            break
        if re.match(r"[-+•*]\s", s):
            break  # a list of the text ("- Đồng chí Nguyễn Văn A, Giám đốc Sở"), not a signature
        if _is_closing(line) is not None:
            break  # the closing ends the body: what is above it is no signature
        block.insert(0, line)
        n += 1
        if n >= 8:
            break
    return block


def signature_fields(text: str | None) -> Found:
    if not text or not text.strip():
        return Found()
    lines = own_lines(text)
    found = Found()
    # 1. after a closing ("Trân trọng!") or a "--" separator: the latest that gives something
    markers: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        rest = _is_closing(line)
        if rest is not None:
            markers.append((i, rest))
        elif _SIG_DASH_RE.match(line.strip()):
            markers.append((i, ""))
    for i, rest in reversed(markers[-10:]):
        got = _parse_block(_block_after(lines, i + 1, rest))
        if got.count():
            found = got
            break
    # 2. labelled lines anywhere ("Người gửi: …", "Họ và tên: …", "Chức vụ: …")
    labelled = _labelled_group(lines)
    if found.count():
        found.fill(labelled)
    else:
        found = labelled
        # 3. the last short lines
        found.fill(_parse_block(_trailing_lines(lines)))
    return found


def _labelled_group(lines: Sequence[str]) -> Found:
    """Labelled name/title/unit lines and the labelled phone/address lines near them."""
    anchors = []
    for i, line in enumerate(lines):
        m = LABEL_RE.match(BULLET_RE.sub("", line.strip()))
        if m and label_field(m.group("label")) in ("name", "title", "unit"):
            anchors.append(i)
    if not anchors:
        return Found()
    lo, hi = max(0, anchors[0] - 6), min(len(lines), anchors[-1] + 7)
    return _parse_block(lines[lo:hi], only_labelled=True)
