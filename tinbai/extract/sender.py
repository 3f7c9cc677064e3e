"""Who sent a submission, and whether the sender stated what the regulation asks.

Every regulation asks the sender of a submission to identify themselves:
- thainguyen / haiduong Art. 8.2: full name (họ tên), job title (chức danh), email and
  phone or postal address;
- binhphuoc Art. 9.1.b: agency/unit (cơ quan, đơn vị), full name, job title *if any*, email,
  phone or postal address;
- kontum Art. 9.1.c: full name, agency/unit, job title *if any*, phone or address;
- hungyen states nothing and follows the thainguyen rule.
Which of these a profile requires is data (Profile.required_sender); the article cited in
each problem is the profile's (Profile.article_for).

`extract_sender` reads the From header and the sender's own signature block (plain body,
else the HTML body as text), ignoring quoted replies and forwarded parts, and fills gaps from
the profile's contributors directory; pure. The rules that ask for each detail are
tinbai.rules.sender.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from typing import TYPE_CHECKING

from tinbai.lexicon import (
    ADDRESS_WORDS,
    CLOSINGS,
    FAMILY_NAMES,
    LABELS,
    MIDDLE_NAMES,
    NAME_LIKE_ASCII,
    NOT_NAME_ASCII,
    NOT_NAME_PHRASES,
    NOT_NAME_TOKENS,
    OPENING_VERBS,
    PLACE_NAMES,
    TITLE_BASES,
    TITLE_EMBEDDED_UNIT,
    TITLE_MODIFIERS,
    UNIT_HEADS,
    alternation,
    alternation_with_ascii,
)
from tinbai.message import EMAIL_RE, own_lines
from tinbai.report import Sender
from tinbai.textutil import ascii_key, casefold_key, html_to_text, nfc, strip_diacritics

if TYPE_CHECKING:
    from tinbai.config import Contributor, Profile

__all__ = ["extract_sender", "find_phones", "looks_like_person_name", "directory_entry"]

FIELDS = ("name", "title", "unit", "phone", "postal_address")

# ---------------------------------------------------------------------------------------------
# Keys and patterns of the lexicon (tinbai.lexicon)

FAMILY_KEYS = frozenset(casefold_key(n) for n in FAMILY_NAMES)
FAMILY_KEYS_ASCII = frozenset(ascii_key(n) for n in FAMILY_KEYS)
PLACE_KEYS = frozenset(casefold_key(n) for n in PLACE_NAMES)
PLACE_KEYS_ASCII = frozenset(ascii_key(n) for n in PLACE_KEYS)

_END = r"(?![^\W_])"  # the word ends here
_TITLE_RE = re.compile(
    r"(?:(?:q\.|quyền|phó)\s*)?(?:" + alternation_with_ascii(TITLE_BASES) + ")" + _END
    + r"(?:\s+(?:" + alternation_with_ascii(TITLE_MODIFIERS) + ")" + _END + ")*",
    re.IGNORECASE)
_BARE_HEAD_RE = re.compile(r"(?:phó\s+)?trưởng\s+|(?:pho\s+)?truong\s+|phó\s+|pho\s+", re.IGNORECASE)
_UNIT_RE = re.compile(r"(?:" + alternation_with_ascii(UNIT_HEADS) + ")" + _END, re.IGNORECASE)
_EMBEDDED = [(re.compile(p + "|" + ascii_key(p), re.IGNORECASE), unit) for p, unit in TITLE_EMBEDDED_UNIT]
_CLOSING_RE = re.compile(r"(?:" + alternation_with_ascii(CLOSINGS) + ")" + _END, re.IGNORECASE)

_LABEL_FIELD: dict[str, str] = {}
for _f, _words in LABELS.items():
    for _w in _words:
        _LABEL_FIELD.setdefault(casefold_key(_w), _f)
        _LABEL_FIELD.setdefault(ascii_key(_w), _f)
_ALL_LABELS = alternation(_LABEL_FIELD)
# a label at the start of a piece: "Họ và tên:", "Điện thoại (cơ quan):", "Họ và tên | …" (table cell)
_LABEL_RE = re.compile(
    r"(?P<label>(?:" + _ALL_LABELS + r")" + _END + r"(?:\s*[/,&]\s*(?:" + _ALL_LABELS + r")" + _END + r")*)\s*(?:\([^()]{0,30}\)\s*)?(?:[:：]\s*(?:\|\s*)?|\|\s*|$)",
    re.IGNORECASE)


def _label_field(label: str) -> str | None:
    """The field of a label; "Đơn vị/Cơ quan", "Điện thoại/Fax": the first that is not ignored."""
    whole = _LABEL_FIELD.get(casefold_key(label)) or _LABEL_FIELD.get(ascii_key(label))
    if whole:
        return whole
    parts = [_LABEL_FIELD.get(casefold_key(p)) or _LABEL_FIELD.get(ascii_key(p)) for p in re.split(r"\s*[/,&]\s*", label)]
    return next((f for f in parts if f and f != "ignore"), next((f for f in parts if f), None))


# a label after a separator, later in a line: "… - Email: …", "…, ĐT: …"
_MID_LABEL_RE = re.compile(
    r"(?:^|(?<=\s)|(?<=[,;|]))(?:" + _ALL_LABELS + r")" + _END + r"\s*(?:\([^()]{0,30}\)\s*)?[:：]",
    re.IGNORECASE)
_PHONE_LABEL = alternation_with_ascii(LABELS["phone"])
_PHONE_LABEL_RE = re.compile(r"(?<![^\W_])(?:" + _PHONE_LABEL + r")" + _END + r"\.?\s*(?:\([^()]{0,20}\)\s*)?[:：.]?\s*",
                             re.IGNORECASE)
_FAX_BEFORE_RE = re.compile(r"fax\s*[:.]?\s*$", re.IGNORECASE)

# a phone number as written: 0208.3854.376, 0208 3854 376, (0271) 3203131, 0912-345-678,
# +84 912 345 678, 84-912-345-678, (+84) 912 345 678
_PHONE_CAND_RE = re.compile(r"(?<![\w/.,+])(?:\(\s*\+?\d{1,4}\s*\)|\+\s?\d)[\d\s.\-()]{5,22}\d(?![\w/])"
                            r"|(?<![\w/.,+])\d[\d\s.\-()]{6,22}\d(?![\w/])")
_PHONE_SPLIT_RE = re.compile(r"\s+[-–/]\s+|\s{2,}|\s*,\s*|\s*;\s*")

_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

_PLACE = alternation_with_ascii(ADDRESS_WORDS)
_PLACE_RE = re.compile(r"(?<![^\W_])(?:" + _PLACE + r")" + _END, re.IGNORECASE)
_ADDRESS_START_RE = re.compile(
    r"(?:số\s*(?:nhà\s*)?\d+[a-z]?(?:/\d+[a-z]?)*(?![\w/])|so\s*(?:nha\s*)?\d+[a-z]?(?:/\d+[a-z]?)*(?![\w/])"
    r"|sn\s*\d+|\d+[a-z]?(?:/\d+[a-z]?)*\s+(?=" + _PLACE + r")|tầng\s+\d+|tang\s+\d+|km\s*\d+"
    r"|(?=(?:thôn|xóm|ấp|bản|khu phố|tổ dân phố|tiểu khu|thon|xom|ap|khu pho|to dan pho|tieu khu)\s))",
    re.IGNORECASE)

_NOT_NAME_RE = re.compile(r"(?<!\w)(?:" + alternation(NOT_NAME_PHRASES) + r")(?!\w)")
_NOT_NAME_ASCII_RE = re.compile(r"(?<!\w)(?:" + alternation(NOT_NAME_ASCII) + r")(?!\w)")
_NOT_NAME_ASCII_FAMILY_RE = re.compile(
    r"(?<!\w)(?:" + alternation(p for p in NOT_NAME_ASCII if p not in NAME_LIKE_ASCII) + r")(?!\w)")
_HONORIFIC_RE = re.compile(r"^(?:(?:pgs|gs|ts|ths|th\.s|cn|ks|bs|ls|ncs|mr|ms|mrs|bà)\.?\s+|(?:pgs|gs|ts|ths|cn|ks|bs|ls|ncs)\.)+(?=\S)",
                           re.IGNORECASE)
_NAME_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[^\W\d_]['’]")

# separators between the parts of a one-line signature
_STRONG_SEP_RE = re.compile(r"(\s+[-–—|/•·]\s+|\s*\|\s*|\s*;\s*|\t+|\s+[–—]|[–—]\s+|\s*\(\s*|\s*\)\s*)")
_COMMA_SEP_RE = re.compile(r"(\s*,\s+)")
_CONNECTOR_RE = re.compile(r"^[\s,;:|/\-–—]*(?:(?:tại|thuộc|của|ở|tai|thuoc|cua)\s+)?", re.IGNORECASE)

_SIG_DASH_RE = re.compile(r"^(?:--|—|-- |---|___)\s*$")


# ---------------------------------------------------------------------------------------------
# Small helpers


def _clean(value: str | None) -> str | None:
    """Collapse spaces and trim punctuation a signature puts around a value."""
    if value is None:
        return None
    value = " ".join(nfc(value).split())
    value = value.strip(" \t*•·|,;:-–—_\"'“”")
    value = re.sub(r"[.!]+$", "", value).strip()
    return value or None


def _is_ascii_letters(text: str) -> bool:
    """No Vietnamese diacritics at all (typed without marks)."""
    return strip_diacritics(text) == text


def _match_start(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    m = pattern.match(text)
    if m and m.group(0).strip():
        return m
    return None


def find_phones(text: str, *, labelled: bool = False) -> list[str]:
    """Phone numbers in text, as written (surrounding spaces and punctuation trimmed).

    A Vietnamese number has 10 or 11 digits starting with 0 (mobile 09x/08x/07x/05x/03x,
    landline 02xx since 2017), or the same after +84/84/0084; with a label (labelled=True)
    8-11 digits are accepted (1900/1800 lines, short landlines). Numbers after "Fax" are skipped.
    """
    out: list[str] = []
    for m in _PHONE_CAND_RE.finditer(text):
        if _FAX_BEFORE_RE.search(text[: m.start()]):
            continue
        cand = m.group(0)
        pieces = [cand]
        if not _valid_phone(cand, labelled):
            pieces = [p for p in _PHONE_SPLIT_RE.split(cand) if p]
        for piece in pieces:
            piece = piece.strip(" .-")
            if piece.count("(") != piece.count(")"):
                piece = piece.strip("()").strip()
            if _valid_phone(piece, labelled):
                out.append(piece)
    return out


def _valid_phone(cand: str, labelled: bool) -> bool:
    digits = re.sub(r"\D", "", cand)
    if not digits:
        return False
    if digits.startswith("0084"):
        national = "0" + digits[4:]
    elif digits.startswith("84") and (cand.lstrip("( ").startswith("+") or len(digits) in (11, 12)):
        national = "0" + digits[2:]
    elif cand.lstrip("( ").startswith("+"):
        return False  # a foreign number
    else:
        national = digits
    if re.search(r"\d{4}[./-]\d{1,2}[./-]\d{1,2}$|\d{1,2}[./-]\d{1,2}[./-]\d{4}$", cand):
        return False  # a date
    if national.startswith("0") and 10 <= len(national) <= 11:
        return True
    if not labelled:
        return False
    # after a label: service lines (1900 xxxx, 1800 xxxx) and old 9-digit landlines
    return (national.startswith(("1900", "1800")) and 8 <= len(national) <= 10) or (
        national.startswith("0") and len(national) == 9)


def looks_like_person_name(text: str | None, *, strict: bool = False) -> str | None:
    """The name as it should be reported, when text looks like a Vietnamese person's full name.

    2-5 capitalised words of letters (ALL CAPS and names typed without diacritics count; an
    ALL-CAPS name is returned in title case); nothing that names a unit, a title or a role
    mailbox ("Văn phòng Cục THADS", "Ban Biên tập", "admin"). With strict, the first word must
    also be a known family name (used for lines of a signature whose role is not clear).
    """
    return _name_shape(text, strict=strict, roles=True)


def _name_shape(text: str | None, *, strict: bool, roles: bool) -> str | None:
    """looks_like_person_name; with roles=False a text that also reads as a title or unit
    (possible only without diacritics: "Truong Van Phong") is not rejected for it."""
    if not text:
        return None
    t = " ".join(nfc(text).split()).strip(" \t*•·|,;:-–—_\"'“”()[]")
    t = re.sub(r"[.!]+$", "", t).strip()
    t = _HONORIFIC_RE.sub("", t).strip()
    if not t or "@" in t or any(ch.isdigit() for ch in t):
        return None
    tokens = t.split()
    if not 2 <= len(tokens) <= 5:
        return None
    if not all(_NAME_TOKEN_RE.fullmatch(tok) for tok in tokens):
        return None
    letters = [ch for ch in t if ch.isalpha()]
    if all(ch.isupper() for ch in letters) and len(letters) > 2:
        t = t.title()
        tokens = t.split()
    elif all(ch.islower() for ch in letters):
        # "nguyen van a" as some webmail users write it: only with a known family name
        if ascii_key(tokens[0]) not in FAMILY_KEYS_ASCII:
            return None
        t = t.title()
        tokens = t.split()
    for tok in tokens:
        if not tok[0].isupper() or (len(tok) > 1 and not tok[1:].replace("'", "").replace("’", "").islower()
                                    and not re.fullmatch(r"[^\W\d_]['’][A-ZÀ-Ỹ][^\W\d_]*", tok)):
            return None
    key = casefold_key(t)
    keys = key.split()
    if any(tok in NOT_NAME_TOKENS for tok in keys):
        return None
    if key in PLACE_KEYS or (_is_ascii_letters(t) and ascii_key(t) in PLACE_KEYS_ASCII):
        return None
    # after a family name and the middle name "Văn"/"Thị" come given names: "Nguyễn Văn Thư"
    # is a person even though "văn thư" is a title
    family_first = keys[0] in FAMILY_KEYS or (_is_ascii_letters(t) and ascii_key(keys[0]) in FAMILY_KEYS_ASCII)
    start = 0
    if family_first and len(keys) >= 3:
        start = 2 if keys[1] in MIDDLE_NAMES else 1
    rest = " ".join(keys[start:])
    if _is_ascii_letters(t):
        pattern = _NOT_NAME_ASCII_FAMILY_RE if family_first else _NOT_NAME_ASCII_RE
        if pattern.search(ascii_key(rest)):
            return None
    elif _NOT_NAME_RE.search(rest):
        return None
    for pattern in (_TITLE_RE, _UNIT_RE) if roles else ():
        m = _match_start(pattern, t)
        # "Văn Thư", "Phòng Nghiệp Vụ", "Phó Giám Đốc"; but "Vu Van An" (Vũ, not "Vụ") and
        # "Truong Thi Hoa" (Trương, not "Trường") are people typed without diacritics
        if m and not (family_first and len(m.group(0).split()) == 1):
            return None
    if _match_start(_CLOSING_RE, t) and not family_first:
        return None  # "Trân Trọng", "Thân Ái"
    if strict and casefold_key(tokens[0]) not in FAMILY_KEYS and ascii_key(tokens[0]) not in FAMILY_KEYS_ASCII:
        return None
    return t


def _known_family(name: str) -> bool:
    first = name.split()[0]
    return casefold_key(first) in FAMILY_KEYS or (_is_ascii_letters(name) and ascii_key(first) in FAMILY_KEYS_ASCII)


# ---------------------------------------------------------------------------------------------
# Classifying the pieces of a signature


@dataclass
class _Item:
    # name, title, unit, phone, postal_address, ignore; "name?": a name with an uncommon family
    # name; "name~": a name or, if the block has its name elsewhere, the items of alt
    field: str
    value: str
    labelled: bool = False
    alt: list[_Item] = _field(default_factory=list)


def _split_title_unit(text: str) -> list[_Item] | None:
    """'Chuyên viên Phòng Nghiệp vụ' -> title + unit; 'Chánh Văn phòng' -> title only."""
    m = _match_start(_TITLE_RE, text)
    if m is None:
        head = _match_start(_BARE_HEAD_RE, text)
        if head and _match_start(_UNIT_RE, text[head.end():]):
            # "Trưởng Thi hành án dân sự tỉnh", "Phó Trưởng Ban Tuyên giáo": the whole line is the title
            rest = text[head.end():].strip()
            return [_Item("title", text.strip()), _Item("unit", rest)]
        return None
    title = text[: m.end()].strip()
    rest = text[m.end():]
    if rest and not rest[0].isspace() and rest[0] not in ",;:|/-–—(":
        return None  # the title word is only the start of a longer word
    conn = _CONNECTOR_RE.match(rest)
    rest_clean = rest[conn.end():].strip() if conn else rest.strip()
    if not rest_clean:
        return [_Item("title", title)]
    embedded = next((unit for pat, unit in _EMBEDDED if pat.search(title)), None)
    if embedded is not None:
        if casefold_key(rest_clean).startswith(casefold_key(embedded)) or ascii_key(rest_clean).startswith(ascii_key(embedded)):
            return [_Item("title", title), _Item("unit", rest_clean)]
        if rest_clean[0].isupper() or rest_clean[0].isdigit():
            return [_Item("title", title), _Item("unit", f"{embedded} {rest_clean}")]
        return [_Item("title", text.strip())]
    if _match_start(_UNIT_RE, rest_clean):
        return [_Item("title", title), _Item("unit", rest_clean)]
    # "Chuyên viên pháp chế", "Kế toán viên": the title with its specialty
    return [_Item("title", text.strip())]


def _looks_like_address(text: str) -> bool:
    if len(text) < 8:
        return False
    places = _PLACE_RE.findall(text)
    if _match_start(_ADDRESS_START_RE, text) and (places or "," in text):
        return True
    parts = [p.strip() for p in text.split(",") if p.strip()]
    starts = sum(1 for p in parts if _match_start(_PLACE_RE, p))
    return len(parts) >= 3 and starts >= 2 and starts >= len(parts) - 1


def _classify_segment(seg: str) -> list[_Item]:
    """What one unlabelled piece of a signature is."""
    s = seg.strip(" \t*•·,;:|_\"“”")
    s = re.sub(r"^[-–—]+\s*", "", s)
    if not s:
        return []
    if EMAIL_RE.fullmatch(s) or _URL_RE.fullmatch(s):
        return [_Item("ignore", s)]
    # a labelled phone inside the piece: "Phòng Nghiệp vụ ĐT: 0912 345 678"
    for m in _PHONE_LABEL_RE.finditer(s):
        phones = find_phones(s[m.end():m.end() + 40], labelled=True)
        if phones and s[m.end():].lstrip("(").startswith(phones[0][:2].lstrip("(")):
            after_start = s.find(phones[0], m.end()) + len(phones[0])
            return (_classify_segment(s[: m.start()]) + [_Item("phone", phones[0], True)]
                    + _classify_segment(s[after_start:]))
    phones = find_phones(s)
    if phones:
        at = s.find(phones[0])
        before, after = s[:at], s[at + len(phones[0]):]
        words = re.sub(r"[^\w]+", " ", before + " " + after).split()
        if len(words) <= 1 or all(len(w) <= 12 for w in words) and len(words) <= 2 and not _classify_segment(before):
            return [_Item("phone", phones[0])]  # "0912 345 678", "Mobile 0912 345 678"
        # "Phòng Nghiệp vụ 0912 345 678": what is around the number is classified on its own
        return [*_classify_segment(before), _Item("phone", phones[0]), *_classify_segment(after)]
    role = _split_title_unit(s)
    if role is None and _match_start(_UNIT_RE, s) and len(s.split()) <= 20:
        role = [_Item("unit", s)]
    if role:
        # Typed without diacritics, "Truong Van Phong" is Trương Văn Phong or "Trưởng văn phòng",
        # "Vu Van An" Vũ Văn An or "Vụ …": the place in the block decides (see _parse_block)
        name = _name_shape(s, strict=True, roles=False) if _is_ascii_letters(s) else None
        if name:
            return [_Item("name~", name, alt=role)]
        return role
    if _looks_like_address(s):
        return [_Item("postal_address", s)]
    name = looks_like_person_name(s)
    if name:
        return [_Item("name" if _known_family(name) else "name?", name)]
    return []


def _classify_unlabelled(text: str) -> list[_Item]:
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


def _score(items: Sequence[_Item] | None) -> int:
    return len({i.field for i in items or [] if i.field != "ignore"})


def _merge_parts(parts: list[str]) -> list[_Item] | None:
    if len(parts) <= 1:
        return None
    items: list[_Item] = []
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


def _classify_line(line: str) -> tuple[list[_Item], str | None]:
    """The items of one line, and the field of a label left without a value (its value is on
    the next line, as when a table's cells are rendered one per line)."""
    text = line.strip()
    text = re.sub(r"^[*•·>\s]+", "", text).strip()
    if not text:
        return [], None
    # cut the line where a later label starts: "ĐT: 0912 345 678 - Email: a@b.vn"
    # (matched left to right, longest label first: "ĐT cơ quan:" is one label, not "ĐT" + "cơ quan:")
    cuts = [0] + [m.start() for m in _MID_LABEL_RE.finditer(text) if m.start() > 0]
    pieces = [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)], strict=True)]
    items: list[_Item] = []
    pending: str | None = None
    for piece in pieces:
        piece = piece.strip().strip(",;|").strip()
        piece = re.sub(r"\s*[-–—]$", "", piece)
        if not piece:
            continue
        m = _LABEL_RE.match(piece)
        if m is None:
            items.extend(_classify_unlabelled(piece))
            continue
        fld = _label_field(m.group("label"))
        value = piece[m.end():].strip()
        if fld is None:
            items.extend(_classify_unlabelled(piece))
            continue
        if not value:
            pending = fld
            continue
        pending = None
        items.extend(_labelled_items(fld, value, m.group(0)))
    return items, pending


