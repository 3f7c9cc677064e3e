"""Text and facts of every permitted format, from files the real libraries and tools make."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
import wave
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Font
from PIL import Image
from pptx import Presentation
from pptx.util import Inches

from tests.factories import cp1258
from tinbai.parsers import formats
from tinbai.parsers.facts import FileFacts, ParseLimits
from tinbai.parsers.sandbox import SandboxResult
from tinbai.parsers.sniff import detect_type

LIMITS = ParseLimits(seconds_per_file=60)
TITLE = "Hội nghị tổng kết công tác thi hành án dân sự năm 2025"
BODY = "Sáng ngày 28/4/2025, Cục Thi hành án dân sự tỉnh Thái Nguyên tổ chức hội nghị."
HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
FOOTER = "Trang thông tin điện tử Thi hành án dân sự"
TCVN3 = "Héi nghÞ tæng kÕt"  # "Hội nghị tổng kết" typed in TCVN3 with a .VnTime font
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def read(data: bytes, name: str | None = None, limits: ParseLimits = LIMITS) -> FileFacts:
    return formats.extract(data, detect_type(data, name), limits)


def codes(facts: FileFacts) -> list[str]:
    return [code for code, _ in facts.findings]


def _png(size=(60, 40), color=(220, 20, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


# ---------------------------------------------------------------- makers

def make_docx() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = FOOTER
    doc.add_paragraph(TITLE)
    run = doc.add_paragraph().add_run(TCVN3)
    run.font.name = ".VnTime"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), ".VnTime")
    doc.add_paragraph(BODY)
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Đơn vị", "Số việc"
    table.cell(1, 0).text, table.cell(1, 1).text = "Phòng THADS khu vực 1", "300"
    doc.add_picture(io.BytesIO(_png()), width=Cm(2))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tháng 4"
    ws["A1"] = "Báo cáo kết quả tháng 4"
    ws["A1"].font = Font(name=".VnTime")
    ws["A2"], ws["B2"], ws["C2"] = datetime(2025, 4, 28), 42, 71.4
    wb.create_sheet("Ghi chú")["A1"] = "Số liệu ước tính"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_pptx() -> bytes:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Tuyên truyền pháp luật"
    body = slide.placeholders[1].text_frame
    body.text = BODY
    body.paragraphs[0].runs[0].font.name = "Arial"
    slide.notes_slide.notes_text_frame.text = "Ghi chú của người trình bày"
    second = prs.slides.add_slide(prs.slide_layouts[5])
    second.shapes.title.text = "Kết quả"
    table = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1)).table
    table.cell(0, 0).text, table.cell(0, 1).text = "Đơn vị", "Số việc"
    table.cell(1, 0).text, table.cell(1, 1).text = "Khu vực 2", "317"
    second.shapes.add_picture(io.BytesIO(_png()), Inches(1), Inches(4))
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def make_odt() -> bytes:
    from odf import teletype
    from odf.opendocument import OpenDocumentText
    from odf.style import FontFace, Footer, Header, MasterPage, PageLayout, Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    doc = OpenDocumentText()
    doc.fontfacedecls.addElement(FontFace(name=".VnTime", fontfamily="'.VnTime'"))
    legacy = Style(name="Legacy", family="paragraph")
    legacy.addElement(TextProperties(fontname=".VnTime"))
    doc.automaticstyles.addElement(legacy)
    layout = PageLayout(name="pm1")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    header.addElement(P(text=HEADER))
    footer.addElement(P(text=FOOTER))
    master.addElement(header)
    master.addElement(footer)
    doc.masterstyles.addElement(master)
    doc.text.addElement(H(outlinelevel=1, text=TITLE))
    doc.text.addElement(P(text=TCVN3, stylename=legacy))
    doc.text.addElement(P(text=BODY))
    spaced = P()
    teletype.addTextToElement(spaced, "Đơn vị:\tPhòng THADS   khu vực 1")  # <text:tab/>, <text:s text:c="2"/>
    doc.text.addElement(spaced)
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for value in ("Đơn vị", "Số việc"):
        cell = TableCell()
        cell.addElement(P(text=value))
        row.addElement(cell)
    table.addElement(row)
    doc.text.addElement(table)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_ods() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Số liệu")
    row = TableRow()
    for value in ("Phòng THADS khu vực 3", "334"):
        cell = TableCell()
        cell.addElement(P(text=value))
        row.addElement(cell)
    table.addElement(row)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_odp() -> bytes:
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    doc = OpenDocumentPresentation()
    layout = PageLayout(name="pl")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Default", pagelayoutname=layout)
    doc.masterstyles.addElement(master)
    page = Page(masterpagename=master)
    frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
    box = TextBox()
    box.addElement(P(text="Tuyên truyền pháp luật"))
    frame.addElement(box)
    page.addElement(frame)
    doc.presentation.addElement(page)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# "Cộng hòa" as \u escapes, "Việt Nam" as windows-1258 bytes (font charset 163: ê, then the
# combining dot below), and TCVN3 bytes in a .VnTime font (charset 0: windows-1252)
RTF = (
    rb"{\rtf1\ansi\ansicpg1258\deff0\uc1{\fonttbl{\f0\froman\fcharset163{\*\panose 02020603050405020304}"
    rb"Times New Roman;}{\f1\fnil\fcharset0 .VnTime;}}"
    rb"{\colortbl;\red255\green0\blue0;}"
    rb"\pard\f0\fs26 C\u7897?ng h\u242?a x\u227? h\u7897?i ch\u7911? ngh\u297?a Vi\'ea\'f2t Nam\par"
    rb"\pard\f1 H\'e9i ngh\'de t\'e6ng k\'d5t\par}"
)


def make_pdf() -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.setFont("DejaVuSans", 13)
    c.drawString(72, 760, HEADER)
    c.drawString(72, 730, TITLE)
    c.showPage()
    # the second page is a scan: a picture and no text
    c.drawImage(ImageReader(io.BytesIO(_png((300, 400), (240, 240, 240)))), 50, 100, 400, 600)
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    if not DEJAVU.exists():
        pytest.skip("the DejaVu Sans font (fonts-dejavu-core) is not installed")
    return make_pdf()


@pytest.fixture(scope="module")
def office97(tmp_path_factory) -> dict[str, bytes]:
    """.doc/.xls/.ppt converted by LibreOffice from the OOXML files above, once per session."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("office97")
    profile = tmp_path_factory.getbasetemp() / "lo-profile"
    files = {}
    for target, name, data in (("doc", "f.docx", make_docx()), ("xls", "f.xlsx", make_xlsx()),
                               ("ppt", "f.pptx", make_pptx())):
        (folder / name).write_bytes(data)
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
             "--outdir", str(folder), str(folder / name)],
            check=True, timeout=180, capture_output=True,
        )  # fmt: skip
        files[target] = (folder / f"f.{target}").read_bytes()
    return files


