"""The sender's own text, told from quoted replies and forwarded parts.

A reply quotes the message it answers ("> …", or below "Vào … đã viết:", "On … wrote:", an
Outlook "From:/Sent:" block); a forward carries the forwarded message below a separator
("-----Original Message-----", "---------- Forwarded message ---------"). What is below is
someone else's: their signature is not the sender's (tinbai.extract.sender reads only
`own_lines`), and the header of the quoted or forwarded message is no part of the news it may
carry (tinbai.extract.dates blanks `is_quoted_header_line` lines and keeps the rest).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tinbai.textutil import aligned_fold, normalize_spaces

__all__ = ["header_kind", "is_forward_subject", "is_quoted_header_line", "is_reply_header", "own_lines"]

# reply / forward headers; what follows is someone else's message
_REPLY_SEP_RE = re.compile(
    r"^[\s>]*[-_=*]{2,}\s*(?:original message|forwarded message|forwarded|message transféré|thư gốc|thư chuyển tiếp"
    r"|tin nhắn gốc|tin nhắn chuyển tiếp|thư đã chuyển tiếp|chuyển tiếp|thu goc|thu chuyen tiep|chuyen tiep)"
    r"\s*[-_=*]{2,}\s*$", re.IGNORECASE)
# the separators that say "forwarded" (the others, "Original Message", "thư gốc", serve
# replies and forwards alike: the subject tells them apart)
_FORWARD_WORD_RE = re.compile(r"forward|transféré|chuyển tiếp|chuyen tiep", re.IGNORECASE)
# "Fwd:", "FW:", "TR:" (French Outlook), "WG:" (German), "RV:" (Spanish), "Chuyển tiếp:", after
# any "Re:"/"AW:"/"Trả lời:"
_FORWARD_SUBJECT_RE = re.compile(
    r"^\s*(?:(?:re|aw|sv|tl|trả lời|tra loi)\s*(?:\[\d+\])?\s*:\s*)*"
    r"(?:fwd?|tr|wg|rv|chuyển tiếp|chuyen tiep)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_REPLY_BEGIN_RE = re.compile(r"^(?:begin forwarded message|bắt đầu thư được chuyển tiếp|bắt đầu thư chuyển tiếp)",
                             re.IGNORECASE)
_WROTE_RE = re.compile(r"(?:đã viết|wrote|a écrit|da viet)\s*:\s*$", re.IGNORECASE)
_ON_RE = re.compile(r"^(?:vào|on|lúc|ngày|vao|luc|ngay|le)\b", re.IGNORECASE)
_HDR_FROM_RE = re.compile(r"^\*?\s*(?:from|từ|người gửi|tu|nguoi gui)\s*\*?\s*:", re.IGNORECASE)
_HDR_KINDS = {
    "sent": r"sent|đã gửi|da gui",
    "date": r"date|ngày gửi|ngày|thời gian|ngay gui|ngay",
    "to": r"to|đến|gửi đến|người nhận|den|nguoi nhan",
    "subject": r"subject|tiêu đề|chủ đề|tieu de|chu de",
    "cc": r"cc",
}
_HDR_KIND_RE = {k: re.compile(r"^\*?\s*(?:" + v + r")\s*\*?\s*:", re.IGNORECASE) for k, v in _HDR_KINDS.items()}

# One line of a quoted or forwarded message's header, wherever it stands (on the folded line):
# the mail header fields that never start a line of prose ("Ngày:", "Thời gian:" may: they are
# only taken inside a header block, above), the reply's "Vào … đã viết", "On … wrote", and the
# separators.
_HEADER_LINE_FOLDED = re.compile(
    r"^\s*(?:from\s*:|date\s*:|sent\s*:|to\s*:|subject\s*:|ngay gui\s*:|gui luc\s*:|vao .* da viet|"
    r"on .* wrote|-{2,}\s*forwarded|-{2,}\s*original)"
)


def own_lines(text: str) -> list[str]:
    """The lines the sender wrote: quoted lines (">") dropped, and everything from the first
    reply/forward header on ("-----Original Message-----", "---------- Forwarded message",
    "Vào … đã viết:", "On … wrote:", an Outlook "From:/Sent:" block) cut off."""
    lines = normalize_spaces(text, collapse=False).split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith(">"):
            continue
        if is_reply_header(lines, i):
            break
        out.append(line)
    return out


def is_forward_subject(subject: str | None) -> bool:
    """Whether a subject says the message forwards another ("Fwd: …", "FW: …", "TR: …")."""
    return bool(subject and _FORWARD_SUBJECT_RE.match(subject))


def header_kind(lines: Sequence[str], i: int, *, forwarding: bool = False) -> str | None:
    """"forward" or "reply" when lines[i] starts the header of a forwarded or quoted message,
    else None. A separator that says "forwarded" is a forward; "On … wrote:" is a reply; an
    Outlook "From:/Sent:" block or "-----Original Message-----" is whichever the message's
    subject says (`forwarding`: it starts with "Fwd:", "FW:"…)."""
    if not is_reply_header(lines, i):
        return None
    line = lines[i].strip()
    if _REPLY_BEGIN_RE.match(line) or (_REPLY_SEP_RE.match(line) and _FORWARD_WORD_RE.search(line)):
        return "forward"
    if _REPLY_SEP_RE.match(line) or _HDR_FROM_RE.match(line.lstrip("> ")) or re.fullmatch(r"_{10,}", line):
        return "forward" if forwarding else "reply"
    return "reply"


def is_reply_header(lines: Sequence[str], i: int) -> bool:
    """Whether lines[i] starts the header of a reply or forward (what follows is not the sender's)."""
    line = lines[i].strip()
    if not line:
        return False
    if _REPLY_SEP_RE.match(line) or _REPLY_BEGIN_RE.match(line.lstrip("> ")):
        return True
    if _WROTE_RE.search(line) and len(line) < 300:
        return True
    if _ON_RE.match(line) and len(line) < 200:
        for nxt in lines[i + 1:i + 3]:
            if nxt.startswith(">"):
                break
            if _WROTE_RE.search(nxt.strip()):
                return True
    if _HDR_FROM_RE.match(line):
        # an Outlook/webmail header block: From, then at least two of Sent/Date, To, Subject, Cc
        # (a labelled signature "Người gửi: …" followed by "Đơn vị: …" is not one)
        following = [ln.strip() for ln in lines[i + 1:i + 7] if ln.strip()]
        kinds = {_header_kind(ln) for ln in following} - {None}
        if len(kinds) >= 2 and ("to" in kinds or "sent" in kinds):
            return True
    if re.fullmatch(r"_{10,}", line):
        nxt = next((ln.strip() for ln in lines[i + 1:i + 4] if ln.strip()), "")
        if _HDR_FROM_RE.match(nxt):
            return True
    return False


def is_quoted_header_line(line: str) -> bool:
    """Whether the line is quoted ("> …") or one line of a reply's or forward's header
    ("From: …", "Date: …", "Vào … đã viết:", "-----Original Message-----"), for a reader that
    keeps the forwarded text itself (a forwarded news item is still the news)."""
    if line.lstrip().startswith(">"):
        return True
    if _REPLY_SEP_RE.match(line.strip()) or _REPLY_BEGIN_RE.match(line.strip()):
        return True
    return bool(_HEADER_LINE_FOLDED.match(aligned_fold(line)))


def _header_kind(line: str) -> str | None:
    return next((k for k, pat in _HDR_KIND_RE.items() if pat.match(line)), None)
