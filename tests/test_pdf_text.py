"""The text layer of PDFs as pdfium gives it: columns drawn line by line, glyphs without Unicode."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tinbai.demo_samples import FONT_DIR, pdf_document
from tinbai.extract.docheader import parse_header
from tinbai.parsers import formats
from tinbai.parsers.facts import ParseLimits

HEADER_ROWS = [
    ("UBND TỈNH BÌNH PHƯỚC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("SỞ TƯ PHÁP", "Độc lập - Tự do - Hạnh phúc"),
    ("Số: 85/BC-STP", "Bình Phước, ngày 30 tháng 4 năm 2026"),
]
SIGNATURE_ROWS = [
    ("Nơi nhận:", "KT. GIÁM ĐỐC"),
    ("- UBND tỉnh;", "PHÓ GIÁM ĐỐC"),
    ("- Trang TTĐT;", ""),
    ("- Lưu: VT.", ""),
    ("", ""),
    ("", "Đặng Tiến Thắng"),
]


def two_column_document() -> bytes:
    """A báo cáo whose header and signature block are drawn line by line across both columns
    (tab stops, not a table): each line's left piece, then its right piece."""
    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT_DIR / "DejaVuSerif.ttf")))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("DejaVuSerif", 12)
    y = 800.0
    for left, right in HEADER_ROWS:
        c.drawString(50, y, left)
        c.drawString(300, y, right)
        y -= 16
    for line in ("BÁO CÁO", "Kết quả công tác phổ biến giáo dục pháp luật",
                 "Thực hiện kế hoạch, Sở Tư pháp báo cáo như sau./."):
        y -= 20
        c.drawString(80, y, line)
    y -= 30
    for left, right in SIGNATURE_ROWS:
        if left:
            c.drawString(50, y, left)
        if right:
            c.drawString(330, y, right)
        y -= 16
    c.showPage()
    c.save()
    return out.getvalue()


def read(data: bytes):
    return formats.extract(data, "pdf", ParseLimits())


def test_columns_on_one_line_are_kept_apart_by_a_tab():
    facts = read(two_column_document())
    lines = facts.text.split("\n")
    assert lines[:3] == ["\t".join(row) for row in HEADER_ROWS]
    assert "Nơi nhận:\tKT. GIÁM ĐỐC" in lines and "- UBND tỉnh;\tPHÓ GIÁM ĐỐC" in lines
    # words of one column are never split apart
    assert "Kết quả công tác phổ biến giáo dục pháp luật" in lines


def test_header_of_a_two_column_pdf_is_read():
    header = parse_header(read(two_column_document()).text)
    assert header is not None
    assert (header.parent_body, header.issuing_body) == ("UBND TỈNH BÌNH PHƯỚC", "SỞ TƯ PHÁP")
    assert (header.number, header.symbol, header.kind) == ("85", "BC-STP", "BÁO CÁO")
    assert (header.place, header.issued_on) == ("Bình Phước", "2026-04-30")
    assert header.signer_title == "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" and header.signer_name == "Đặng Tiến Thắng"
    assert header.recipients == ["UBND tỉnh", "Trang TTĐT", "Lưu: VT."]


def without_unicode_map(pdf: bytes) -> bytes:
    """The same PDF with its fonts' /ToUnicode maps hidden (same length: the xref stays right).
    reportlab's subset fonts then map only their ASCII codes; Vietnamese letters have none."""
    assert pdf.count(b"/ToUnicode") == 1
    return pdf.replace(b"/ToUnicode", b"/XoUnicode")


def test_glyphs_without_unicode_are_left_out_and_counted():
    facts = read(without_unicode_map(pdf_document(["Số: 85/BC-STP ngày 30"])))
    # "ố" and "à" are gone; pdfium would have put their glyphs' codes in the text as characters
    assert facts.text == "S: 85/BC-STP ngy 30"
    assert facts.info["unmapped_glyphs"] == 2
    assert facts.scanned_pages == []


def test_page_of_only_unmapped_glyphs_is_a_scan_for_ocr():
    facts = read(without_unicode_map(pdf_document(["Ộ Ư Ơ Đ", "ỜỚỢ"])))
    assert facts.text == "" and facts.scanned_pages == [1] and facts.has_pictures
    assert facts.info["unmapped_glyphs"] == 7
    assert facts.findings == []
