"""The header and the signature block of an official document (văn bản hành chính).

Nghị định 30/2020/NĐ-CP (công tác văn thư), Phụ lục I, fixes the layout every
agency uses, and this module reads it back from plain text:

    left column                          right column
    TÊN CƠ QUAN CHỦ QUẢN                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    TÊN CƠ QUAN BAN HÀNH                 Độc lập - Tự do - Hạnh phúc
    Số: 117/QĐ-CTHADS                    Thái Nguyên, ngày 28 tháng 4 năm 2026
                     TÊN LOẠI VĂN BẢN (QUYẾT ĐỊNH, KẾ HOẠCH…)
                     Trích yếu nội dung
    (công văn: no title; "V/v …" under the number in the left column)
    …body…./.
    Nơi nhận:                            KT. CỤC TRƯỞNG
    - Như trên;                          PHÓ CỤC TRƯỞNG
    - Trang TTĐT;                        (chữ ký, dấu)
    - Lưu: VT, VP.                       Nguyễn Văn A

The text reaches us from Word files, PDF text layers and OCR of scans (done
elsewhere). OCR reads the two columns line by line, so one line may carry the
left and the right column ("CỤC THI HÀNH ÁN DÂN SỰ Độc lập - Tự do - Hạnh
phúc"), loses or changes diacritics ("THỊ HÀNH", "S6:", "QD"), joins words
("DÂNSỰ") and appends specks of noise. Everything is therefore matched on a
folded form (lower case, no diacritics, đ -> d) that keeps the positions of the
original text, and the pieces of the right column are cut out before the left
column is read. All functions are pure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from tinbai.lexicon import (
    ADMINISTRATIVE_UNITS,
    FAMILY_NAMES,
    NOT_PLACE_WORDS,
    SIGNER_TITLES,
    SURNAME_UNIT_HEADS,
    UNIT_HEADS,
    alternation_folded,
)
from tinbai.parsers.vietnamese import is_vietnamese_syllable
from tinbai.report import DocumentHeader
from tinbai.textutil import aligned_fold

__all__ = [
    "KIND_CODES",
    "KIND_NAMES",
    "looks_like_person_name",
    "mentions_portal",
    "parse_header",
    "parse_issued_line",
]

# --------------------------------------------------------------------------- folding


def _key(text: str) -> str:
    """A comparison key: folded, letters and digits only ("DÂNSỰ" == "Dân sự")."""
    return re.sub(r"[^a-z0-9]", "", aligned_fold(unicodedata.normalize("NFC", text)))


def _spaced(phrase: str) -> str:
    """A regex for `phrase` (folded) that tolerates any spaces between its letters (OCR)."""
    return r"\s*".join(re.escape(c) for c in phrase.replace(" ", ""))


# --------------------------------------------------------------------------- vocabulary

# Tên loại văn bản (NĐ 30/2020, Phụ lục III) and its abbreviation in the symbol, plus the
# kinds agencies commonly add (kết luận, nghị định, thông tư).
KIND_CODES: dict[str, str] = {
    "NQ": "NGHỊ QUYẾT", "QĐ": "QUYẾT ĐỊNH", "CT": "CHỈ THỊ", "QC": "QUY CHẾ", "QyĐ": "QUY ĐỊNH",
    "TC": "THÔNG CÁO", "TB": "THÔNG BÁO", "HD": "HƯỚNG DẪN", "CTr": "CHƯƠNG TRÌNH",
    "KH": "KẾ HOẠCH", "PA": "PHƯƠNG ÁN", "ĐA": "ĐỀ ÁN", "DA": "DỰ ÁN", "BC": "BÁO CÁO",
    "BB": "BIÊN BẢN", "TTr": "TỜ TRÌNH", "HĐ": "HỢP ĐỒNG", "CĐ": "CÔNG ĐIỆN", "GN": "BẢN GHI NHỚ",
    "TTh": "BẢN THỎA THUẬN", "GUQ": "GIẤY ỦY QUYỀN", "GM": "GIẤY MỜI", "GGT": "GIẤY GIỚI THIỆU",
    "GNP": "GIẤY NGHỈ PHÉP", "PG": "PHIẾU GỬI", "PC": "PHIẾU CHUYỂN", "PB": "PHIẾU BÁO",
    "KL": "KẾT LUẬN", "NĐ": "NGHỊ ĐỊNH", "TT": "THÔNG TƯ", "TTLT": "THÔNG TƯ LIÊN TỊCH",
}
# Titles that may stand on their own line (the upper-case title of the document).
KIND_NAMES: tuple[str, ...] = tuple(sorted(
    {*KIND_CODES.values(), "CÔNG VĂN", "LUẬT", "PHÁP LỆNH", "LỆNH", "BẢN CAM KẾT", "THƯ MỜI",
     "GIẤY TRIỆU TẬP", "BẢN SAO", "TRÍCH LỤC", "QUYẾT ĐỊNH"},
    key=len, reverse=True))
_KIND_BY_KEY = {_key(k): k for k in KIND_NAMES}

_CODE_EXACT = {c.upper(): c for c in KIND_CODES}
_CODE_FOLDED: dict[str, list[str]] = {}
for _c in KIND_CODES:
    _CODE_FOLDED.setdefault(_key(_c), []).append(_c)

# Right column of the header: quốc hiệu and tiêu ngữ (NĐ 30/2020 Phụ lục I, ô 1); a Party
# body writes "ĐẢNG CỘNG SẢN VIỆT NAM" there instead.
_QUOC_HIEU = re.compile("|".join([
    _spaced("cong hoa xa hoi chu nghia") + r"(?:\s*" + _spaced("viet nam") + ")?",
    _spaced("xa hoi chu nghia viet nam"),
    _spaced("cong hoa xa hoi"),
    _spaced("dang cong san viet nam"),
]))
_DASH = r"[\s\-–—_.,~]*"
_MOTTO = re.compile("|".join([
    _spaced("doc lap") + _DASH + _spaced("tu do") + _DASH + _spaced("hanh phu") + "c?",
    _spaced("tu do") + _DASH + _spaced("hanh phuc"),
    _spaced("doc lap") + _DASH + _spaced("tu do"),
]))

# "Số: 117/QĐ-CTHADS", "Số 35/KH-STP", "Số:28 /QĐ-STP", OCR "S6: 117/QD-CTHADS",
# legal documents "Số: 30/2020/NĐ-CP" (the year between number and symbol).
_NUMBER = re.compile(
    r"(?<![^\W\d_])S[ốồổỗộôóòỏõọơớờởỡợoöœ06éèe][ ]?[:;.,]?\s*(?P<num>\d{1,5})\s*[/|]\s*"
    r"(?:(?P<year>(?:19|20)\d{2})\s*/\s*)?"
    r"(?P<sym>[A-ZĐÐ][A-Za-zĐđÐ0-9&]*(?:\s*[-–]\s*[A-ZĐÐ0-9][A-Za-zĐđÐ0-9&]*)*)"
    # Party documents (Hướng dẫn 36-HD/VPTW): "Số 12-KL/ĐU", number-kind/issuer
    # OCR may drop the slash: "Số: 15HD-THADS" (the symbol then keeps its hyphen)
    r"|(?<![^\W\d_])S[ốồổỗộôóòỏõọơớờởỡợoöœ06éèe][ ]?[:;.,]?\s*(?P<nnum>\d{1,5})"
    r"(?P<nsym>[A-ZĐÐ][A-Za-zĐđÐ]{0,4}\s*[-–]\s*[A-ZĐÐ][A-Za-zĐđÐ0-9&]*(?:\s*[-–]\s*[A-ZĐÐ0-9][A-Za-zĐđÐ0-9&]*)*)"
    r"|(?<![^\W\d_])S[ốồổỗộôóòỏõọơớờởỡợoöœ06éèe][ ]?[:;.,]?\s*(?P<pnum>\d{1,5})\s*[-–]\s*"
    r"(?P<pkind>[A-ZĐÐ][A-Za-zĐđÐ]*)\s*/\s*(?P<pissuer>[A-ZĐÐ][A-Za-zĐđÐ0-9&]*(?:\s*[-–]\s*[A-ZĐÐ0-9]+)*)"
)

# "<Place>, ngày 28 tháng 4 năm 2026" / "ngày 5/1/2025" (on the folded text).
_DATE_AFTER_NGAY = re.compile(
    r"ng\s*a\s*y\s*(?P<d>\d{1,2})\s*(?:th\s*a\s*ng|[/.\-])\s*(?P<m>\d{1,2})\s*(?:n\s*a\s*m|[/.\-])\s*(?P<y>\d{4})"
)
_NGAY = re.compile(r"(?<![a-z])ng\s*a\s*y(?=\s*\d)")

# The "Nơi nhận:" marker (NĐ 30/2020 Phụ lục I, ô 9a/9b).
_NOI_NHAN = re.compile(r"n\s*o\s*i\s+nh\s*a\s*n\s*[:;.]?")
_BULLET = re.compile(r"^\s*[-–—~•+*·‐=]\s*")
_LUU = re.compile(r"^l\s*u\s*u\s*[:;.]")
_END_MARK = re.compile(r"\./\.|\.\s/\s\.")  # "./." ends the body of an administrative document

# Thẩm quyền ký (NĐ 30/2020 Art. 13): KT. (ký thay), TM. (thay mặt), TL. (thừa lệnh),
# TUQ. (thừa ủy quyền), Q. (quyền).
_AUTHORITY = re.compile(r"^(?:kt|tm|tl|tuq|q)\s*[.,:]\s*\S")
# the words of a signer's title (tinbai.lexicon.SIGNER_TITLES)
_TITLE_WORDS = re.compile(r"\b(?:" + alternation_folded(SIGNER_TITLES) + r")\b")

# Words that start a new body in the left column (a line without one continues the body above).
_BODY_HEADS = re.compile(r"^(?:" + alternation_folded(UNIT_HEADS + SURNAME_UNIT_HEADS) + r")\b")
# Administrative units: a line starting with one continues the body above ("TỈNH THÁI NGUYÊN").
_LOCALITY = re.compile(r"^(?:" + alternation_folded(ADMINISTRATIVE_UNITS) + r")\b")

_SURNAMES = frozenset(_key(s) for s in FAMILY_NAMES)


# --------------------------------------------------------------------------- the issued line


@dataclass(frozen=True)
class _PlaceDate:
    start: int  # span in the line (the place included)
    end: int
    place: str | None
    issued: date


def _is_title_word(tok: str) -> bool:
    """"Nguyên", "Hà", "TP.", "Tp." — a capitalised word as place names are written."""
    word = tok.rstrip(".,")
    if word in ("TP", "Tp", "TX", "Tx"):
        return True
    return bool(word) and word.isalpha() and word[0].isupper() and (len(word) == 1 or not word[1:].isupper())


_NOT_PLACE = frozenset(word for words in NOT_PLACE_WORDS for word in aligned_fold(words).split())


def _place_before(line: str, pos: int) -> tuple[int, str | None]:
    """The place name written just before position `pos` ("Thái Nguyên, ngày …")."""
    offset = max(0, pos - 120)  # a place name is a few words: look no further back
    head = line[offset:pos].rstrip()
    comma = head.endswith(",")
    head = head.rstrip(",").rstrip()
    tokens = list(re.finditer(r"\S+", head))
    taken: list[re.Match[str]] = []
    for m in reversed(tokens):
        tok = m.group()
        if _is_title_word(tok) or (tok in "-–" and taken):
            taken.append(m)
            if len(taken) >= 6:
                break
        else:
            break
    # "Sáng ngày 15/7", "Vào lúc … ngày": words of time, not a place
    while taken and (taken[-1].group() in "-–" or aligned_fold(taken[-1].group().rstrip(".,")) in _NOT_PLACE):
        taken.pop()
    if not taken:
        return pos, None
    start = taken[-1].start()
    # without the comma, only a place of two words or more that opens the line (OCR may drop it)
    if not comma and (head[:start].strip() or offset > 0 or len(taken) < 2):
        return pos, None
    place = " ".join(m.group() for m in reversed(taken))
    return offset + start, place


def parse_issued_line(line: str) -> _PlaceDate | None:
    """"Thái Nguyên, ngày 28 tháng 4 năm 2026" (anywhere in the line) -> place and date.

    NĐ 30/2020 Phụ lục I, ô 4: địa danh, ngày … tháng … năm …; a date after "ngày" with no
    place before it (a law cited in the body) is not an issuance line.
    """
    line = unicodedata.normalize("NFC", line)
    folded = aligned_fold(line)
    for m in _NGAY.finditer(folded):
        dm = _DATE_AFTER_NGAY.match(folded, m.start())
        if not dm:
            continue
        try:
            issued = date(int(dm["y"]), int(dm["m"]), int(dm["d"]))
        except ValueError:
            continue
        start, place = _place_before(line, m.start())
        if place is None:
            continue
        return _PlaceDate(start, dm.end(), place, issued)
    return None


# --------------------------------------------------------------------------- lines


@dataclass
class _Line:
    text: str  # the original line (NFC)
    left: str = ""  # what is left when the right-column pieces are cut out
    right: list[str] | None = None  # the right-column pieces cut out (in order)
    quoc_hieu: bool = False
    place_date: _PlaceDate | None = None
    number: re.Match[str] | None = None


def _split_cells(text: str) -> list[str]:
    """Lines, with table cells and wide gaps (two columns kept apart) as separate lines."""
    out: list[str] = []
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text).replace("\xa0", " ")
    for raw in text.split("\n"):
        for cell in re.split(r"\t+| {3,}| \| ", raw):
            cell = cell.strip()
            if cell:
                out.append(cell)
    return out


def _analyse(text: str) -> _Line:
    """Cut the right column (quốc hiệu, tiêu ngữ, place and date) out of one line.

    OCR reads left to right, so on a line holding both columns the left column comes first:
    what precedes the first right-column piece is the left column.
    """
    line = _Line(text=text, right=[])
    folded = aligned_fold(text)
    spans: list[tuple[int, int]] = []
    for rx in (_QUOC_HIEU, _MOTTO):
        for m in rx.finditer(folded):
            spans.append((m.start(), m.end()))
            line.quoc_hieu = True
    pd = parse_issued_line(text)
    if pd is not None:
        line.place_date = pd
        spans.append((pd.start, pd.end))
    line.number = _NUMBER.search(text)
    if not spans:
        line.left = text
        return line
    spans.sort()
    line.left = text[:spans[0][0]].strip(" _-–—~|:;,.")
    line.right = [text[spans[0][0]:].strip()]
    return line


def _letters(s: str) -> str:
    return "".join(c for c in s if c.isalpha())


def _upper_ratio(s: str) -> float:
    letters = _letters(s)
    if not letters:
        return 0.0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def _is_upper_line(s: str) -> bool:
    return len(_letters(s)) >= 3 and _upper_ratio(s) >= 0.75


# --------------------------------------------------------------------------- issuing body


def _is_abbreviation(tok: str) -> bool:
    """UBND, THADS, HĐND, TW, TP.: an upper-case abbreviation rather than OCR noise."""
    word = tok.strip("().,")
    return 2 <= len(word) <= 8 and word.isalpha() and word.isupper() and "-" not in tok


def _clean_body_line(text: str, place: str | None) -> str:
    """Drop the specks of the right column OCR appends to a left-column line.

    Words of a body name are Vietnamese syllables or abbreviations (UBND, THADS); the first
    token that is neither (digits, "==", "BE...", "SIEINEOEORNSE-HTT…") ends the name. When
    the place of the date line ("Hải Dương") is in the line, the name ends with it.
    """
    out: list[str] = []
    for tok in text.split():
        word = tok.strip("().,;:'\"“”‘’_")
        if not word:
            continue
        if word in ("-", "–", "&"):
            out.append(word)
            continue
        if not word.replace("-", "").isalpha() or tok.endswith(".."):
            if out:
                break
            continue  # a speck before the name ("* SỞ TƯ PHÁP")
        if not out and not word.isupper():
            continue  # a speck before the name ("5 sÝ SỞ TƯ PHÁP")
        if is_vietnamese_syllable(word) or _is_abbreviation(word):
            out.append(word)
        elif out:
            break
    cleaned = " ".join(out).strip(" -–&")
    if place:
        index = [i for i, c in enumerate(aligned_fold(cleaned)) if c.isalnum()]
        squeezed = "".join(aligned_fold(cleaned)[i] for i in index)
        words = place.split()
        # the place's last words ("Tin Thái Nguyên" read with a speck before it: "Thái Nguyên")
        for k in range(len(words)):
            key_place = re.sub(r"[^a-z0-9]", "", aligned_fold(" ".join(words[k:])))
            hit = squeezed.find(key_place) if len(key_place) >= 4 else -1
            if hit >= 0:
                cleaned = cleaned[:index[hit + len(key_place) - 1] + 1]
                break
    return cleaned.strip(" -–&")


def _group_bodies(lines: list[str]) -> list[str]:
    """Left-column lines -> bodies: "THI HÀNH ÁN DÂN SỰ" + "TỈNH THÁI NGUYÊN" is one body."""
    groups: list[list[str]] = []
    for text in lines:
        key = " ".join(aligned_fold(text).split())
        starts_body = bool(_BODY_HEADS.match(key)) and not _LOCALITY.match(key)
        if key.startswith(("tinh uy", "thanh uy", "huyen uy", "quan uy", "thi uy")):
            starts_body = True
        if not groups or (starts_body and not _continues(groups[-1][-1])):
            groups.append([text])
        else:
            groups[-1].append(text)
    return [" ".join(g) for g in groups]


def _continues(previous: str) -> bool:
    """A body line ending with a connective continues on the next line ("… VÀ")."""
    return aligned_fold(previous).split()[-1:] in (["va"], ["cua"], ["-"], ["&"])


# --------------------------------------------------------------------------- number and symbol


def _canonical_code(code: str) -> str | None:
    exact = _CODE_EXACT.get(code.upper().replace("Ð", "Đ"))
    if exact:
        return exact
    candidates = _CODE_FOLDED.get(_key(code), [])
    if len(candidates) == 1:
        return candidates[0]
    return None


def _read_number(m: re.Match[str]) -> tuple[str, str, str | None, str | None]:
    """(number, symbol, kind code, issuer code) from "Số: 117/QĐ-CTHADS" (or "Số 12-KL/ĐU").

    NĐ 30/2020 Phụ lục I, ô 3: a document with a title has "<kind code>-<issuer code>";
    a công văn has "<issuer code>-<drafting unit>" (no kind code).
    """
    if m["pnum"]:
        kind = m["pkind"].replace("Ð", "Đ")
        issuer = re.sub(r"\s*[-–]\s*", "-", m["pissuer"].replace("Ð", "Đ"))
        return m["pnum"], f"{kind}/{issuer}", _canonical_code(kind) or kind, issuer.split("-")[0]
    number, symbol = (m["num"], m["sym"]) if m["num"] else (m["nnum"], m["nsym"])
    parts = [p for p in re.split(r"\s*[-–]\s*", symbol.replace("Ð", "Đ")) if p]
    kind_code = _canonical_code(parts[0]) if parts else None
    if kind_code is not None:
        issuer = parts[1] if len(parts) > 1 else None
        parts = [kind_code, *parts[1:]]
    else:
        issuer = parts[0] if parts else None
    return number, "-".join(parts), kind_code, issuer


# --------------------------------------------------------------------------- title and summary


def _kind_of(line: str) -> tuple[str, str] | None:
    """(kind, rest) when the line is the document's upper-case title ("KẾT LUẬN KIỂM TRA")."""
    tokens = line.split()
    upper: list[str] = []
    for tok in tokens:
        if _letters(tok) and _upper_ratio(tok) >= 0.99:
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
_VV = re.compile(r"^[^a-z0-9]{0,2}v\s*(?:[./|\\l1i]\s*v|[#k%]|/)\s*[:.]?\s+(?=\S)")
_SUMMARY_STOP = re.compile(
    r"^(?:kinh gui|can cu|thuc hien|theo|xet|noi nhan|dieu \d|chuong|phan|muc|[ivx]+\.|\d+[.)])"
)


