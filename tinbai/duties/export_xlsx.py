"""The statistics and the royalty sheet as .xlsx workbooks (openpyxl): one sheet per breakdown,
numbers stored as numbers."""

from __future__ import annotations

import io
from datetime import tzinfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tinbai.duties.royalties import RoyaltySheet
from tinbai.duties.statistics import FIGURES, Statistics
from tinbai.duties.tables import MEDIAN_LABEL, breakdown_tables, grounds_table, quota_table

BOLD = Font(bold=True)


def _table(ws: Worksheet, header: list[str], rows: list[list], start_row: int = 1) -> None:
    for c, title in enumerate(header, 1):
        cell = ws.cell(row=start_row, column=c, value=title)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start_row + 1):
        for c, value in enumerate(row, 1):
            ws.cell(row=r, column=c, value=value)
        if row and row[0] == "Tổng cộng":
            for c in range(1, len(row) + 1):
                ws.cell(row=r, column=c).font = BOLD
    ws.column_dimensions["A"].width = 42
    for c in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    ws.freeze_panes = ws.cell(row=start_row + 1, column=2)


def statistics_xlsx(stats: Statistics) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws["A1"] = f"Thống kê tiếp nhận, xử lý tin, bài {stats.period.label}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = stats.profile.agency
    ws["A3"] = f"Từ ngày {stats.period.start:%d/%m/%Y} đến ngày {stats.period.end:%d/%m/%Y}"
    rows = [[label, getattr(stats.total, key)] for key, label in FIGURES.items()]
    rows.append([MEDIAN_LABEL, stats.total.median_hours()])
    _table(ws, ["Chỉ tiêu", "Số lượng"], rows, start_row=5)
    for _key, title, header, rows in breakdown_tables(stats):
        _table(wb.create_sheet(title), header, rows)
    header, rows = grounds_table(stats)
    _table(wb.create_sheet("Căn cứ từ chối"), header, rows)
    for title, standings in (("Định mức đơn vị", stats.unit_quotas), ("Định mức người viết", stats.contributor_quotas)):
        if standings:
            header, rows = quota_table(standings)
            _table(wb.create_sheet(title), header, rows)
    return _bytes(wb)


ROYALTY_HEADER = ["STT", "Mã theo dõi", "Tiêu đề", "Ngày đăng", "Tác giả", "Đơn vị", "Thể loại", "Số chữ",
                  "Số ảnh", "Hệ số", "Điểm", "Thành tiền (đồng)", "Địa chỉ bài đăng"]


def royalty_xlsx(sheet: RoyaltySheet, zone: tzinfo) -> bytes:
    """The month's royalty sheet for the accountant: numbers as numbers, the date as a date."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Nhuận bút"
    ws["A1"] = f"Bảng kê nhuận bút tin, bài, ảnh đăng trên Trang thông tin điện tử {sheet.period.label}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = sheet.profile.agency
    basis = sheet.basis or "(hồ sơ chưa có bảng hệ số nhuận bút)"
    value = f"; giá trị 1 điểm: {sheet.unit_value:,} đồng".replace(",", ".") if sheet.unit_value else ""
    ws["A3"] = f"Căn cứ: {basis}{value}"
    rows = []
    for n, line in enumerate(sheet.lines, 1):
        rows.append([n, line.tracking_code, line.title, line.published_at.astimezone(zone).date(),
                     ", ".join(line.authors), line.unit, line.kind_label, line.words, line.photos, line.coefficient,
                     line.points, line.amount, line.url])
    rows.append(["Tổng cộng", None, None, None, None, None, None, None, None, None, sheet.total_points,
                 sheet.total_amount, None])
    _table(ws, ROYALTY_HEADER, rows, start_row=5)
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["C"].width = 48
    for r in range(6, 6 + len(sheet.lines)):
        ws.cell(row=r, column=4).number_format = "DD/MM/YYYY"
        ws.cell(row=r, column=12).number_format = "#,##0"
    return _bytes(wb)


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
