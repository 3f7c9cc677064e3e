"""Reading an official document's header and signature block: the composition of the parts."""

from __future__ import annotations

import re

from tinbai.extract.docheader.bodies import clean_body_line, group_bodies
from tinbai.extract.docheader.lines import analyse_line, split_cells
from tinbai.extract.docheader.number import KIND_CODES, read_number
from tinbai.extract.docheader.recipients import BULLET_RE
from tinbai.extract.docheader.signer import read_signature
from tinbai.extract.docheader.text import is_upper_line
from tinbai.extract.docheader.title import VV_RE, kind_of, summary_from
from tinbai.report import DocumentHeader
from tinbai.textutil import aligned_fold

__all__ = ["parse_header"]

_END_MARK = re.compile(r"\./\.|\.\s/\s\.")  # "./." ends the body of an administrative document


def parse_header(text: str) -> DocumentHeader | None:
    """Read an official document's header and signature block; None when `text` is not one.

    A text is an official document (NĐ 30/2020 Art. 8, Phụ lục I) when it has the number line
    ("Số: …/…") with the quốc hiệu, the place-and-date line or a title ("V/v" for a công văn),
    or the quốc hiệu with the place-and-date line or a title.
    """
    if not text or not text.strip():
        return None
    lines = [analyse_line(c) for c in split_cells(text)]
    marks = [i for i, ln in enumerate(lines[:80]) if ln.quoc_hieu or ln.number or ln.place_date]
    if not marks:
        return None
    first = marks[0]
    end = min(len(lines), first + 16)
    number_at = next((i for i in range(first, end) if lines[i].number), None)
    qh_at = next((i for i in range(first, end) if lines[i].quoc_hieu), None)
    # text-layer PDFs and Word files put the left column (the bodies) above the quốc hiệu
    start = first
    while start > 0 and first - start < 5 and is_upper_line(lines[start - 1].left) \
            and kind_of(lines[start - 1].left) is None:
        start -= 1
    region_end = min(len(lines), max(first, number_at or first) + 14)
    place_at = next((i for i in range(start, region_end) if lines[i].place_date), None)

    # the title (upper-case kind), or for a công văn the "V/v" line under the number
    kind = kind_at = vv_at = None
    first_summary = ""
    for i in range((number_at + 1) if number_at is not None else start, region_end):
        got = kind_of(lines[i].left)
        if got:
            (kind, first_summary), kind_at = got, i
            break
    if kind is None:
        base = number_at if number_at is not None else start
        for i in range(base + 1, min(len(lines), base + 8)):
            left = lines[i].left.strip()
            m = VV_RE.match(aligned_fold(left))
            if m:
                vv_at, first_summary = i, "V/v " + left[m.end():].strip()
                break
    has_qh = qh_at is not None
    is_doc = (number_at is not None and (has_qh or place_at is not None or kind is not None
                                         or vv_at is not None)) \
        or (has_qh and (place_at is not None or kind is not None))
    if not is_doc:
        return None

    header = DocumentHeader()
    place = None
    if place_at is not None:
        pd = lines[place_at].place_date
        place = pd.place
        header.place, header.issued_on = pd.place, pd.issued.isoformat()
    if number_at is not None:
        header.number, header.symbol, header.kind_code, header.issuer_code = read_number(lines[number_at].number)

    # tên cơ quan chủ quản + tên cơ quan ban hành: the upper-case left column above the number
    body_stop = number_at if number_at is not None else (kind_at if kind_at is not None else place_at or first)
    body_lines: list[str] = []
    for i in range(start, body_stop + (1 if number_at is not None else 0)):
        left = lines[i].left
        if i == number_at:
            left = lines[i].text[:lines[i].number.start()]
        elif lines[i].number is not None:
            continue
        cleaned = clean_body_line(left, place)
        # a body's line is upper case (NĐ 30/2020 Phụ lục I, ô 2) and has two words or more
        if not is_upper_line(cleaned) or kind_of(cleaned) or len(cleaned.split()) < 2:
            continue
        body_lines.append(cleaned)
    bodies = group_bodies(body_lines)
    if bodies:
        header.issuing_body = bodies[-1]
        if len(bodies) >= 2:
            header.parent_body = bodies[-2]

    if kind is not None:
        header.kind = kind
        header.summary = summary_from(lines, kind_at, first_summary)
    elif vv_at is not None:
        header.kind = "CÔNG VĂN"
        header.summary = summary_from(lines, vv_at, first_summary)
    elif header.kind_code:
        header.kind = KIND_CODES.get(header.kind_code)
    elif header.symbol:
        header.kind = "CÔNG VĂN"  # a symbol without a kind code is a công văn's (Phụ lục III)

    # the signature block follows the body's closing "./."
    body_end = max(x for x in (kind_at, vv_at, number_at, place_at, first) if x is not None) + 1
    for i in range(len(lines) - 1, body_end - 1, -1):
        if _END_MARK.search(lines[i].text) and not BULLET_RE.match(lines[i].text):
            body_end = i + 1
            break
    header.signer_title, header.signer_name, header.recipients = read_signature(lines, body_end)
    return header
