"""The queue as a CSV file (the filters of the queue page), for a spreadsheet: one row per item
with its channel, category, deadline and sender. An unnamed provider's details are left out for
those who may not see them (tinbai.queue.privacy); when a secretary or a head exports them, each
such item's history records it."""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tinbai.config import CHANNEL_LABELS
from tinbai.queue.models import ReviewEvent, utcnow
from tinbai.queue.privacy import HIDDEN, identity_values, redact, sees_identity
from tinbai.queue.states import STATE_LABELS
from tinbai.web.common import CurrentUser, config_of, db
from tinbai.web.views_queue import Filters, filtered

router = APIRouter()
COLUMNS = ("Mã theo dõi", "Nhận lúc", "Kênh tiếp nhận", "Cơ quan", "Loại tin", "Trạng thái", "Hạn xử lý",
           "Người gửi", "Đơn vị", "Email", "Điện thoại", "Địa chỉ", "Tiêu đề")


@router.get("/export.csv")
def export_csv(request: Request, user: CurrentUser, q: str = "", state: str = "", category: str = "",
               unit: str = "", holder: str = "", profile: str = "", quick: str = "", sort: str = "deadline",
               channel: str = ""):
    config = config_of(request)
    zone = config.settings.zone
    now = utcnow()
    f = Filters(q=q, state=state, category=category, unit=unit, holder=holder, profile=profile, quick=quick,
                sort=sort, channel=channel)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    with db(request) as s:
        for it in s.exec(filtered(config, user, f, now)):
            prof = config.profiles.get(it.profile)
            rule = prof.categories.get(it.category or "") if prof else None
            sender = json.loads(it.report_json or "{}").get("sender") or {}
            shown = sees_identity(user, it)
            who = [it.sender_name, it.sender_unit, it.sender_address, sender.get("phone"), sender.get("postal_address")]
            if not shown:
                who = [HIDDEN] * len(who)
            elif it.provider_unnamed:
                s.add(ReviewEvent(item_id=it.id, at=now, actor=user.email, action="identity_export",
                                  comment="Xuất danh sách (CSV) có thông tin người cung cấp"))
            writer.writerow([
                it.tracking_code or f"#{it.id}", it.received_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
                CHANNEL_LABELS.get(it.channel, it.channel), prof.agency if prof else it.profile,
                rule.label if rule else (it.category or ""), STATE_LABELS.get(it.state, it.state),
                it.deadline.astimezone(zone).strftime("%d/%m/%Y %H:%M") if it.deadline else "",
                *[w or "" for w in who],
                it.subject if shown else redact(it.subject, identity_values(it, sender)),
            ])
        s.commit()
    name = f"hang-doi-{now.astimezone(zone).strftime('%Y%m%d-%H%M')}.csv"
    # with a byte order mark: spreadsheet programs then read the Vietnamese as UTF-8
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