def _ffmpeg(tmp: Path, name: str, *args: str) -> bytes:
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed")
    path = tmp / name
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(path)], check=True, timeout=60)
    return path.read_bytes()


# ---------------------------------------------------------------- Word, Excel, PowerPoint

def test_docx_text_in_reading_order_with_fonts_and_runs():
    facts = read(make_docx(), "tin.docx")
    assert facts.detected_type == "docx" and facts.findings == []
    text = facts.text
    for piece in (HEADER, TITLE, TCVN3, BODY, "Đơn vị\tSố việc", "Phòng THADS khu vực 1\t300", FOOTER):
        assert piece in text
    assert text.index(HEADER) < text.index(TITLE) < text.index(BODY) < text.index("Đơn vị") < text.index(FOOTER)
    assert TCVN3 in text  # legacy text is left as stored, for the Vietnamese reader
    assert ".VnTime" in facts.fonts
    assert (TCVN3, ".VnTime") in facts.info["runs"]
    assert "".join(t for t, _ in facts.info["runs"]).replace("\r", "") == text
    assert facts.has_pictures and facts.info["images"] == 1
    assert facts.text_encoding == "unicode"
    assert unicodedata.is_normalized("NFC", text)


def test_docm_text_is_read_too():
    data = make_docx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    facts = read(out.getvalue(), "tin.docm")
    assert facts.detected_type == "docm"
    assert TITLE in facts.text


def test_xlsx_all_sheets_dates_and_fonts():
    facts = read(make_xlsx(), "so lieu.xlsx")
    assert facts.detected_type == "xlsx" and facts.findings == []
    assert "Báo cáo kết quả tháng 4" in facts.text
    assert "28/04/2025\t42\t71.4" in facts.text
    assert "Số liệu ước tính" in facts.text
    assert facts.info["sheets"] == 2
    assert ".VnTime" in facts.fonts


