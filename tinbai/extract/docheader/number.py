"""The number, symbol and kind of a document: "Số: 117/QĐ-CTHADS" (NĐ 30/2020 Phụ lục I, ô 3; Phụ lục III)."""

from __future__ import annotations

import re

from tinbai.extract.docheader.text import squeezed_key

__all__ = ["KIND_CODES", "KIND_NAMES", "NUMBER_RE", "read_number"]

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

_CODE_EXACT = {c.upper(): c for c in KIND_CODES}
_CODE_FOLDED: dict[str, list[str]] = {}
for _c in KIND_CODES:
    _CODE_FOLDED.setdefault(squeezed_key(_c), []).append(_c)

# "Số: 117/QĐ-CTHADS", "Số 35/KH-STP", "Số:28 /QĐ-STP", OCR "S6: 117/QD-CTHADS",
# legal documents "Số: 30/2020/NĐ-CP" (the year between number and symbol).
NUMBER_RE = re.compile(
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


def _canonical_code(code: str) -> str | None:
    exact = _CODE_EXACT.get(code.upper().replace("Ð", "Đ"))
    if exact:
        return exact
    candidates = _CODE_FOLDED.get(squeezed_key(code), [])
    if len(candidates) == 1:
        return candidates[0]
    return None


def read_number(m: re.Match[str]) -> tuple[str, str, str | None, str | None]:
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
