"""The statistics page (filters, charts drawn on the server, a download for each format), the
royalty sheet's download and the reviewer's authors/kind of an item for it."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from tinbai.config.duties import CONTENT_KINDS
from tinbai.duties.periods import Period, PeriodError, month, parse_period
from tinbai.duties.royalties import KIND_NAMES
from tinbai.duties.service import (
    FORMATS,
    file_name,
    royalties_file,
    royalties_for,
    statistics_file,
    statistics_for,
)
from tinbai.duties.tables import breakdown_tables, grounds_table, quota_table
from tinbai.queue.models import ItemCredit, utcnow
from tinbai.web.charts import Series, bar_chart
from tinbai.web.common import CheckedForm, CurrentUser, RowId, config_of, db, item_for, page, visible_profiles

router = APIRouter()
EDITORS = ("secretary", "member", "head", "admin")


def _choose(request: Request, user, profile: str, period: str) -> tuple[str, Period]:
    config = config_of(request)
    profiles = visible_profiles(config, user)
    if not profiles:
        raise HTTPException(403, "Tài khoản của đồng chí không được xem hồ sơ nào.")
    pid = profile if profile in profiles else next(iter(profiles))
    now = utcnow().astimezone(config.settings.zone)
    try:
        chosen = parse_period(period) if period.strip() else month(now.year, now.month)
    except PeriodError as e:
        raise HTTPException(400, str(e)) from None
    return pid, chosen


@router.get("/stats")
def stats_page(request: Request, user: CurrentUser, profile: str = "", period: str = ""):
    config = config_of(request)
    try:
        pid, chosen = _choose(request, user, profile, period)
    except HTTPException as e:
        if e.status_code != 400:
            raise
        return page(request, "error.html", status_code=400, user=user, title="Kỳ thống kê không hợp lệ",
                    message=e.detail)
    with db(request) as s:
        stats = statistics_for(s, config, pid, chosen, utcnow())
    units = list(stats.by_unit.items())
    charts = [
        Markup(bar_chart("Theo đơn vị", [u for u, _ in units], [
            Series("Tiếp nhận", [f.received for _, f in units]), Series("Đã đăng", [f.published for _, f in units]),
            Series("Từ chối", [f.refused for _, f in units])])),
        Markup(bar_chart("Theo loại tin", list(stats.by_category), [
            Series("Tiếp nhận", [f.received for f in stats.by_category.values()]),
            Series("Đã đăng", [f.published for f in stats.by_category.values()])])),
    ]
    return page(request, "stats.html", user=user, stats=stats, profiles=visible_profiles(config, user), pid=pid,
                period=chosen, charts=charts, tables=breakdown_tables(stats), grounds=grounds_table(stats),
                unit_quotas=quota_table(stats.unit_quotas) if stats.unit_quotas else None,
                person_quotas=quota_table(stats.contributor_quotas) if stats.contributor_quotas else None,
                formats=list(FORMATS), has_royalties=stats.profile.duties.royalties is not None)


@router.get("/stats/download")
def stats_download(request: Request, user: CurrentUser, profile: str = "", period: str = "", format: str = "xlsx"):
    if format not in FORMATS:
        raise HTTPException(404, "Không có định dạng này.")
    config = config_of(request)
    pid, chosen = _choose(request, user, profile, period)
    with db(request) as s:
        stats = statistics_for(s, config, pid, chosen, utcnow())
    return _file(statistics_file(stats, format, config), FORMATS[format], file_name("thong-ke", pid, chosen, format))


@router.get("/stats/royalties")
def royalties_download(request: Request, user: CurrentUser, profile: str = "", period: str = ""):
    config = config_of(request)
    pid, chosen = _choose(request, user, profile, period)
    with db(request) as s:
        sheet = royalties_for(s, config, pid, chosen)
    return _file(royalties_file(sheet, config), FORMATS["xlsx"], file_name("nhuan-but", pid, chosen, "xlsx"))


def _file(data: bytes, content_type: str, name: str) -> Response:
    return Response(data, media_type=content_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ----- an item's authors and kind, for the royalty sheet ---------------------------------------


@router.get("/items/{item_id}/credit")
def credit_page(request: Request, item_id: RowId, user: CurrentUser, saved: int = 0):
    with db(request) as s:
        item = item_for(s, user, item_id)
        credit = s.get(ItemCredit, item_id)
    authors = json.loads(credit.authors) if credit else []
    return page(request, "credit.html", user=user, item=item, credit=credit, authors="\n".join(authors),
                kinds={k: KIND_NAMES[k] for k in CONTENT_KINDS}, may_edit=user.role in EDITORS, saved=saved)


@router.post("/items/{item_id}/credit")
def credit_save(request: Request, item_id: RowId, form: CheckedForm, user: CurrentUser):
    if user.role not in EDITORS:
        raise HTTPException(403, "Chỉ Ban Biên tập được ghi tác giả, thể loại cho bảng kê nhuận bút.")
    authors = [" ".join(a.split()) for a in str(form.get("authors", "")).splitlines() if a.strip()]
    kind = str(form.get("kind", "")) or None
    if kind is not None and kind not in CONTENT_KINDS:
        raise HTTPException(400, "Thể loại không hợp lệ.")
    counts = {}
    for name in ("words", "photos"):
        raw = str(form.get(name, "")).strip()
        if raw and (not raw.isdigit() or len(raw) > 9):
            return page(request, "error.html", status_code=400, user=user, title="Số không hợp lệ",
                        message="Số chữ và số ảnh là số nguyên không âm (tối đa 9 chữ số), hoặc để trống.")
        counts[name] = int(raw) if raw else None
    with db(request) as s:
        item_for(s, user, item_id)
        credit = s.get(ItemCredit, item_id) or ItemCredit(item_id=item_id, set_by=user.email, set_at=utcnow())
        credit.authors = json.dumps(authors, ensure_ascii=False)
        credit.kind, credit.words, credit.photos = kind, counts["words"], counts["photos"]
        credit.set_by, credit.set_at = user.email, utcnow()
        s.add(credit)
        s.commit()
    return RedirectResponse(f"/items/{item_id}/credit?saved=1", status_code=303)
