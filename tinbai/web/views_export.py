"""The filtered queue as a spreadsheet: .xlsx (openpyxl, in a child process: tinbai.web.queue_xlsx)
and .csv (UTF-8 with a BOM, which Excel needs to read Vietnamese), the same items the queue page shows for the same filters, with each
item's channel and sender.

Subjects and names come from outside senders: a cell that starts like a formula (=, +, -, @)
is written as text with a leading apostrophe, so that no spreadsheet runs it.

An unnamed provider's details (name, email, unit, phone, address) are left out for those who may
not see them, and blotted out of the subject (tinbai.queue.privacy); when a secretary or a head
exports such items, each one's history records it ("identity_export").
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, tzinfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tinbai.apart import run_apart
from tinbai.config import CHANNEL_LABELS, Config
from tinbai.queue.models import ReviewEvent, User, utcnow
from tinbai.queue.permissions import shown_subject
from tinbai.queue.privacy import HIDDEN, sees_identity
from tinbai.queue.states import STATE_LABELS
from tinbai.web.common import CurrentUser, config_of, db
from tinbai.web.queue_query import Filters, filtered, windows
from tinbai.web.views_queue import QueueFilters, Row, make_rows

router = APIRouter()
EXPORT_MAX = 20_000  # rows: a filter that selects more is narrowed first
HEADERS = ("Mã theo dõi", "Tiêu đề", "Cơ quan (hồ sơ)", "Loại tin", "Người gửi", "Email người gửi", "Đơn vị gửi",
           "Nhận lúc", "Kênh tiếp nhận", "Hạn xử lý", "Trạng thái", "Bước", "Người xử lý", "Lỗi cần sửa", "Lưu ý",
           "Đăng lúc", "Địa chỉ bài đăng", "Điện thoại người gửi", "Địa chỉ người gửi")
WIDTHS = (18, 60, 30, 24, 24, 30, 28, 17, 16, 17, 20, 30, 24, 8, 8, 17, 40, 16, 40)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# the workbook is written in a child process (tinbai.apart): the daemon never imports openpyxl
QUEUE_XLSX = "tinbai.web.queue_xlsx:queue_xlsx"


@dataclass
class Line:
    """A row of the export: the queue's row and the sender as the user may see them."""

    row: Row
    subject: str
    who: list[str]  # name, email, unit, phone, postal address


def _local(value: datetime | None, zone: tzinfo) -> datetime | None:
    return value.astimezone(zone).replace(tzinfo=None) if value else None  # spreadsheets keep no zone


def _cells(line: Line, zone: tzinfo) -> list[object]:
    r, it = line.row, line.row.item
    name, email, unit, phone, postal = line.who
    return [it.tracking_code or f"#{it.id}", line.subject, r.profile_label, r.category_label, name, email, unit,
            _local(it.received_at, zone), CHANNEL_LABELS.get(it.channel, it.channel), _local(it.deadline, zone),
            STATE_LABELS.get(it.state, it.state), r.step_label, r.holder_label or "", r.errors, r.warnings,
            _local(it.published_at, zone), it.published_url or "", phone, postal]


def _text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _lines(request: Request, user: User, filters: Filters, kind: str) -> tuple[Config, list[Line]]:
    """The export's rows; the exports of unnamed providers' details recorded in their items' history."""
    config = config_of(request)
    now = utcnow()
    w = windows(now, config)
    lines = []
    with db(request) as s:
        items = list(s.exec(filtered(user, filters, w).limit(EXPORT_MAX)))
        for r in make_rows(config, s, items, w, user):
            it = r.item
            sender = json.loads(it.report_json or "{}").get("sender") or {}
            if sees_identity(user, it):
                who = [it.sender_name, it.sender_address, it.sender_unit, sender.get("phone"),
                       sender.get("postal_address")]
                lines.append(Line(r, shown_subject(user, it), [v or "" for v in who]))
                if it.provider_unnamed:
                    s.add(ReviewEvent(item_id=it.id, at=now, actor=user.email, action="identity_export",
                                      comment=f"Xuất danh sách ({kind}) có thông tin người cung cấp"))
            else:
                lines.append(Line(r, shown_subject(user, it, sender), [HIDDEN] * 5))
        s.commit()
    return config, lines


def _filename(ext: str) -> str:
    return f"hang-doi-tin-bai-{datetime.now().strftime('%Y%m%d-%H%M')}.{ext}"


@router.get("/export.csv")
def export_csv(request: Request, user: CurrentUser, filters: QueueFilters):
    config, lines = _lines(request, user, filters, "CSV")
    zone = config.settings.zone
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(HEADERS)
    for line in lines:
        out.writerow([_text(v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else v)
                      for v in _cells(line, zone)])
    return Response(("\ufeff" + buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_filename("csv")}"'})


@router.get("/export.xlsx")
def export_xlsx(request: Request, user: CurrentUser, filters: QueueFilters):
    config, lines = _lines(request, user, filters, "Excel")
    zone = config.settings.zone
    rows = [[_text(value) for value in _cells(line, zone)] for line in lines]
    data = run_apart(QUEUE_XLSX, list(HEADERS), list(WIDTHS), rows)
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_filename("xlsx")}"'})
