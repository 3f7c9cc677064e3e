"""The filtered queue as a spreadsheet: .xlsx (openpyxl) and .csv (UTF-8 with a BOM, which Excel
needs to read Vietnamese), the same items the queue page shows for the same filters.

Subjects and names come from outside senders: a cell that starts like a formula (=, +, -, @)
is written as text with a leading apostrophe, so that no spreadsheet runs it.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, tzinfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tinbai.config import Config
from tinbai.queue.models import utcnow
from tinbai.queue.states import STATE_LABELS
from tinbai.web.common import CurrentUser, config_of, db
from tinbai.web.queue_query import filtered, windows
from tinbai.web.views_queue import QueueFilters, Row, make_rows

router = APIRouter()
EXPORT_MAX = 20_000  # rows: a filter that selects more is narrowed first
HEADERS = ("Mã theo dõi", "Tiêu đề", "Cơ quan (hồ sơ)", "Loại tin", "Người gửi", "Email người gửi", "Đơn vị gửi",
           "Nhận lúc", "Hạn xử lý", "Trạng thái", "Bước", "Người xử lý", "Lỗi cần sửa", "Lưu ý", "Đăng lúc",
           "Địa chỉ bài đăng")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _local(value: datetime | None, zone: tzinfo) -> datetime | None:
    return value.astimezone(zone).replace(tzinfo=None) if value else None  # spreadsheets keep no zone


def _cells(r: Row, zone: tzinfo) -> list[object]:
    it = r.item
    return [it.tracking_code or f"#{it.id}", it.subject, r.profile_label, r.category_label, it.sender_name or "",
            it.sender_address or "", it.sender_unit or "", _local(it.received_at, zone), _local(it.deadline, zone),
            STATE_LABELS.get(it.state, it.state), r.step_label, r.holder_label or "", r.errors, r.warnings,
            _local(it.published_at, zone), it.published_url or ""]


def _text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _rows(request: Request, user, filters) -> tuple[Config, list[Row]]:
    config = config_of(request)
    w = windows(utcnow(), config)
    with db(request) as s:
        items = list(s.exec(filtered(user, filters, w).limit(EXPORT_MAX)))
        return config, make_rows(config, s, items, w)


def _filename(ext: str) -> str:
    return f"hang-doi-tin-bai-{datetime.now().strftime('%Y%m%d-%H%M')}.{ext}"


@router.get("/export.csv")
def export_csv(request: Request, user: CurrentUser, filters: QueueFilters):
    config, rows = _rows(request, user, filters)
    zone = config.settings.zone
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(HEADERS)
    for r in rows:
        out.writerow([_text(v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else v)
                      for v in _cells(r, zone)])
    return Response(("\ufeff" + buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_filename("csv")}"'})


@router.get("/export.xlsx")
def export_xlsx(request: Request, user: CurrentUser, filters: QueueFilters):
    config, rows = _rows(request, user, filters)
    zone = config.settings.zone
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hàng đợi")
    widths = (18, 60, 30, 24, 24, 30, 28, 17, 17, 20, 30, 24, 8, 8, 17, 40)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in rows:
        line = []
        for value in _cells(r, zone):
            cell = WriteOnlyCell(ws, value=_text(value))
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            line.append(cell)
        ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return Response(buf.getvalue(),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_filename("xlsx")}"'})