def _summary_from(lines: list[_Line], i: int, first: str) -> str | None:
    """The trích yếu: `first` and the lines that wrap it (a next line in lower case)."""
    first = first.strip().lstrip("'\"“”‘’_").strip()
    parts = [first] if _letters(first) else []
    j = i + 1
    while j < len(lines) and len(parts) < 4:
        nxt = lines[j].left.strip().lstrip("'\"“”‘’")
        if not nxt or not _letters(nxt):
            if parts:
                break
            j += 1
            continue
        key = " ".join(aligned_fold(nxt).split())
        if _SUMMARY_STOP.match(key) or _is_upper_line(nxt):
            break
        if parts and not (nxt[0].islower() or nxt[0] in "(-–"):
            break
        if parts and parts[-1].endswith((".", ":")):
            break
        parts.append(nxt.strip())
        j += 1
    text = " ".join(p for p in parts if p).strip(" ,;.")
    return text or None


# --------------------------------------------------------------------------- signature block


def _strip_bullet(s: str) -> str:
    return _BULLET.sub("", s, count=1).strip()


def _is_speck(tok: str) -> bool:
    """OCR noise in a recipient line: no letter or digit, a lone letter, or mostly symbols."""
    core = tok.strip("()[],.;:'\"“”‘’")
    if not core:
        return tok not in ("(", ")")
    if len(core) == 1 and core.isalpha():
        return True
    good = sum(1 for c in core if c.isalnum() or c in "/&-.")
    return good < max(1, len(core) * 0.7)


