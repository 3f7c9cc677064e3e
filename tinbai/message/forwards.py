"""A forwarded message inside a body, and the body as a reviewer reads it.

Forwarding, a client writes the sender's own text, a header of the forwarded message (Gmail's
"---------- Forwarded message ---------", Thunderbird's "-------- Forwarded Message --------"
with its Subject/Date/From/To table, Outlook's "From: … Sent: …" block) and the forwarded
text. The sender's signature stands above the forwarded part (Gmail, Outlook) or below it
(Thunderbird when so set): in HTML the forwarded part is a container (tinbai.textutil marks
its lines as quoted), in plain text it runs to the end, and its last "-- " block is `tail`,
which tinbai.extract.sender gives to the sender when it names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tinbai.message.replies import header_kind
from tinbai.textutil import normalize_spaces

__all__ = ["Forward", "forwarded_part", "without_quoted_reply"]

# one field of a forwarded message's header: "From: …", "Từ: …", Thunderbird's "From: | …"
_FIELDS = {
    "from": r"from|từ|người gửi|tu|nguoi gui",
    "date": r"date|sent|ngày gửi|đã gửi|thời gian|ngày|ngay gui|da gui",
    "to": r"to|đến|gửi đến|người nhận|den|nguoi nhan",
    "cc": r"cc",
    "subject": r"subject|tiêu đề|chủ đề|tieu de|chu de",
}
_FIELD_RE = re.compile(
    r"^\*?\s*(?P<label>" + "|".join(_FIELDS.values()) + r")\s*\*?\s*:\s*\|?\s*(?P<value>.*)$", re.IGNORECASE)
_FIELD_KIND = {k: re.compile(r"(?:" + v + r")$", re.IGNORECASE) for k, v in _FIELDS.items()}
_SIG_DASH_RE = re.compile(r"^(?:--|-- |—)\s*$")


@dataclass(frozen=True)
class Forward:
    """The first forwarded message in a body: its header's fields as written ("from": "Nguyễn
    Văn Toàn <toan@…>"), its own lines (quote marks taken off, up to the next reply or forward
    header or the end of its quote), and `tail`, the lines after its last "-- " line."""

    fields: dict[str, str]
    lines: tuple[str, ...]
    tail: tuple[str, ...]

    @property
    def author(self) -> str | None:
        return self.fields.get("from")


def _depth(line: str) -> int:
    m = re.match(r"^(?:\s*>)+", line)
    return m.group(0).count(">") if m else 0


def _unquoted(line: str, depth: int) -> str:
    for _ in range(depth):
        line = re.sub(r"^\s*> ?", "", line, count=1)
    return line


def forwarded_part(text: str | None, *, forwarding: bool = False) -> Forward | None:
    """The first forwarded message in the text, when the first header found is a forward's
    (`forwarding`: the message's subject says it forwards, see header_kind)."""
    if not text:
        return None
    lines = normalize_spaces(text, collapse=False).split("\n")
    for i in range(len(lines)):
        kind = header_kind(lines, i, forwarding=forwarding)
        if kind == "reply":
            return None
        if kind == "forward":
            return _forward_at(lines, i, forwarding)
    return None


def _forward_at(lines: list[str], i: int, forwarding: bool) -> Forward:
    depth = _depth(lines[i])
    own = [_unquoted(ln, depth) for ln in lines]
    j = i if _FIELD_RE.match(own[i].strip()) else i + 1
    while j < len(own) and not own[j].strip():
        j += 1
    fields: dict[str, str] = {}
    while j < len(own) and (m := _FIELD_RE.match(own[j].strip())):
        kind = next(k for k, pat in _FIELD_KIND.items() if pat.match(m.group("label").strip()))
        fields.setdefault(kind, m.group("value").strip(" |"))
        j += 1
    body: list[str] = []
    for k in range(j, len(lines)):
        if lines[k].strip() and _depth(lines[k]) < depth:
            break  # the quote that holds the forwarded message is over
        if header_kind(own, k, forwarding=forwarding):
            break
        body.append(own[k])
    while body and not body[-1].strip():
        body.pop()
    dash = max((k for k, ln in enumerate(body) if _SIG_DASH_RE.match(ln.strip())), default=None)
    tail = tuple(body[dash + 1:]) if dash is not None else ()
    return Forward(fields=fields, lines=tuple(body), tail=tail)


def without_quoted_reply(text: str, *, forwarding: bool = False) -> str:
    """The text without what is below its first reply header ("On … wrote:", "Vào … đã viết:",
    an Outlook reply block): the quoted message is the board's or someone else's, not the
    sender's. A forwarded message stays: forwarding a news item or a document is sending it."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        kind = header_kind(lines, i, forwarding=forwarding)
        if kind == "reply":
            return "\n".join(lines[:i]).rstrip()
        i += 1
        if kind == "forward":  # its header's From/Date lines are no reply's
            depth = _depth(lines[i - 1])
            while i < len(lines) and (not lines[i].strip() or _FIELD_RE.match(_unquoted(lines[i], depth).strip())):
                i += 1
    return text
