"""The filtered queue's spreadsheet as .xlsx bytes (openpyxl): made in a child process
(tinbai.apart) from the cell values tinbai.web.views_export worked out, so that the daemon
never imports openpyxl."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def queue_xlsx(headers: list[str], widths: list[int], rows: list[list[object]]) -> bytes:
    """One sheet: the bold header row frozen, then `rows`; text is always text (never a formula,
    whatever it starts with), dates are dates."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hàng đợi")
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in headers:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