def _clean_item(item: str) -> str:
    """A recipient item up to the first speck of noise ("Trang thông tin điện tử, h _ Z.")."""
    out: list[str] = []
    for tok in item.split():
        if _is_speck(tok):
            break
        out.append(tok)
    return " ".join(out).strip(" ;,")


def _split_recipient(item: str) -> tuple[str, str]:
    """A recipient item, and what the right column (the signer block) left on its line."""
    if _LUU.match(aligned_fold(item)):
        # "Lưu: VT, VP." ends at its first "." or ";" ("Lưu: VT. TẠO Á Ệ" is noise after it)
        m = re.search(r"[.;](?=\s|$)", item)
        if m:
            return item[:m.end()].strip(), item[m.end():].strip()
        return item, ""
    semi = item.find(";")
    if semi >= 0:
        return item[:semi + 1].strip(), item[semi + 1:].strip()
    # no ";" (OCR may read it as ","): a trailing run of upper-case words is the signer's title
    tokens = item.split()
    k = len(tokens)
    while k > 1 and _letters(tokens[k - 1]) and _upper_ratio(tokens[k - 1]) >= 0.99 \
            and (is_vietnamese_syllable(_letters(tokens[k - 1])) or _AUTHORITY.match(aligned_fold(tokens[k - 1]) + "x")):
        k -= 1
    if len(tokens) - k >= 2 and _title_fragment(" ".join(tokens[k:])):
        return " ".join(tokens[:k]), " ".join(tokens[k:])
    return item, ""