def _labelled_items(fld: str, value: str, label_text: str) -> list[_Item]:
    """The items of a labelled value; everything on a labelled line counts as labelled."""
    items = _labelled_value(fld, value, label_text)
    for it in items:
        it.labelled = True
    return items


def _labelled_value(fld: str, value: str, label_text: str) -> list[_Item]:
    if fld == "ignore":
        return [_Item("ignore", value, True)]
    if fld == "phone":
        phones = find_phones(value, labelled=True)
        if phones:
            return [_Item("phone", phones[0], True)]
        return []
    if fld == "postal_address":
        m = _PHONE_LABEL_RE.search(value)
        if m and m.start() > 0 and find_phones(value[m.end():], labelled=True):
            return [_Item("postal_address", value[: m.start()].rstrip(" ,;-–—"), True),
                    _Item("phone", find_phones(value[m.end():], labelled=True)[0], True)]
        return [_Item("postal_address", value, True)]
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
        if len(comma) == 2 and _classify_unlabelled(comma[1]):
            head, rest_items = comma[0], _classify_unlabelled(comma[1]) + rest_items
        name = looks_like_person_name(head) or _clean(head)
        return [_Item("name", name or head, True), *rest_items]
    if fld == "title":
        split = _split_title_unit(head)
        if split and len(split) == 2 and split[0].field == "title":
            return [_Item("title", split[0].value, True), _Item("unit", split[1].value, True), *rest_items]
        return [_Item("title", head, True), *rest_items]
    return [_Item(fld, head, True), *rest_items]


