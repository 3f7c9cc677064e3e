"""What each piece of a signature is: a name, a title, a unit, a phone, an address.

A signature's line is cut at its labels ("ĐT:", "Chức vụ:") and at the separators of one-line
signatures ("Nguyễn Văn A - Chuyên viên - Phòng Nghiệp vụ"); each piece is classified by its
words, and a title that names its unit ("Trưởng phòng Nghiệp vụ") is split in two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as _field

from tinbai.extract.sender.names import known_family, looks_like_person_name, name_shape
from tinbai.extract.sender.phones import find_phones
from tinbai.extract.sender.words import (
    BARE_HEAD_RE,
    BULLET_RE,
    EMBEDDED_UNITS,
    LABEL_RE,
    MID_LABEL_RE,
    PHONE_LABEL_RE,
    TITLE_RE,
    UNIT_RE,
    WORD_END,
    clean_value,
    is_ascii_letters,
    label_field,
    match_start,
)
from tinbai.lexicon import ADDRESS_WORDS, alternation_with_ascii
from tinbai.message import EMAIL_RE
from tinbai.textutil import ascii_key, casefold_key

__all__ = ["Item", "classify_line", "classify_unlabelled", "labelled_items", "split_title_unit"]

_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

_PLACE = alternation_with_ascii(ADDRESS_WORDS)
_PLACE_RE = re.compile(r"(?<![^\W_])(?:" + _PLACE + r")" + WORD_END, re.IGNORECASE)
_ADDRESS_START_RE = re.compile(
    r"(?:số\s*(?:nhà\s*)?\d+[a-z]?(?:/\d+[a-z]?)*(?![\w/])|so\s*(?:nha\s*)?\d+[a-z]?(?:/\d+[a-z]?)*(?![\w/])"
    r"|sn\s*\d+|\d+[a-z]?(?:/\d+[a-z]?)*\s+(?=" + _PLACE + r")|tầng\s+\d+|tang\s+\d+|km\s*\d+"
    r"|(?=(?:thôn|xóm|ấp|bản|khu phố|tổ dân phố|tiểu khu|thon|xom|ap|khu pho|to dan pho|tieu khu)\s))",
    re.IGNORECASE)

# separators between the parts of a one-line signature
_STRONG_SEP_RE = re.compile(r"(\s+[-–—|/•·]\s+|\s*\|\s*|\s*;\s*|\t+|\s+[–—]|[–—]\s+|\s*\(\s*|\s*\)\s*)")
_COMMA_SEP_RE = re.compile(r"(\s*,\s+)")
_CONNECTOR_RE = re.compile(r"^[\s,;:|/\-–—]*(?:(?:tại|thuộc|của|ở|tai|thuoc|cua)\s+)?", re.IGNORECASE)


@dataclass
class Item:
    # name, title, unit, phone, postal_address, ignore; "name?": a name with an uncommon family
    # name; "name~": a name or, if the block has its name elsewhere, the items of alt
    field: str
    value: str
    labelled: bool = False
    alt: list[Item] = _field(default_factory=list)


def split_title_unit(text: str) -> list[Item] | None:
    """'Chuyên viên Phòng Nghiệp vụ' -> title + unit; 'Chánh Văn phòng' -> title only."""
    m = match_start(TITLE_RE, text)
    if m is None:
        head = match_start(BARE_HEAD_RE, text)
        if head and match_start(UNIT_RE, text[head.end():]):
            # "Trưởng Thi hành án dân sự tỉnh", "Phó Trưởng Ban Tuyên giáo": the whole line is the title
            rest = text[head.end():].strip()
            return [Item("title", text.strip()), Item("unit", rest)]
        return None
    title = text[: m.end()].strip()
    rest = text[m.end():]
    if rest and not rest[0].isspace() and rest[0] not in ",;:|/-–—(":
        return None  # the title word is only the start of a longer word
    conn = _CONNECTOR_RE.match(rest)
    rest_clean = rest[conn.end():].strip() if conn else rest.strip()
    if not rest_clean:
        return [Item("title", title)]
    # "Chấp hành viên Đàm Đình Đạt", "Trưởng phòng Lê Văn Hùng": the title before the name
    name = looks_like_person_name(rest_clean, strict=True)
    if name:
        return [Item("title", title), Item("name", name)]
    embedded = next((unit for pat, unit in EMBEDDED_UNITS if pat.search(title)), None)
    if embedded is not None:
        if casefold_key(rest_clean).startswith(casefold_key(embedded)) or ascii_key(rest_clean).startswith(ascii_key(embedded)):
            return [Item("title", title), Item("unit", rest_clean)]
        if rest_clean[0].isupper() or rest_clean[0].isdigit():
            return [Item("title", title), Item("unit", f"{embedded} {rest_clean}")]
        return [Item("title", text.strip())]
    if match_start(UNIT_RE, rest_clean):
        return [Item("title", title), Item("unit", rest_clean)]
    # "Chuyên viên pháp chế", "Kế toán viên": the title with its specialty
    return [Item("title", text.strip())]


def _looks_like_address(text: str) -> bool:
    if len(text) < 8:
        return False
    places = _PLACE_RE.findall(text)
    if match_start(_ADDRESS_START_RE, text) and (places or "," in text):
        return True
    parts = [p.strip() for p in text.split(",") if p.strip()]
    starts = sum(1 for p in parts if match_start(_PLACE_RE, p))
    return len(parts) >= 3 and starts >= 2 and starts >= len(parts) - 1


def _classify_segment(seg: str) -> list[Item]:
    """What one unlabelled piece of a signature is."""
    s = seg.strip(" \t*•·,;:|_\"“”")
    s = re.sub(r"^[-–—]+\s*", "", s)
    if not s:
        return []
    if EMAIL_RE.fullmatch(s) or _URL_RE.fullmatch(s):
        return [Item("ignore", s)]
    # a labelled phone inside the piece: "Phòng Nghiệp vụ ĐT: 0912 345 678"
    for m in PHONE_LABEL_RE.finditer(s):
        phones = find_phones(s[m.end():m.end() + 40], labelled=True)
        if phones and s[m.end():].lstrip("(").startswith(phones[0][:2].lstrip("(")):
            after_start = s.find(phones[0], m.end()) + len(phones[0])
            return (_classify_segment(s[: m.start()]) + [Item("phone", phones[0], True)]
                    + _classify_segment(s[after_start:]))
    phones = find_phones(s)
    if phones:
        at = s.find(phones[0])
        before, after = s[:at], s[at + len(phones[0]):]
        words = re.sub(r"[^\w]+", " ", before + " " + after).split()
        if len(words) <= 1 or all(len(w) <= 12 for w in words) and len(words) <= 2 and not _classify_segment(before):
            return [Item("phone", phones[0])]  # "0912 345 678", "Mobile 0912 345 678"
        # "Phòng Nghiệp vụ 0912 345 678": what is around the number is classified on its own
        return [*_classify_segment(before), Item("phone", phones[0]), *_classify_segment(after)]
    role = split_title_unit(s)
    if role is None and match_start(UNIT_RE, s) and len(s.split()) <= 20:
        role = [Item("unit", s)]
    if role:
        # Typed without diacritics, "Truong Van Phong" is Trương Văn Phong or "Trưởng văn phòng",
        # "Vu Van An" Vũ Văn An or "Vụ …": the place in the block decides (see _parse_block)
        name = name_shape(s, strict=True, roles=False) if is_ascii_letters(s) else None
        if name:
            return [Item("name~", name, alt=role)]
        return role
    if _looks_like_address(s):
        return [Item("postal_address", s)]
    name = looks_like_person_name(s)
    if name:
        return [Item("name" if known_family(name) else "name?", name)]
    return []


def classify_unlabelled(text: str) -> list[Item]:
    """Split a piece at the separators of one-line signatures and classify the parts;
    a part that is nothing on its own belongs to the part before ("Ban Thi đua - Khen thưởng")."""
    whole = _classify_segment(text)
    parts = _STRONG_SEP_RE.split(text)
    items = _merge_parts(parts)
    if items is None or _score(whole) >= _score(items):
        items = whole
    if not items or all(i.field == "ignore" for i in items):
        comma = _merge_parts(_COMMA_SEP_RE.split(text))
        if comma and _score(comma) > _score(items):
            items = comma
    return items


def _score(items: Sequence[Item] | None) -> int:
    return len({i.field for i in items or [] if i.field != "ignore"})


def _merge_parts(parts: list[str]) -> list[Item] | None:
    if len(parts) <= 1:
        return None
    items: list[Item] = []
    sep = ""
    for k, part in enumerate(parts):
        if k % 2 == 1:
            sep = part
            continue
        if not part.strip():
            continue
        got = _classify_segment(part)
        if not got:
            if items and items[-1].field in ("unit", "title", "postal_address"):
                items[-1].value = f"{items[-1].value}{sep}{part.strip()}"
            continue
        first = got[0]
        if items and items[-1].field == first.field and first.field in ("unit", "postal_address"):
            items[-1].value = f"{items[-1].value}{sep}{first.value}"
            got = got[1:]
        items.extend(got)
    return items


def classify_line(line: str) -> tuple[list[Item], str | None]:
    """The items of one line, and the field of a label left without a value (its value is on
    the next line, as when a table's cells are rendered one per line)."""
    text = BULLET_RE.sub("", line.strip()).strip()
    if not text:
        return [], None
    # cut the line where a later label starts: "ĐT: 0912 345 678 - Email: a@b.vn"
    # (matched left to right, longest label first: "ĐT cơ quan:" is one label, not "ĐT" + "cơ quan:")
    cuts = [0] + [m.start() for m in MID_LABEL_RE.finditer(text) if m.start() > 0]
    pieces = [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)], strict=True)]
    items: list[Item] = []
    pending: str | None = None
    for piece in pieces:
        piece = piece.strip().strip(",;|").strip()
        piece = re.sub(r"\s*[-–—]$", "", piece)
        if not piece:
            continue
        m = LABEL_RE.match(piece)
        if m is None:
            items.extend(classify_unlabelled(piece))
            continue
        fld = label_field(m.group("label"))
        value = piece[m.end():].strip()
        if fld is None:
            items.extend(classify_unlabelled(piece))
            continue
        if not value:
            pending = fld
            continue
        pending = None
        items.extend(labelled_items(fld, value, m.group(0)))
    return items, pending


