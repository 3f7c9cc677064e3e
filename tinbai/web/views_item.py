"""One item: the email, the sender, the check report, the attachments, the history, and the
action forms the user's role allows at the item's step."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, select
from starlette.datastructures import FormData

from tinbai.board import act as board_act
from tinbai.config import EMAIL, Config, Profile
from tinbai.extract.analyse import Analyser
from tinbai.filekinds import PICTURE_TYPES
from tinbai.ingest.archive import ContentStore
from tinbai.ingest.original import original_of
from tinbai.queue.db import read_then_write
from tinbai.queue.models import Attachment, Item, Outbox, ProblemRow, ReviewEvent, User, utcnow
from tinbai.queue.permissions import (
    agency_heads,
    allowed_actions,
    assignable_users,
    current_step,
    is_held,
    next_step,
    publishing_step,
    secrecy_actions,
    step_index,
    steps_of,
)
from tinbai.queue.privacy import UNNAMED, sees_identity, shown_sender
from tinbai.queue.states import APPROVED, FAILED, OPEN_STATES, PUBLISHED
from tinbai.queue.workflow import ANCHOR_LABELS, NotAllowed, StaleItem, WorkflowError
from tinbai.rules import fix_text
from tinbai.web.common import (
    CheckedForm,
    CurrentUser,
    RowId,
    analyser_of,
    config_of,
    db,
    db_read,
    item_for,
    page,
    people_names,
)
from tinbai.web.item_extras import extras, hider, record_views
from tinbai.web.views_files import PDF_TYPES, pdf_page_count

router = APIRouter()
BODY_LIMIT = 60_000  # characters of the body shown; the rest is in the raw message
YEARS = (1990, 2100)  # the dates a reviewer may type (an anchor, a publication)

SEVERITY = {"error": ("Cần người gửi sửa", "error"), "warning": ("Lưu ý cho Ban Biên tập", "warning"),
            "security": ("Nguy hiểm: đã cách ly", "security")}
HEADER_NAMES = ("From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To")


@dataclass
class SealBox:
    x: float
    y: float
    w: float
    h: float
    score: float


@dataclass
class Preview:
    kind: str  # "image" | "pdf"
    pages: list[int] = field(default_factory=list)
    seals: dict[int, list[SealBox]] = field(default_factory=dict)  # page -> boxes, in % of the page
    more_pages: int = 0


@dataclass
class AttachmentView:
    att: Attachment
    facts: dict[str, Any]
    preview: Preview | None
    downloadable: bool
    doc: dict[str, Any] | None


def _seal_boxes(facts: dict[str, Any]) -> dict[int, list[SealBox]]:
    """The seal boxes of facts_json, as percentages of their analysed image (so they fit any
    rendering size of the same page)."""
    out: dict[int, list[SealBox]] = {}
    for s in facts.get("seals") or []:
        try:
            x, y, w, h = (float(v) for v in s["box"])
            iw, ih = (float(v) for v in s["image_size"])
            page_no = int(s.get("page") or 1)
        except (KeyError, TypeError, ValueError):
            continue
        if iw <= 0 or ih <= 0:
            continue
        out.setdefault(page_no, []).append(SealBox(100 * x / iw, 100 * y / ih, 100 * w / iw, 100 * h / ih,
                                                   float(s.get("score") or 0)))
    return out


MAX_PAGES_SHOWN = 12


def _attachment_view(att: Attachment, files: ContentStore, analyser: Analyser) -> AttachmentView:
    try:
        facts = json.loads(att.facts_json or "{}")
    except json.JSONDecodeError:
        facts = {}
    stored = att.sha256 is not None and files.has(att.sha256)
    preview = None
    if stored and not att.quarantined:
        seals = _seal_boxes(facts)
        if att.detected_type in PICTURE_TYPES:
            preview = Preview("image", [1], seals)
        elif att.detected_type in PDF_TYPES:
            n = facts.get("pages") or pdf_page_count(analyser, files, att.sha256)
            if n:
                # the pages with a seal first among those shown: that is what the reviewer looks for
                wanted = sorted(set(list(range(1, min(n, MAX_PAGES_SHOWN) + 1)) + [p for p in seals if p <= n]))
                preview = Preview("pdf", wanted, seals, more_pages=max(0, n - len(wanted)))
    return AttachmentView(att=att, facts=facts, preview=preview, downloadable=stored,
                          doc=facts.get("document") if isinstance(facts.get("document"), dict) else None)


def _message(config: Config, item: Item) -> dict[str, Any] | None:
    """Headers and body text of the archived raw message (for an item brought by hand: the
    secretary's record of it); None when it is not in the archive."""
    found = original_of(config, item)
    if found is None:
        return None
    wanted = {h.lower() for h in HEADER_NAMES}
    headers = [(k, v) for k, v in found.headers if k.lower() in wanted]
    body = found.text.strip()
    manifest = None
    if item.channel != EMAIL:
        manifest = {**found.manifest, "registered_at": _iso(found.manifest.get("registered_at"))}
    return {"headers": headers, "body": body[:BODY_LIMIT], "truncated": len(body) > BODY_LIMIT, "manifest": manifest}


def _iso(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _forms(s: Session, item: Item, profile: Profile, actions: list[str]) -> dict[str, Any]:
    """What the action forms offer: people to give the item to, categories, grounds."""
    forms: dict[str, Any] = {}
    if "assign" in actions:
        forms["assign"] = assignable_users(s, item, profile)
    if "forward" in actions:
        nxt = next_step(item, profile)
        forms["forward"] = {"step": nxt, "users": assignable_users(s, item, profile, nxt)}
    if "escalate" in actions:
        forms["escalate"] = agency_heads(s, item)
    return forms


def _step_marks(item: Item, profile: Profile | None) -> list[tuple[str, str]]:
    """The steps and publication as a progress line: done / current / still to come."""
    if profile is None or item.state == FAILED:
        return []
    # a profile without a step of its own for posting gets one on the line: what follows approval
    labels = [st.label for st in steps_of(profile)] + ([] if publishing_step(profile) else ["Đăng tải"])
    if item.state in (APPROVED, PUBLISHED):
        here = len(labels) - 1 if item.state == APPROVED else len(labels)
    else:
        here = step_index(item, profile)
    live = item.state in OPEN_STATES
    return [(label, "done" if i < here else ("current" if i == here and live else "")) for i, label in enumerate(labels)]


def _load(request: Request, user: User, item_id: int) -> dict[str, Any]:
    config = config_of(request)
    files = ContentStore(config.resolve(config.settings.var_dir) / "files")
    with db_read(request) as s:
        item = item_for(s, user, item_id)
        profile = config.profiles.get(item.profile)
        problems = list(s.exec(select(ProblemRow).where(ProblemRow.item_id == item.id).order_by(ProblemRow.id)))
        atts = list(s.exec(select(Attachment).where(Attachment.item_id == item.id).order_by(Attachment.id)))
        events = list(s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item.id)
                             .order_by(ReviewEvent.at, ReviewEvent.id)))
        emails = list(s.exec(select(Outbox).where(Outbox.item_id == item.id).order_by(Outbox.id)))
        replies = list(s.exec(select(Item).where(Item.parent_id == item.id).order_by(Item.id)))
        parent = s.get(Item, item.parent_id) if item.parent_id else None
        actions = allowed_actions(item, user, profile) if profile else []
        forms = _forms(s, item, profile, actions) if profile else {}
        report = json.loads(item.report_json or "{}")
        sender = report.get("sender") or {}
        more = extras(s, config, item, profile, sender)
        people = people_names(s, [item.holder, *(e.actor for e in events)])
    category = profile.categories.get(item.category or "") if profile else None
    return {
        "item": item, "profile": profile, "report": report, "sender": shown_sender(user, item, sender),
        "sees_identity": sees_identity(user, item), "unnamed_label": UNNAMED, "hide": hider(user, item, sender),
        "secrecy": secrecy_actions(item, user, profile) if profile else [], **more,
        "problems": [{"p": p, "severity": SEVERITY.get(p.severity, (p.severity, "warning")),
                      "article": p.article or (profile.article_for(p.code) if profile else None),
                      "fix": fix_text(p.code) if p.severity in ("error", "security") else None}
                     for p in problems],
        "attachments": [_attachment_view(a, files, analyser_of(request)) for a in atts], "events": events, "emails": emails,
        "replies": replies, "parent": parent, "actions": actions, "forms": forms,
        "message": _message(config, item),
        "category_label": category.label if category else item.category,
        "anchor_label": ANCHOR_LABELS.get(item.anchor_kind or "", item.anchor_kind),
        "step": current_step(item, profile) if profile else None,
        "step_marks": _step_marks(item, profile), "open": item.state in OPEN_STATES, "now_utc": utcnow(),
        "quarantined": any(a.quarantined for a in atts), "held": is_held(item), "people": people,
        "posting_step": publishing_step(profile) if profile else None,
    }