@dataclass
class _Found:
    values: dict[str, str] = _field(default_factory=dict)

    def count(self) -> int:
        return len(self.values)

    def fill(self, other: _Found) -> None:
        for k, v in other.values.items():
            self.values.setdefault(k, v)


def _parse_block(lines: Sequence[str], *, only_labelled: bool = False) -> _Found:
    """Fields of a signature block: the first of each kind wins."""
    parsed: list[list[_Item]] = []
    pending: str | None = None
    for line in lines:
        if pending and line.strip():
            value = line.strip()
            items = _labelled_items(pending, value, "")
            pending = None
        else:
            items, pending = _classify_line(line)
        parsed.append(items)
    found = _Found()
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
            value = _clean(it.value) if fld != "phone" else it.value.strip()
            if not value:
                continue
            found.values.setdefault(fld, value)
    return found


# ---------------------------------------------------------------------------------------------
# Finding the sender's own signature block


def _is_closing(line: str) -> str | None:
    """None, or what follows the closing words on the same line ("" when nothing does)."""
    s = line.strip().strip("*_")
    if not s or len(s) > 90:
        return None
    m = _match_start(_CLOSING_RE, s)
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
        block.insert(0, line)
        n += 1
        if n >= 8:
            break
    return block


def _signature_fields(text: str | None) -> _Found:
    if not text or not text.strip():
        return _Found()
    lines = own_lines(text)
    found = _Found()
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