def _title_fragment(s: str) -> str | None:
    """The signer's title in a piece of the right column ("Si s0 he, PHÓ CỤC TRƯỞNG")."""
    tokens = s.split()
    k = len(tokens)
    while k > 0:
        tok = tokens[k - 1]
        letters = _letters(tok)
        is_upper = bool(letters) and _upper_ratio(tok) >= 0.99
        is_auth = bool(_AUTHORITY.match(aligned_fold(tok) + " x"))
        if is_upper or is_auth:
            k -= 1
            continue
        break
    frag = " ".join(tokens[k:]).strip(" ,;:")
    if not frag:
        return None
    key = " ".join(re.sub(r"[^a-z ]", " ", aligned_fold(frag)).split())
    if (_AUTHORITY.match(aligned_fold(frag)) or _TITLE_WORDS.search(key)) and len(_letters(frag)) >= 4:
        return frag
    return None


def _name_fragment(s: str) -> str | None:
    """"Nông Mai Hiền": two to five capitalised Vietnamese syllables."""
    s = s.strip(" .,;:'\"“”‘’()")
    tokens = s.split()
    if not 2 <= len(tokens) <= 5:
        return None
    for tok in tokens:
        if not (tok.isalpha() and tok[0].isupper() and (len(tok) == 1 or tok[1:].islower())):
            return None
        if not is_vietnamese_syllable(tok) and len(tok) > 1:
            return None
    return s