def test_pptx_shapes_tables_notes_and_pictures():
    facts = read(make_pptx(), "bai.pptx")
    assert facts.detected_type == "pptx" and facts.findings == []
    for piece in ("Tuyên truyền pháp luật", BODY, "Ghi chú của người trình bày", "Kết quả",
                  "Đơn vị\tSố việc", "Khu vực 2\t317"):
        assert piece in facts.text
    assert facts.pages == 2
    assert facts.has_pictures
    assert "Arial" in facts.fonts


def test_doc_made_by_libreoffice(office97):
    facts = read(office97["doc"], "tin.doc")
    assert facts.detected_type == "doc" and facts.findings == []
    for piece in (TITLE, BODY, TCVN3, "Phòng THADS khu vực 1"):
        assert piece in facts.text
    assert ".VnTime" in facts.fonts  # from the file's own font table
    assert facts.text_encoding == "unicode"


def test_office97_type_comes_from_the_streams(office97):
    # the OLE2 container is the same for all three; the streams inside tell them apart
    assert [detect_type(office97[k], "bao cao.doc") for k in ("doc", "xls", "ppt")] == ["doc", "xls", "ppt"]


def test_xls_made_by_libreoffice(office97):
    facts = read(office97["xls"], "so lieu.xls")
    assert facts.detected_type == "xls" and facts.findings == []
    assert "Báo cáo kết quả tháng 4" in facts.text
    assert "28/04/2025" in facts.text and "71.4" in facts.text
    assert "Số liệu ước tính" in facts.text
    assert facts.info["sheets"] == 2
    assert ".VnTime" in facts.fonts


def test_ppt_made_by_libreoffice(office97):
    facts = read(office97["ppt"], "bai.ppt")
    assert facts.detected_type == "ppt" and facts.findings == []
    assert "Tuyên truyền pháp luật" in facts.text
    assert BODY in facts.text


def test_encrypted_docx_and_xlsx():
    from msoffcrypto.format.ooxml import OOXMLFile

    for maker, name in ((make_docx, "tin.docx"), (make_xlsx, "so lieu.xlsx")):
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(maker())).encrypt("mat-khau", out)
        facts = read(out.getvalue(), name)
        assert codes(facts) == ["encrypted"]
        assert facts.text == ""


def test_truncated_docx_is_unreadable():
    data = make_docx()
    facts = read(data[: len(data) // 2], "tin.docx")
    assert facts.detected_type == "docx"
    assert codes(facts) == ["unreadable"]
    assert "Word" in facts.findings[0][1]


# ---------------------------------------------------------------- OpenDocument, RTF

def test_odt_body_header_footer_table_fonts():
    facts = read(make_odt(), "tin.odt")
    assert facts.detected_type == "odt" and facts.findings == []
    lines = facts.text.split("\n")
    for piece in (HEADER, FOOTER, TITLE, TCVN3, BODY, "Đơn vị", "Số việc", "Đơn vị:\tPhòng THADS   khu vực 1"):
        assert piece in lines
    assert lines.index(TITLE) < lines.index(BODY) < lines.index("Đơn vị")
    assert ".VnTime" in facts.fonts


def test_ods_and_odp():
    ods = read(make_ods(), "so lieu.ods")
    assert ods.detected_type == "ods" and "Phòng THADS khu vực 3" in ods.text and "334" in ods.text
    assert ods.info["sheets"] == 1
    odp = read(make_odp(), "bai.odp")
    assert odp.detected_type == "odp" and odp.text == "Tuyên truyền pháp luật"
    assert odp.pages == 1


def test_rtf_unicode_cp1258_and_legacy_bytes():
    facts = read(RTF, "tin.rtf")
    assert facts.detected_type == "rtf" and facts.findings == []
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam" in facts.text  # \u escapes and windows-1258 bytes, NFC
    assert TCVN3 in facts.text  # TCVN3 bytes of a .VnTime font, as windows-1252 characters
    assert facts.fonts == ["Times New Roman", ".VnTime"]
    assert unicodedata.is_normalized("NFC", facts.text)


# ---------------------------------------------------------------- text and HTML


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        (BODY.encode("utf-8"), "utf-8"),
        (BODY.encode("utf-8-sig"), "utf-8-sig"),
        (BODY.encode("utf-16"), "utf-16-le"),
        (BODY.encode("utf-16-le"), "utf-16-le"),
        (BODY.encode("utf-16-be"), "utf-16-be"),
        (unicodedata.normalize("NFD", BODY).encode("utf-8"), "utf-8"),
        (cp1258(BODY), "windows-1258"),
    ],
)
def test_txt_encodings_give_nfc_unicode(data, charset):
    facts = read(data, "tin.txt")
    assert facts.detected_type == "txt"
    assert facts.text == BODY
    assert facts.info["charset"] == charset
    assert facts.text_encoding == "unicode"