def _labelled_group(lines: Sequence[str]) -> _Found:
    """Labelled name/title/unit lines and the labelled phone/address lines near them."""
    anchors = []
    for i, line in enumerate(lines):
        m = _LABEL_RE.match(re.sub(r"^[*•·\s]+", "", line))
        if m and _label_field(m.group("label")) in ("name", "title", "unit"):
            anchors.append(i)
    if not anchors:
        return _Found()
    lo, hi = max(0, anchors[0] - 6), min(len(lines), anchors[-1] + 7)
    return _parse_block(lines[lo:hi], only_labelled=True)


# ---------------------------------------------------------------------------------------------
# The display name of From


def _display_fields(display: str | None, address: str | None) -> _Found:
    """A person's name (and unit or title, if written) from the display name; nothing for a unit
    mailbox ("Văn phòng Cục THADS") or an address-like string."""
    found = _Found()
    if not display or "@" in display or (address and casefold_key(display) == casefold_key(address.split("@")[0])):
        return found
    text = re.sub(r"\s*\(([^()]*)\)\s*", r" | \1 | ", display).strip(" |")
    items = _classify_unlabelled(text)
    for it in items:
        fld = "name" if it.field in ("name", "name?", "name~") else it.field
        if fld in ("name", "title", "unit") and fld not in found.values:
            value = _clean(it.value)
            if value:
                found.values[fld] = value
    if "name" not in found.values and not items:
        name = looks_like_person_name(display)
        if name:
            found.values["name"] = name
    return found