def labelled_items(fld: str, value: str, label_text: str) -> list[Item]:
    """The items of a labelled value; everything on a labelled line counts as labelled."""
    items = _labelled_value(fld, value, label_text)
    for it in items:
        it.labelled = True
    return items


def _labelled_value(fld: str, value: str, label_text: str) -> list[Item]:
    if fld == "ignore":
        return [Item("ignore", value, True)]
    if fld == "phone":
        phones = find_phones(value, labelled=True)
        if phones:
            return [Item("phone", phones[0], True)]
        return []
    if fld == "postal_address":
        m = PHONE_LABEL_RE.search(value)
        if m and m.start() > 0 and find_phones(value[m.end():], labelled=True):
            return [Item("postal_address", value[: m.start()].rstrip(" ,;-–—"), True),
                    Item("phone", find_phones(value[m.end():], labelled=True)[0], True)]
        return [Item("postal_address", value, True)]
    # name, title, unit: the first part is the labelled field; further parts are classified
    parts = _STRONG_SEP_RE.split(value)
    head, rest_items = value, []
    if len(parts) > 1:
        tail_items = _merge_parts(["", *parts[1:]]) or []
        if any(i.field not in ("ignore",) for i in tail_items):
            head = parts[0]
            rest_items = tail_items
    if fld == "name":
        comma = head.split(",", 1)
        if len(comma) == 2 and classify_unlabelled(comma[1]):
            head, rest_items = comma[0], classify_unlabelled(comma[1]) + rest_items
        name = looks_like_person_name(head) or clean_value(head)
        return [Item("name", name or head, True), *rest_items]
    if fld == "title":
        split = split_title_unit(head)
        if split and len(split) == 2 and split[0].field == "title":
            return [Item("title", split[0].value, True), Item("unit", split[1].value, True), *rest_items]
        return [Item("title", head, True), *rest_items]
    return [Item(fld, head, True), *rest_items]