def looks_like_person_name(text: str) -> bool:
    """"Nguyễn Văn An", "Tạ Kim Lan": two to five capitalised syllables opening with a family name."""
    name = _name_fragment(unicodedata.normalize("NFC", text))
    return name is not None and _key(name.split()[0]) in _SURNAMES


def _signature(lines: list[_Line], body_end: int) -> tuple[str | None, str | None, list[str]]:
    """(signer title, signer name, Nơi nhận items) from the lines after the body."""
    marker_at = None
    for i in range(len(lines) - 1, body_end - 1, -1):
        if _NOI_NHAN.match(aligned_fold(lines[i].text).lstrip(" -~\"'“")):
            marker_at = i
            break
    # the recipients block: bullet lines around the marker, or the bullet block with "Lưu"
    bullets = [i for i in range(body_end, len(lines)) if _BULLET.match(lines[i].text)]
    start = marker_at
    if start is None:
        luu = [i for i in bullets if _LUU.match(aligned_fold(_strip_bullet(lines[i].text)))]
        if luu:
            start = luu[0]
            while start - 1 >= body_end and start - 1 in bullets:
                start -= 1
        if start is not None:
            start = max(body_end, start - 3)  # the signer's title may stand above the list
    elif start + 1 not in bullets and not _BULLET.match(_NOI_NHAN.sub("", aligned_fold(lines[start].text), count=1)):
        while start - 1 >= body_end and start - 1 in bullets:
            start -= 1  # OCR may read the marker after its list
    if start is None:
        start = max(body_end, len(lines) - 12)
    recipients: list[str] = []
    closed = True  # whether the last item ended with ";" or "."
    right: list[str] = []
    for i in range(start, min(len(lines), start + 30)):
        text = lines[i].text
        folded = aligned_fold(text)
        m = _NOI_NHAN.search(folded)
        if m and m.start() <= 3:
            text = text[m.end():].strip()
            if not text:
                continue
            if not _BULLET.match(text):
                right.append(text)
                continue
        if _BULLET.match(text):
            item, rest = _split_recipient(_strip_bullet(text))
            closed = item.rstrip().endswith((";", ".")) or bool(rest)
            item = _clean_item(item)
            if len(_letters(item)) >= 3:
                recipients.append(item)
            if rest:
                right.append(rest)
        elif recipients and not closed and (text[:1].islower() or text[:1] == "(") \
                and not _is_upper_line(text) and len(_letters(_clean_item(_split_recipient(text)[0]))) >= 3:
            wrapped, rest = _split_recipient(text)
            closed = wrapped.rstrip().endswith((";", "."))
            recipients[-1] += " " + _clean_item(wrapped)  # an item wrapped onto the next line
            if rest:
                right.append(rest)
        else:
            right.append(text)
    titles: list[str] = []
    name = None
    last_title = -1
    for k, piece in enumerate(right):
        title = _title_fragment(piece)
        if title and name is None:
            titles.append(title)
            last_title = k
            continue
        if titles and k > last_title:
            cand = _name_fragment(piece)
            if cand:
                name = cand
                if _key(cand.split()[0]) in _SURNAMES:
                    break
    return (" / ".join(titles) or None), name, recipients


