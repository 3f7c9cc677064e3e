"""A header block that ends too early, mended before the email package reads it.

The email package ends a message's headers at the first line that is neither "Name: value"
nor indented, and takes all the rest as the body: a Subject folded without indentation
("Subject: Báo cáo\\r\\nquý 1\\r\\nTo: …") or a client's banner above the headers ("---- Original
email message ----") then loses From, Subject and the MIME structure, and so does a space
before a header's colon ("Subject : …", RFC 5322's obsolete syntax). Mail clients read such
messages as their writers meant; so does this: a non-indented line between two header lines
continues the header above it, and a few lines above the first header are skipped, provided
that header lines of known names follow; "Name : value" becomes "Name: value". The caller
reports the repair (message.malformed).
"""

from __future__ import annotations

import re

__all__ = ["REPAIRED", "repair_header_block"]

REPAIRED = "HeaderBlockRepairedDefect"

_HEADER_LINE = re.compile(rb"^([!-9;-~]+)[ \t]*:")
# header names that tell a header block (RFC 5322, MIME, the usual trace and client fields)
_KNOWN = frozenset({
    b"from", b"to", b"cc", b"bcc", b"subject", b"date", b"message-id", b"reply-to", b"sender",
    b"in-reply-to", b"references", b"mime-version", b"content-type", b"content-transfer-encoding",
    b"content-disposition", b"content-id", b"received", b"return-path", b"delivered-to", b"x-mailer",
    b"user-agent", b"thread-topic", b"thread-index", b"importance", b"x-priority", b"organization",
    b"dkim-signature", b"authentication-results", b"arc-seal", b"x-original-to", b"list-id",
})
_MAX_BANNER_LINES = 3  # lines above the first header that may be a client's banner
_LOOK_AHEAD = 3  # lines a known header may come after a stray line
_MAX_HEADER_BYTES = 1 << 20  # past this, a "header block" without an empty line is a body


def _known_header(line: bytes) -> bool:
    m = _HEADER_LINE.match(line)
    return bool(m) and m.group(1).lower() in _KNOWN


def _is_blank(line: bytes) -> bool:
    return not line.strip(b"\r\n")


def repair_header_block(raw: bytes) -> tuple[bytes, bool]:
    """(the message with its header block mended, whether anything was mended)."""
    head_end = raw.find(b"\n\n")
    head_end_crlf = raw.find(b"\r\n\r\n")
    ends = [e for e in (head_end, head_end_crlf) if e >= 0]
    limit = min(min(ends) + 4 if ends else len(raw), _MAX_HEADER_BYTES)
    lines = raw[:limit].splitlines(keepends=True)
    if not lines:
        return raw, False
    out: list[bytes] = []
    changed = False
    start = 0
    if not _HEADER_LINE.match(lines[0]) and not lines[0].startswith(b"From "):
        # a banner above the headers: skipped only when known headers follow it
        first = next((i for i, ln in enumerate(lines[:_MAX_BANNER_LINES + 1]) if _known_header(ln)), None)
        if first is None or any(_is_blank(ln) for ln in lines[:first]) or not _headers_follow(lines, first):
            return raw, False
        start, changed = first, True
    prev_known = False
    for i in range(start, len(lines)):
        line = lines[i]
        if _is_blank(line):
            out.extend(lines[i:])
            break
        m = _HEADER_LINE.match(line)
        if m and m.end() > len(m.group(1)) + 1 and m.group(1).lower() in _KNOWN:
            # "Subject : …" (RFC 5322's obsolete syntax): the email package takes it for body text,
            # and "From : …" on the first line for an mbox envelope
            line = m.group(1) + b":" + line[m.end():]
            changed = True
        if m or line[:1] in (b" ", b"\t") or (i == 0 and line.startswith(b"From ")):
            if m:
                prev_known = m.group(1).lower() in _KNOWN
            out.append(line)
            continue
        if prev_known and _known_header_ahead(lines, i + 1):
            out.append(b" " + line)  # a continuation written without its indentation
            changed = True
            continue
        out.extend(lines[i:])  # the body starts here, without the empty line before it
        break
    if not changed:
        return raw, False
    return b"".join(out) + raw[limit:], True


def _headers_follow(lines: list[bytes], first: int) -> bool:
    """At least two header lines of known names from `first` on: a header block, not prose."""
    known = 0
    for ln in lines[first:first + 8]:
        if _is_blank(ln):
            break
        known += _known_header(ln)
    return known >= 2


def _known_header_ahead(lines: list[bytes], i: int) -> bool:
    for ln in lines[i:i + _LOOK_AHEAD]:
        if _is_blank(ln):
            return False
        if _HEADER_LINE.match(ln):
            return _known_header(ln)
    return False