def _record_views(request: Request, user: User, item_id: int) -> None:
    """A look at the item noted in its history where it is to be (rarely): a read otherwise."""
    config = config_of(request)
    read_then_write(request.app.state.engine, lambda s: record_views(s, config, user, item_for(s, user, item_id)))


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: RowId, user: CurrentUser, done: str = ""):
    _record_views(request, user, item_id)
    ctx = _load(request, user, item_id)
    return page(request, "item.html", user=user, error=None, done=done, **ctx)


@router.get("/items/{item_id}/print")
def item_print(request: Request, item_id: RowId, user: CurrentUser):
    """The item on paper: the facts, the check report, the email, the files and the history,
    without menus, forms or pictures of the pages (a look at an unnamed provider recorded as on
    the item's page)."""
    _record_views(request, user, item_id)
    ctx = _load(request, user, item_id)
    return page(request, "print.html", user=user, **ctx)


def _when(value: str, what: str, zone: tzinfo) -> datetime | None:
    """A datetime-local / date (+ time) field, read as a wall-clock time in `zone` (the configured one)."""
    value = value.strip()
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise WorkflowError(f"{what}: “{value[:40]}” không phải ngày giờ hợp lệ.") from None
    if not YEARS[0] <= dt.year <= YEARS[1]:  # deadlines counted from year 9999 overflow the calendar
        raise WorkflowError(f"{what}: năm {dt.year} nằm ngoài khoảng {YEARS[0]}–{YEARS[1]}.")
    return dt if dt.tzinfo else dt.replace(tzinfo=zone)


