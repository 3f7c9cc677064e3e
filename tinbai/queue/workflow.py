"""The board's review actions (REGULATIONS §5), the same code for every profile.

An item moves  new → in_review (at step k of profile.review_steps) → approved (the
last step passed) → published; or refused; or returned (to the sender, for
correction); a sensitive item is escalated to the agency head and comes back to
its step; failed items (processing errors) are only retried by an administrator
from the command line (the states: tinbai.queue.states).

Who may do what is decided by `allowed_actions` (tinbai.queue.permissions). `apply`
checks the same rule, changes the item and writes its ReviewEvent in the caller's
session, and returns what the action means for the sender (SenderNotice) as data: the
application layer (tinbai.board) has the notifier turn it into outbox rows and replan
the item's reminders in the same session (the shapes of what it returns: tinbai.queue.outcomes), so that the caller's one commit holds the
change, its audit entry and its email together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from tinbai.calendar import WorkCalendar, compute_deadline, vn_time
from tinbai.config import Config, Profile, ReviewStep
from tinbai.queue.errors import NotAllowed, StaleItem, WorkflowError
from tinbai.queue.extension import ANCHOR_LABELS, extend_deadline
from tinbai.queue.feedback_workflow import (
    EXTRA_EVENT_LABELS,
    FEEDBACK_ACTION_LABELS,
    FEEDBACK_HANDLERS,
    checked_url,
)
from tinbai.queue.models import Item, ReviewEvent, UnitForward, User, utcnow
from tinbai.queue.outcomes import Applied, BoardNotice, SenderNotice, board_notices, sender_notices
from tinbai.queue.permissions import (
    agency_heads,
    allowed_actions,
    assignable_users,
    current_step,
    next_step,
    publishing_step,
    secrecy_actions,
)
from tinbai.queue.states import (
    APPROVED,
    ESCALATED,
    IN_REVIEW,
    NEW,
    PUBLISHED,
    REFUSED,
    RETURNED,
    STATE_LABELS,
)
from tinbai.roles import ROLES

# ----- the actions' vocabulary --------------------------------------------------------------

ACTION_LABELS: dict[str, str] = {
    "take": "Nhận xử lý",
    "assign": "Giao cho người khác",
    "forward": "Chuyển bước tiếp theo",
    "approve": "Duyệt đăng",
    "publish": "Đăng tải",
    "refuse": "Từ chối đăng",
    "return": "Trả lại để người gửi sửa",
    "escalate": "Xin ý kiến Thủ trưởng cơ quan",
    "deescalate": "Trả ý kiến, về lại bước xét duyệt",
    "reopen": "Mở lại để xét duyệt",
    "change_category": "Đổi loại tin / mốc tính hạn",
    "extend_deadline": "Gia hạn theo Quy chế (ghi rõ lý do)",
    "comment": "Ghi ý kiến",
    **FEEDBACK_ACTION_LABELS,
}
# Labels of what the daemon itself records, for the history.
EVENT_LABELS: dict[str, str] = {
    **ACTION_LABELS,
    "received": "Tiếp nhận tự động",
    "failed": "Lỗi xử lý",
    "retry": "Xử lý lại",
    "reply": "Người gửi trả lời / gửi lại",
    "reassign": "Giao lại cho người khác",
    "quarantine_download": "Tải tệp bị cách ly",
    **EXTRA_EVENT_LABELS,
}


# ----- applying an action ---------------------------------------------------------------


@dataclass
class _Ctx:
    session: Session
    item: Item
    user: User
    profile: Profile
    config: Config
    now: datetime
    forwards: list[UnitForward] = field(default_factory=list)


def apply(
    session: Session,
    item: Item,
    user: User,
    action: str,
    *,
    config: Config,
    now: datetime | None = None,
    expected_state: str | None = None,
    expected_step: str | None = None,
    **params: Any,
) -> Applied:
    """Do `action` on `item` as `user`: change it and record a ReviewEvent in `session`; return
    both with what the sender is to be told (tinbai.board.act adds the emails and the
    reminders; the caller commits). Raises WorkflowError when the action is not allowed, when
    the item changed since the user saw it (expected_state/expected_step, from the page's
    form), or when a required parameter is missing or wrong."""
    profile = config.profile(item.profile)
    if expected_state is not None and (expected_state != item.state or (expected_step or None) != item.step):
        raise StaleItem("Mục này vừa được người khác xử lý: hãy xem lại trạng thái mới rồi thao tác lại.")
    if action not in ACTION_LABELS:
        raise NotAllowed(f"Không có thao tác {action!r}.")
    if action not in allowed_actions(item, user, profile) + secrecy_actions(item, user, profile):
        raise NotAllowed(
            f"Tài khoản {user.email} ({ROLES.get(user.role, user.role)}) không được "
            f"“{ACTION_LABELS[action]}” khi mục ở trạng thái “{STATE_LABELS.get(item.state, item.state)}”"
            f", bước “{current_step(item, profile).label}”.")
    ctx = _Ctx(session, item, user, profile, config, now or utcnow())
    from_state, step_before = item.state, item.step
    comment = (params.pop("comment", None) or "").strip() or None
    handler = _HANDLERS[action]
    note, to_state, event_action = handler(ctx, comment, **params)
    item.updated_at = ctx.now
    session.add(item)
    text = "\n".join(x for x in (note, comment) if x) or None
    event = ReviewEvent(item_id=item.id, at=ctx.now, actor=user.email, action=event_action,
                        from_state=from_state, to_state=to_state, step=step_before or item.step, comment=text,
                        ground=(params.get("ground") or None) if action == "refuse" else None)  # statistics
    session.add(event)
    session.flush()  # the event's id names the emails it causes
    return Applied(event, sender_notices(action, comment, params),
                   board_notices(session, item, user, profile, action, comment), tuple(ctx.forwards))


# Each handler changes the item and returns (what to add to the history, new state, action name).


def _take(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    before = c.item.holder
    c.item.holder = c.user.email
    _enter_review(c)
    return (f"Nhận lại từ {before}" if before else None), c.item.state, "take"


def _assign(c: _Ctx, comment: str | None, *, assignee: str | None = None) -> tuple[str | None, str, str]:
    target = _pick_user(c, assignee, current_step(c.item, c.profile))
    before = c.item.holder
    c.item.holder = target.email
    _enter_review(c)
    return f"Giao cho {_who(target)}", c.item.state, "reassign" if before else "assign"


def _forward(c: _Ctx, comment: str | None, *, assignee: str | None = None) -> tuple[str | None, str, str]:
    nxt = next_step(c.item, c.profile)
    if nxt is None:  # allowed_actions offers no forward at the approving step
        raise WorkflowError("Bước này là bước duyệt đăng: không còn bước xét duyệt nào sau.")
    target = _pick_user(c, assignee, nxt) if assignee else None
    c.item.step = nxt.id
    c.item.state = IN_REVIEW
    c.item.holder = target.email if target else None
    note = f"Chuyển sang bước “{nxt.label}”" + (f", giao cho {_who(target)}" if target else "")
    return note, IN_REVIEW, "forward"


def _approve(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    c.item.state = APPROVED
    posting = publishing_step(c.profile)
    # to the publishing step when the profile has one ("Thư ký đăng tải"), else it stays here
    c.item.step = posting.id if posting else current_step(c.item, c.profile).id
    c.item.holder = None  # whoever posts it takes it from here
    return (f"Chuyển sang bước “{posting.label}”" if posting else None), APPROVED, "approve"


def _publish(c: _Ctx, comment: str | None, *, url: str | None = None,
             published_at: datetime | None = None) -> tuple[str | None, str, str]:
    url = checked_url(url)
    when = published_at or c.now
    if when.tzinfo is None:
        raise WorkflowError("Thời điểm đăng cần có múi giờ.")
    if when > c.now:
        raise WorkflowError("Thời điểm đăng không thể ở tương lai.")
    c.item.state = PUBLISHED
    c.item.published_url = url
    c.item.published_at = when
    c.item.holder = None
    return f"Đã đăng: {url}", PUBLISHED, "publish"


def _refuse(c: _Ctx, comment: str | None, *, ground: str | None = None) -> tuple[str | None, str, str]:
    """On a ground the regulation lists, or, where it lists none or not all (kontum, hungyen), on
    the reviewer's own reason, which the comment states."""
    if ground and ground in c.profile.refusal_grounds:
        note = f"Căn cứ ({ground}): {c.profile.refusal_grounds[ground]}"
    elif not ground and c.profile.refusal_by_own_reason():
        if not comment:
            raise WorkflowError("Hãy chọn một căn cứ hoặc ghi rõ lý do từ chối (nội dung này được gửi cho người gửi).")
        note = "Từ chối theo lý do của Ban Biên tập"
    else:
        raise WorkflowError("Hãy chọn một căn cứ từ chối theo Quy chế.")
    c.item.state = REFUSED
    c.item.holder = None
    return note, REFUSED, "refuse"