def test_txt_legacy_bytes_survive_as_western_characters():
    # TCVN3 "Hội nghị tổng kết", plus 0x81, which windows-1252 leaves undefined
    data = b"H\xe9i ngh\xde t\xe6ng k\xd5t \x81"
    facts = read(data, "tin.txt")
    assert facts.text == TCVN3 + " \x81"
    assert facts.info["charset"] == "windows-1252"
    assert facts.text.encode("cp1252", "ignore") + b"\x81" == data  # every byte is recoverable


def test_html_declared_charset_blocks_and_no_scripts():
    html = (
        '<html><head><meta charset="windows-1258"><title>Tin bài</title><style>p{color:red}</style>'
        "<script>alert('x')</script></head><body><h1>" + TITLE + "</h1><p>" + BODY + "</p>"
        "<table><tr><td>Đơn vị</td><td>Số việc</td></tr></table><img src='a.jpg'></body></html>"
    )
    facts = read(cp1258(html), "tin.html")
    assert facts.detected_type == "html"
    assert facts.info["charset"] == "cp1258"
    lines = facts.text.split("\n")
    assert lines[:3] == ["Tin bài", TITLE, BODY]
    assert "Đơn vị Số việc" in facts.text or "Đơn vị\tSố việc" in facts.text
    assert "alert" not in facts.text and "color" not in facts.text
    assert facts.has_pictures


# ---------------------------------------------------------------- PDF

def test_pdf_text_pages_fonts_and_scanned_page(pdf_bytes):
    facts = read(pdf_bytes, "QD 117.pdf")
    assert facts.detected_type == "pdf" and facts.findings == []
    assert facts.pages == 2
    assert facts.scanned_pages == [2]
    assert HEADER in facts.text and TITLE in facts.text
    assert facts.info["pages_text"][1] == "" and TITLE in facts.info["pages_text"][0]
    assert "DejaVuSans" in facts.fonts
    assert facts.has_pictures
    assert facts.text_encoding == "unicode"