def action_params(action: str, form: FormData, zone: tzinfo) -> dict[str, Any]:
    """An action's parameters from its form (the item page's and the queue's bulk form)."""
    get = lambda k: str(form.get(k) or "")
    p: dict[str, Any] = {"comment": get("comment")}
    if action in ("assign", "forward", "escalate"):
        p["assignee"] = get("assignee") or None
    if action in ("publish", "answer_online"):
        p["url"] = get("url")
    if action == "publish":
        p["published_at"] = _when(get("published_at"), "Thời điểm đăng", zone)
    if action == "forward_unit":
        p["unit"] = get("unit")
        p["due"] = _when(get("due"), "Hạn trả lời", zone)
    if action == "refuse":
        p["ground"] = get("ground") or None
    if action == "change_category":
        p["category"] = get("category")
        day, clock = get("anchor_date").strip(), get("anchor_time").strip()
        if day:
            p["anchor_at"] = _when(f"{day}T{clock or '00:00'}", "Mốc tính hạn", zone)
            p["anchor_has_time"] = bool(clock)
    return p


@router.post("/items/{item_id}/action")
def act(request: Request, item_id: RowId, form: CheckedForm, user: CurrentUser):
    config = config_of(request)
    action = str(form.get("action") or "")
    error = None
    with db(request) as s:
        item = item_for(s, user, item_id)
        if item.profile not in config.profiles:
            raise HTTPException(403, "Hồ sơ của mục này không còn trong cấu hình.")
        try:
            board_act(s, item, user, action, config=config, expected_state=str(form.get("expected_state") or "") or None,
                      expected_step=str(form.get("expected_step") or "") or None,
                      **action_params(action, form, config.settings.zone))
            request.app.state.courier.commit(s)  # its emails leave now, not at the daemon's next pass
        except WorkflowError as e:
            s.rollback()
            error = str(e)
            status = 403 if isinstance(e, NotAllowed) else 409 if isinstance(e, StaleItem) else 400
    if error is None:
        # Post/Redirect/Get: a reload does not repeat the action
        return RedirectResponse(f"/items/{item_id}?done={action}", status_code=303)
    ctx = _load(request, user, item_id)
    return page(request, "item.html", status_code=status, user=user, error=error, done="", **ctx)

