"""Several items at once, from the queue: take, assign, forward (a secretary's morning).

Each item is one action of its own, in its own transaction, checked like the same action on
the item's page (its step, the user's role, the person it is given to); the page that follows
says what was done and, item by item, what could not be and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request

from tinbai.board import act as board_act
from tinbai.queue.models import Item
from tinbai.queue.permissions import can_see, shown_subject
from tinbai.queue.workflow import ACTION_LABELS, WorkflowError
from tinbai.web.common import MAX_ID, CheckedForm, CurrentUser, config_of, db, page
from tinbai.web.views_account import safe_next
from tinbai.web.views_item import action_params
from tinbai.web.views_queue import BULK_ROLES

router = APIRouter()
BULK_ACTIONS = ("take", "assign", "forward")
BULK_MAX = 200  # items in one go: more is a mistake in the selection


@dataclass
class Outcome:
    item_id: int
    label: str
    error: str | None


def _ids(form) -> list[int]:
    out = []
    for raw in form.getlist("ids"):
        try:
            n = int(str(raw))
        except ValueError:
            continue
        if 1 <= n <= MAX_ID and n not in out:
            out.append(n)
    return out


@router.post("/items/bulk")
def bulk(request: Request, form: CheckedForm, user: CurrentUser):
    config = config_of(request)
    if user.role not in BULK_ROLES:
        raise HTTPException(403, "Chỉ Thư ký, Trưởng ban và quản trị hệ thống xử lý nhiều mục cùng lúc.")
    action = str(form.get("action") or "")
    if action not in BULK_ACTIONS:
        raise HTTPException(400, "Thao tác này không làm được cho nhiều mục cùng lúc.")
    ids = _ids(form)
    if not ids:
        raise HTTPException(400, "Chưa chọn mục nào: đánh dấu các mục ở cột “Chọn” của hàng đợi.")
    if len(ids) > BULK_MAX:
        raise HTTPException(400, f"Mỗi lần xử lý tối đa {BULK_MAX} mục.")
    params = action_params(action, form, config.settings.zone)
    outcomes = []
    for item_id in ids:
        with db(request) as s:
            item = s.get(Item, item_id)
            if item is None or not can_see(user, item.profile) or item.profile not in config.profiles:
                # another profile's item is not named, as on its own page
                outcomes.append(Outcome(item_id, f"#{item_id}", "Không có mục này, hoặc đồng chí không được xem."))
                continue
            # an unnamed provider's details stay out of the subject for those who may not see them,
            # a state secret's subject for those who may not open it
            subject = shown_subject(user, item)
            label = f"{item.tracking_code or '#' + str(item.id)} · {subject}"
            try:
                board_act(s, item, user, action, config=config, **params)
                request.app.state.courier.commit(s)
                outcomes.append(Outcome(item_id, label, None))
            except WorkflowError as e:
                s.rollback()
                outcomes.append(Outcome(item_id, label, str(e)))
    done = sum(1 for o in outcomes if o.error is None)
    return page(request, "bulk.html", user=user, action_label=ACTION_LABELS[action], outcomes=outcomes, done=done,
                back=safe_next(str(form.get("back") or "/")))
