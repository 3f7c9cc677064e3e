"""Providers who ask to stay unnamed (thainguyen/haiduong Art. 4.2: "Các thông tin liên quan đến tổ
chức, cá nhân cung cấp thông tin … phải được bảo mật nếu có yêu cầu").

When an item's provider asked so (Item.provider_unnamed, read from the message or set by a
secretary), who the provider is (name, title, unit, email address, phone, postal address) is shown
only to the board's secretaries and heads; everyone else (members, viewers, the agency head, the
administrator) sees the item with those details hidden, in the pages, the search, the exports and
what is published. The values are also blotted out of the texts shown to them (the message, the
files' extracted text), wherever they are written. Pure functions of the item, the user and the
report's sender.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from tinbai.queue.models import Item, User

# Who sees an unnamed provider: the secretary records where each item came from (binhphuoc Art.
# 11.1) and the head answers for the board (thainguyen Art. 10.1).
IDENTITY_ROLES: frozenset[str] = frozenset({"secretary", "head"})
IDENTITY_FIELDS = ("name", "title", "unit", "address", "phone", "postal_address")
HIDDEN = "[đã ẩn]"
UNNAMED = "Người cung cấp đề nghị giữ bí mật danh tính"
MIN_VALUE = 3  # shorter values ("A", "Hà") would blot out ordinary words


def sees_identity(user: User | None, item: Item) -> bool:
    """Whether `user` may see who provided `item`."""
    return not item.provider_unnamed or (user is not None and user.role in IDENTITY_ROLES)


def identity_values(item: Item, sender: Mapping[str, Any] | None = None) -> list[str]:
    """What identifies the provider: the report's sender fields and the item's own columns."""
    sender = sender or {}
    values = [sender.get(f) for f in IDENTITY_FIELDS]
    values += [item.sender_name, item.sender_unit, item.sender_address]
    out: list[str] = []
    for v in values:
        v = " ".join(str(v or "").split())
        if len(v) >= MIN_VALUE and v not in out:
            out.append(v)
    return out


def _pattern(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 8 and len(digits) >= len(value.replace(" ", "")) - 4:
        # a phone number, however it is written: 0912 345 678, 0912.345.678, +84 912 345 678
        core = digits[2:] if digits.startswith("84") and len(digits) > 9 else digits.lstrip("0")
        return r"(?:\+?84|0)?[\s.\-()]{0,2}" + r"[\s.\-()]{0,2}".join(core)
    return r"\s+".join(re.escape(w) for w in value.split())


def redact(text: str | None, values: Iterable[str], mark: str = HIDDEN) -> str:
    """`text` with every value (case-insensitive; phones in any spacing) replaced by `mark`."""
    text = text or ""
    patterns = [_pattern(v) for v in sorted(set(values), key=len, reverse=True) if v.strip()]
    if not patterns or not text:
        return text
    return re.sub("|".join(f"(?:{p})" for p in patterns), mark, text, flags=re.IGNORECASE)


def shown_sender(user: User | None, item: Item, sender: Mapping[str, Any]) -> dict[str, Any]:
    """The report's sender as `user` may see it: the identity fields None when hidden."""
    if sees_identity(user, item):
        return dict(sender)
    return {**sender, **dict.fromkeys(IDENTITY_FIELDS)}


def byline(item: Item, sender: Mapping[str, Any] | None = None) -> str:
    """Who the portal names as the provider when the item is posted (or answered in the Q&A
    section): the unit or the person, never an unnamed provider."""
    if item.provider_unnamed:
        return f"Không nêu tên ({UNNAMED.lower()})"
    sender = sender or {}
    name = sender.get("name") or item.sender_name
    unit = sender.get("unit") or item.sender_unit
    return " — ".join(x for x in (name, unit) if x) or "—"