def _return(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    if not comment:
        raise WorkflowError("Hãy ghi rõ người gửi cần sửa, bổ sung những gì (nội dung này được gửi cho họ).")
    c.item.state = RETURNED
    c.item.holder = None
    return None, RETURNED, "return"


def _escalate(c: _Ctx, comment: str | None, *, assignee: str | None = None) -> tuple[str | None, str, str]:
    target = None
    if assignee:
        heads = {u.email: u for u in agency_heads(c.session, c.item)}
        target = heads.get(assignee)
        if target is None:
            raise WorkflowError(f"{assignee} không phải Thủ trưởng cơ quan có quyền với hồ sơ này.")
    c.item.state = ESCALATED
    c.item.sensitive = True
    c.item.holder = target.email if target else None
    return ("Trình " + _who(target)) if target else None, ESCALATED, "escalate"


def _deescalate(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    if not comment:
        raise WorkflowError("Hãy ghi ý kiến chỉ đạo trước khi trả về Ban Biên tập.")
    c.item.state = IN_REVIEW
    c.item.holder = None
    return f"Về lại bước “{current_step(c.item, c.profile).label}”", IN_REVIEW, "deescalate"


def _reopen(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    c.item.state = IN_REVIEW
    c.item.holder = c.user.email
    return None, IN_REVIEW, "reopen"


def _change_category(c: _Ctx, comment: str | None, *, category: str | None = None,
                     anchor_at: datetime | None = None, anchor_has_time: bool = True) -> tuple[str | None, str, str]:
    rule = c.profile.categories.get(category or "")
    if rule is None:
        raise WorkflowError("Hãy chọn một loại tin có trong Quy chế.")
    if anchor_at is not None and anchor_at.tzinfo is None:
        raise WorkflowError("Mốc tính hạn cần có múi giờ.")
    it = c.item
    old = (it.category, it.anchor_kind, it.anchor_at, it.deadline)
    if anchor_at is not None:
        kind, at, has_time = rule.anchor, anchor_at, anchor_has_time
    elif it.anchor_kind == rule.anchor and it.anchor_at is not None:
        kind, at, has_time = it.anchor_kind, it.anchor_at, it.anchor_has_time
    else:
        # the old anchor means something else (an event is not an issuance): count from receipt,
        # as the check does when the text states no date (CHECK-REPORT "anchor")
        kind, at, has_time = "received", it.received_at, True
    cal = WorkCalendar.for_profile(c.profile, c.config)
    it.category, it.anchor_kind, it.anchor_at, it.anchor_has_time = category, kind, at, has_time
    it.deadline = compute_deadline(rule, at, has_time, cal)
    it.deadline_extended = False  # the new category's own limit: an extension is granted anew
    if (it.category, it.anchor_kind, it.anchor_at, it.deadline) == old:
        raise WorkflowError("Loại tin và mốc tính hạn không thay đổi.")
    old_label = c.profile.categories[old[0]].label if old[0] in c.profile.categories else (old[0] or "—")
    note = (f"Loại tin: {old_label} → {rule.label}; mốc: {ANCHOR_LABELS.get(kind, kind)} "
            f"{vn_time(at, cal.tz, has_time)}; hạn: {vn_time(old[3], cal.tz)} → {vn_time(it.deadline, cal.tz)}")
    return note, it.state, "change_category"


def _extend_deadline(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    try:
        return extend_deadline(c.item, c.profile, c.config, comment), c.item.state, "extend_deadline"
    except ValueError as e:
        raise WorkflowError(str(e)) from None


def _comment(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    if not comment:
        raise WorkflowError("Ý kiến trống.")
    return None, c.item.state, "comment"


_HANDLERS = {
    "take": _take, "assign": _assign, "forward": _forward, "approve": _approve, "publish": _publish,
    "refuse": _refuse, "return": _return, "escalate": _escalate, "deescalate": _deescalate,
    "reopen": _reopen, "change_category": _change_category, "extend_deadline": _extend_deadline,
    "comment": _comment, **FEEDBACK_HANDLERS,
}


def _enter_review(c: _Ctx) -> None:
    if c.item.state == NEW:
        c.item.state = IN_REVIEW
        c.item.step = current_step(c.item, c.profile).id


def _pick_user(c: _Ctx, email: str | None, step: ReviewStep) -> User:
    if not email:
        raise WorkflowError("Hãy chọn người nhận.")
    for u in assignable_users(c.session, c.item, c.profile, step):
        if u.email == email.strip().lower():
            return u
    raise WorkflowError(f"{email} không thể nhận mục ở bước “{step.label}” (vai trò hoặc hồ sơ không phù hợp).")


def _who(u: User) -> str:
    return f"{u.name} <{u.email}>" if u.name else u.email


__all__ = ["ACTION_LABELS", "ANCHOR_LABELS", "EVENT_LABELS", "Applied", "BoardNotice", "NotAllowed", "SenderNotice",
           "StaleItem", "WorkflowError", "apply"]
