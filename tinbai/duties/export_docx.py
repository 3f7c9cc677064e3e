"""The statistics as a Vietnamese administrative report (.docx, python-docx) in the layout of
Decree 30/2020/NĐ-CP, Appendix I: the governing body and the issuer at top left with the number,
the national emblem lines at top right with the place and date, the title, the body with its
tables, then the recipients block at bottom left and the signer at bottom right. A4, Times New
Roman, margins 20/20/30/15 mm."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from tinbai.duties.statistics import FIGURES, Statistics
from tinbai.duties.tables import breakdown_tables, grounds_table, quota_table

FONT = "Times New Roman"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def _para(cell_or_doc, text: str = "", *, bold: bool = False, italic: bool = False, size: float = 13,
          align=WD_ALIGN_PARAGRAPH.CENTER, space_after: float = 0, underline: bool = False):
    p = cell_or_doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return p


def _no_borders(table: Table) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def _widths(table: Table, *widths) -> None:
    """Column widths that Word and LibreOffice both keep (the grid and each cell)."""
    table.autofit = False
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w
        for cell in col.cells:
            cell.width = w


def _header(doc, stats: Statistics, when: datetime) -> None:
    h = stats.profile.duties.report
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    _widths(t, Mm(62), Mm(103))
    left, right = t.rows[0].cells
    left.paragraphs[0].text = ""
    if h.parent_agency:
        _para(left, h.parent_agency.upper(), size=12)
    _para(left, h.issuer.upper(), bold=True, size=12, underline=True)
    _para(left, f"Số:      /{h.number_suffix}", size=13, space_after=0)
    right.paragraphs[0].text = ""
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True, space_after=6)
    place = f"{h.place}, " if h.place else ""
    _para(right, f"{place}ngày {when:%d} tháng {when:%m} năm {when:%Y}", italic=True, size=13)


def _table(doc, header: list[str], rows: list[list]) -> None:
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(t.rows[0].cells, header, strict=True):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(title)
        run.bold, run.font.size = True, Pt(9)
    for row in rows:
        cells = t.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            text = "—" if value is None else _number(value)
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(9)
            run.bold = row[0] == "Tổng cộng"
            if i:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph()


def _number(value) -> str:
    """1.5 -> "1,5": the Vietnamese decimal comma."""
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def _body_text(doc, text: str, *, bold: bool = False) -> None:
    p = _para(doc, text, bold=bold, size=13, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=6)
    p.paragraph_format.first_line_indent = Mm(10)


def statistics_docx(stats: Statistics, when: datetime) -> bytes:
    """The report, dated `when` (local time)."""
    h = stats.profile.duties.report
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    _header(doc, stats, when)
    _para(doc, "")
    _para(doc, "BÁO CÁO", bold=True, size=14)
    _para(doc, f"Kết quả tiếp nhận, xử lý tin, bài trên Trang thông tin điện tử {stats.period.label}",
          bold=True, size=14, space_after=12)

    basis = f"{h.article} " if h.article else ""
    _body_text(doc, f"Thực hiện {basis}{stats.profile.regulation}, {h.board} báo cáo kết quả tiếp nhận, xử lý tin, bài từ ngày {stats.period.start:%d/%m/%Y} đến ngày "
                    f"{stats.period.end:%d/%m/%Y} như sau:")
    sections = 0

    def heading(text: str) -> None:
        nonlocal sections
        _body_text(doc, f"{ROMAN[sections]}. {text}", bold=True)
        sections += 1

    heading("TÌNH HÌNH CHUNG")
    t = stats.total
    median = t.median_hours()
    _body_text(doc, f"Trong kỳ, Ban Biên tập tiếp nhận {t.received} tin, bài ({t.late_on_arrival} tin, bài gửi muộn "
                    f"so với thời hạn của Quy chế); duyệt đăng {t.accepted}; đã đăng {t.published}; trả lại để "
                    f"người gửi sửa, bổ sung {t.returned}; từ chối đăng {t.refused}. Số tin, bài xử lý quá thời hạn: "
                    f"{t.handled_late}; còn tồn quá hạn cuối kỳ: {t.overdue_open}."
                    + (f" Thời gian từ khi nhận đến khi đăng (trung vị): {_number(median)} giờ."
                       if median is not None else ""))
    _table(doc, ["Chỉ tiêu", "Số lượng"], [[label, getattr(t, key)] for key, label in FIGURES.items()])
    for _key, title, header, rows in breakdown_tables(stats):
        heading(title.upper())
        _table(doc, header, rows)
    if t.refused:
        heading("CĂN CỨ TỪ CHỐI ĐĂNG")
        _table(doc, *grounds_table(stats))
    for title, standings, quota in (("ĐƠN VỊ", stats.unit_quotas, stats.profile.duties.unit_quota),
                                    ("NGƯỜI VIẾT", stats.contributor_quotas, stats.profile.duties.contributor_quota)):
        if standings and quota is not None:
            heading(f"THỰC HIỆN ĐỊNH MỨC CỦA {title}")
            below = [s.who for s in standings if not s.met]
            _body_text(doc, f"Theo {quota.article} Quy chế: {quota.wording}. "
                            + (f"Chưa đạt định mức: {', '.join(below)}." if below else "Tất cả đều đạt định mức."))
            _table(doc, *quota_table(standings))

    _footer(doc, h.recipients, h.signer_title, h.signer_name)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _footer(doc, recipients: list[str], signer_title: str, signer_name: str | None) -> None:
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    _widths(t, Mm(85), Mm(80))
    left, right = t.rows[0].cells
    left.paragraphs[0].text = ""
    _para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for r in recipients:
        _para(left, f"- {r}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].text = ""
    _para(right, signer_title.upper(), bold=True, size=13)
    for _ in range(4):
        _para(right, "")
    _para(right, signer_name or "", bold=True, size=13)