# --------------------------------------------------------------------------- the header


def parse_header(text: str) -> DocumentHeader | None:
    """Read an official document's header and signature block; None when `text` is not one.

    A text is an official document (NĐ 30/2020 Art. 8, Phụ lục I) when it has the number line
    ("Số: …/…") with the quốc hiệu, the place-and-date line or a title ("V/v" for a công văn),
    or the quốc hiệu with the place-and-date line or a title.
    """
    if not text or not text.strip():
        return None
    lines = [_analyse(c) for c in _split_cells(text)]
    marks = [i for i, ln in enumerate(lines[:80]) if ln.quoc_hieu or ln.number or ln.place_date]
    if not marks:
        return None
    first = marks[0]
    end = min(len(lines), first + 16)
    number_at = next((i for i in range(first, end) if lines[i].number), None)
    qh_at = next((i for i in range(first, end) if lines[i].quoc_hieu), None)
    # text-layer PDFs and Word files put the left column (the bodies) above the quốc hiệu
    start = first
    while start > 0 and first - start < 5 and _is_upper_line(lines[start - 1].left) \
            and _kind_of(lines[start - 1].left) is None:
        start -= 1
    region_end = min(len(lines), max(first, number_at or first) + 14)
    place_at = next((i for i in range(start, region_end) if lines[i].place_date), None)

    # the title (upper-case kind), or for a công văn the "V/v" line under the number
    kind = kind_at = vv_at = None
    first_summary = ""
    for i in range((number_at + 1) if number_at is not None else start, region_end):
        got = _kind_of(lines[i].left)
        if got:
            (kind, first_summary), kind_at = got, i
            break
    if kind is None:
        base = number_at if number_at is not None else start
        for i in range(base + 1, min(len(lines), base + 8)):
            left = lines[i].left.strip()
            m = _VV.match(aligned_fold(left))
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
        header.number, header.symbol, header.kind_code, header.issuer_code = _read_number(lines[number_at].number)

    # tên cơ quan chủ quản + tên cơ quan ban hành: the upper-case left column above the number
    body_stop = number_at if number_at is not None else (kind_at if kind_at is not None else place_at or first)
    body_lines: list[str] = []
    for i in range(start, body_stop + (1 if number_at is not None else 0)):
        left = lines[i].left
        if i == number_at:
            left = lines[i].text[:lines[i].number.start()]
        elif lines[i].number is not None:
            continue
        cleaned = _clean_body_line(left, place)
        # a body's line is upper case (NĐ 30/2020 Phụ lục I, ô 2) and has two words or more
        if not _is_upper_line(cleaned) or _kind_of(cleaned) or len(cleaned.split()) < 2:
            continue
        body_lines.append(cleaned)
    bodies = _group_bodies(body_lines)
    if bodies:
        header.issuing_body = bodies[-1]
        if len(bodies) >= 2:
            header.parent_body = bodies[-2]

    if kind is not None:
        header.kind = kind
        header.summary = _summary_from(lines, kind_at, first_summary)
    elif vv_at is not None:
        header.kind = "CÔNG VĂN"
        header.summary = _summary_from(lines, vv_at, first_summary)
    elif header.kind_code:
        header.kind = KIND_CODES.get(header.kind_code)
    elif header.symbol:
        header.kind = "CÔNG VĂN"  # a symbol without a kind code is a công văn's (Phụ lục III)

    # the signature block follows the body's closing "./."
    body_end = max(x for x in (kind_at, vv_at, number_at, place_at, first) if x is not None) + 1
    for i in range(len(lines) - 1, body_end - 1, -1):
        if _END_MARK.search(lines[i].text) and not _BULLET.match(lines[i].text):
            body_end = i + 1
            break
    header.signer_title, header.signer_name, header.recipients = _signature(lines, body_end)
    return header


# --------------------------------------------------------------------------- the portal

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