# ---------------------------------------------------------------------------------------------
# Public API


def extract_sender(display_name: str | None, address: str | None, plain: str | None, html: str | None,
                   profile: Profile | None = None) -> Sender:
    """The sender of a message: the address and display name of From (as tinbai.message.parse_from
    read them: ParsedMessage.from_address, .from_name), the rest from the signature block of the
    plain body (else of the HTML body), then the profile's contributors directory for what the
    message does not say.

    - The name comes from the signature, else from the display name, but never from a display
      name that is a unit or role mailbox ("Văn phòng Cục THADS") or an address.
    - Title and unit on one line are split ("Chuyên viên Phòng Nghiệp vụ"); "Chánh Văn phòng"
      is a title.
    - The phone is returned as written in the message.
    - Quoted replies and forwarded parts are ignored: their signatures are other people's.
    """
    plain_found = _signature_fields(plain)
    html_found = _signature_fields(html_to_text(html, mark_quotes=True)) if html and html.strip() else _Found()
    if html_found.count() > plain_found.count():
        found, other = html_found, plain_found
    else:
        found, other = plain_found, html_found
    found.fill(other)

    from_display = _display_fields(display_name, address)
    if "name" not in found.values and "name" in from_display.values:
        found.values["name"] = from_display.values["name"]
    for fld in ("unit", "title"):
        if fld not in found.values and fld in from_display.values:
            found.values[fld] = from_display.values[fld]

    sender = Sender(address=address, **{k: found.values.get(k) for k in FIELDS})
    entry = directory_entry(profile, address)
    if entry is not None:
        for fld in FIELDS:
            if getattr(sender, fld) is None and getattr(entry, fld, None):
                setattr(sender, fld, nfc(getattr(entry, fld)))
    return sender


def directory_entry(profile: Profile | None, address: str | None) -> Contributor | None:
    if profile is None or not address:
        return None
    for c in getattr(profile, "contributors", None) or []:
        if c.address.strip().lower() == address.lower():
            return c
    return None