def test_truncated_pdf_is_unreadable(pdf_bytes):
    facts = read(pdf_bytes[: len(pdf_bytes) // 2], "cut.pdf")
    assert facts.detected_type == "pdf"
    assert "unreadable" in codes(facts)


def test_password_protected_pdf(pdf_bytes):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    facts = read(out.getvalue(), "TB 77.pdf")
    assert codes(facts) == ["encrypted"]
    # an owner password only restricts printing/copying: the file opens and is read
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    writer.encrypt(user_password="", owner_password="chu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    facts = read(out.getvalue(), "TB 78.pdf")
    assert facts.findings == [] and TITLE in facts.text and facts.info["owner_password"]


# ---------------------------------------------------------------- pictures

@pytest.mark.parametrize(
    ("fmt", "kind", "save", "dpi", "frames"),
    [
        ("JPEG", "jpg", {"dpi": (300, 300), "quality": 90}, (300, 300), 1),
        ("PNG", "png", {"dpi": (150, 150)}, (150, 150), 1),
        ("BMP", "bmp", {}, None, 1),
        ("TIFF", "tiff", {"dpi": (200, 200)}, (200, 200), 1),
        ("WEBP", "webp", {}, None, 1),
        ("GIF", "gif", {"save_all": True, "append_images": [Image.new("RGB", (64, 48), "blue")], "duration": 100},
         None, 2),
    ],
)  # fmt: skip
def test_pictures(fmt, kind, save, dpi, frames):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, fmt, **save)
    facts = read(out.getvalue(), f"anh.{kind}")
    assert facts.detected_type == kind and facts.findings == []
    assert (facts.info["width"], facts.info["height"]) == (64, 48)
    assert facts.info["frames"] == frames
    if dpi:
        assert facts.info["dpi"] == dpi
    assert facts.has_pictures and facts.text_encoding is None


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_picture_is_unreadable(fmt):
    out = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(out, fmt)
    data = out.getvalue()
    facts = read(data[: len(data) * 2 // 3], "anh")
    assert codes(facts) == ["unreadable"]
    assert "ảnh" in facts.findings[0][1]


# ---------------------------------------------------------------- sound and video

def test_mp3_and_wma_duration(tmp_path):
    sine = ("-f", "lavfi", "-i", "sine=frequency=440:duration=1")
    for name in ("a.mp3", "a.wma"):
        facts = read(_ffmpeg(tmp_path, name, *sine), name)
        assert facts.detected_type == name[-3:] and facts.findings == []
        assert facts.info["duration"] == pytest.approx(1.0, abs=0.15)
        assert facts.info["bitrate"] > 0
        assert facts.text_encoding is None and not facts.has_pictures


def test_wav_duration():
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\1" * 4000)
    facts = read(out.getvalue(), "a.wav")
    assert facts.info["duration"] == pytest.approx(0.5, abs=0.01)
    assert facts.info["sample_rate"] == 8000


def test_video_facts_and_truncated_video(tmp_path):
    src = ("-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=25")
    mp4 = _ffmpeg(tmp_path, "v.mp4", *src, "-c:v", "mpeg4")
    facts = read(mp4, "v.mp4")
    assert facts.detected_type == "mp4" and facts.findings == []
    assert (facts.info["width"], facts.info["height"]) == (160, 120)
    assert facts.info["codec"] == "mpeg4"
    assert facts.info["duration"] == pytest.approx(1.0, abs=0.1)
    mpg = read(_ffmpeg(tmp_path, "v.mpg", *src, "-c:v", "mpeg1video", "-f", "mpeg"), "v.mpg")
    assert mpg.detected_type == "mpg" and mpg.info["codec"] == "mpeg1video"
    cut = read(mp4[: len(mp4) // 2], "v.mp4")  # ffmpeg writes the index (moov) at the end
    assert cut.detected_type == "mp4" and codes(cut) == ["unreadable"]


# ---------------------------------------------------------------- the rest

def test_empty_file_is_unreadable():
    facts = read(b"", "bao cao.docx")
    assert facts.detected_type == "empty"
    assert codes(facts) == ["unreadable"]


def test_archives_and_programs_are_left_to_their_readers():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("tin.txt", BODY)
    facts = read(out.getvalue(), "tin.zip")
    assert facts.detected_type == "zip" and facts.text == "" and facts.findings == []
    assert facts.text_encoding is None


def test_file_over_the_size_limit_is_not_read():
    facts = read(BODY.encode() * 100, "tin.txt", ParseLimits(max_file_mb=0.001))
    assert facts.text == "" and facts.info["not_parsed"] == "too_large"


def test_facts_from_a_failed_sandbox_call():
    timeout = formats.facts_from_sandbox(SandboxResult(False, error="timeout", timed_out=True), "pdf")
    assert codes(timeout) == ["unreadable"] and "thời gian" in timeout.findings[0][1]
    crash = formats.facts_from_sandbox(SandboxResult(False, error="worker killed by signal SIGSEGV"), "doc")
    assert codes(crash) == ["unreadable"] and crash.detected_type == "doc"
    ok = FileFacts(detected_type="txt", text="x")
    assert formats.facts_from_sandbox(SandboxResult(True, value=ok), "txt") is ok


# ---------------------------------------------------------------- damaged files never raise

@pytest.mark.parametrize(
    "maker",
    [make_docx, make_xlsx, make_pptx, make_odt, lambda: RTF, lambda: _png((120, 90)),
     lambda: BODY.encode("utf-16")],
    ids=["docx", "xlsx", "pptx", "odt", "rtf", "png", "txt"],
)
def test_damaged_files_give_facts_not_exceptions(maker):
    import random

    data = maker()
    kind = detect_type(data)
    for seed in range(12):
        rng = random.Random(seed)
        damaged = bytearray(data)
        if seed % 2:
            del damaged[rng.randrange(1, len(damaged)):]
        else:
            for _ in range(24):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        facts = formats.extract(bytes(damaged), kind, LIMITS)
        assert isinstance(facts, FileFacts) and facts.detected_type == kind
        assert all(code in ("unreadable", "encrypted") for code in codes(facts))


def test_damaged_pdf_gives_facts_not_exceptions(pdf_bytes):
    import random

    for seed in range(12):
        rng = random.Random(seed)
        damaged = bytearray(pdf_bytes)
        for _ in range(64):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        facts = formats.extract(bytes(damaged), "pdf", LIMITS)
        assert facts.detected_type == "pdf"
