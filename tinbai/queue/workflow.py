"""The board's review workflow (REGULATIONS §5), the same code for every profile.

An item moves  new → in_review (at step k of profile.review_steps) → approved (the
last step passed) → published; or refused; or returned (to the sender, for
correction); a sensitive item is escalated to the agency head and comes back to
its step; failed items (processing errors) are only retried by an administrator
from the command line.

Who may do what is decided by `allowed_actions`, a pure function of the item, the
user and the profile: the roles of the item's current step act on it, the board's
head may act on any step, the administrator on everything, the agency head on
escalated items, a viewer on nothing. `apply` checks the same rule, changes the
item and writes its ReviewEvent (and any email, into the outbox) in the caller's
session, so that the caller's one commit holds the change, its audit entry and its
email together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from tinbai.calendar import WorkCalendar, compute_deadline
from tinbai.config import Config, Profile, ReviewStep
from tinbai.notifier.compose import render
from tinbai.notifier.notices import queue_correction, regulation_short
from tinbai.notifier.outbox import queue_email
from tinbai.notifier.scheduler import plan_item_reminders
from tinbai.queue.models import Item, ReviewEvent, User, utcnow
from tinbai.report import Anchor, CheckReport, Problem, Sender
from tinbai.roles import ROLES

# ----- vocabulary ------------------------------------------------------------------------

NEW, IN_REVIEW, APPROVED, PUBLISHED = "new", "in_review", "approved", "published"
REFUSED, RETURNED, ESCALATED, FAILED = "refused", "returned", "escalated", "failed"

STATE_LABELS: dict[str, str] = {
    NEW: "Mới nhận",
    IN_REVIEW: "Đang xét duyệt",
    APPROVED: "Đã duyệt, chờ đăng",
    PUBLISHED: "Đã đăng",
    REFUSED: "Từ chối đăng",
    RETURNED: "Trả lại để sửa",
    ESCALATED: "Xin ý kiến Thủ trưởng",
    FAILED: "Lỗi xử lý",
}
# The deadline's clock runs only while the board holds the item.
OPEN_STATES: tuple[str, ...] = (NEW, IN_REVIEW, APPROVED, ESCALATED)
CLOSED_STATES: tuple[str, ...] = (PUBLISHED, REFUSED, RETURNED)

# The secretary posts what the board approved (binhphuoc Art. 11.1: the secretary is the
# portal's administrator), whoever held the last step.
PUBLISHER_ROLES: frozenset[str] = frozenset({"secretary"})

ACTION_LABELS: dict[str, str] = {
    "take": "Nhận xử lý",
    "assign": "Giao cho người khác",
    "forward": "Chuyển bước tiếp theo",
    "approve": "Duyệt đăng",
    "publish": "Đã đăng lên Trang",
    "refuse": "Từ chối đăng",
    "return": "Trả lại để người gửi sửa",
    "escalate": "Xin ý kiến Thủ trưởng cơ quan",
    "deescalate": "Trả ý kiến, về lại bước xét duyệt",
    "reopen": "Mở lại để xét duyệt",
    "change_category": "Đổi loại tin / mốc tính hạn",
    "comment": "Ghi ý kiến",
}
# Labels of what the daemon itself records, for the history.
EVENT_LABELS: dict[str, str] = {
    **ACTION_LABELS,
    "received": "Tiếp nhận tự động",
    "failed": "Lỗi xử lý",
    "retry": "Xử lý lại",
    "reply": "Người gửi trả lời / gửi lại",
    "reassign": "Giao lại cho người khác",
    "quarantine_download": "Quản trị tải tệp bị cách ly",
}

ANCHOR_LABELS: dict[str, str] = {
    "event": "ngày diễn ra sự kiện",
    "event_end": "thời điểm kết thúc hoạt động",
    "issued": "ngày ban hành văn bản",
    "received": "thời điểm nhận thư",
    "approved": "ngày được phê duyệt",
    "conference": "ngày hội nghị",
    "period_end": "cuối kỳ báo cáo",
}

# Without configured steps a profile still has one review step, held by the board.
DEFAULT_STEP = ReviewStep(id="review", label="Xét duyệt", roles=["secretary", "member", "head"])


class WorkflowError(Exception):
    """An action that cannot be done as asked (a missing or wrong parameter); the message is for the user."""


class NotAllowed(WorkflowError):
    """The user's role may not take this action on this item at its step and state."""


class StaleItem(WorkflowError):
    """The item changed since the user's page was shown."""


# ----- who may do what (pure) ----------------------------------------------------------


def steps_of(profile: Profile) -> list[ReviewStep]:
    return list(profile.review_steps) or [DEFAULT_STEP]


def step_index(item: Item, profile: Profile) -> int:
    """Where the item stands; an unknown or missing step is the first one (a new item)."""
    for i, s in enumerate(steps_of(profile)):
        if s.id == item.step:
            return i
    return 0


def current_step(item: Item, profile: Profile) -> ReviewStep:
    return steps_of(profile)[step_index(item, profile)]


def is_last_step(item: Item, profile: Profile) -> bool:
    return step_index(item, profile) == len(steps_of(profile)) - 1


def user_profiles(user: User) -> set[str] | None:
    """The profiles a user works on; None means all of them."""
    raw = (user.profiles or "").strip()
    if raw == "*":
        return None
    return {p.strip() for p in raw.split(",") if p.strip()}


def can_see(user: User, profile_id: str) -> bool:
    if user.disabled:
        return False
    allowed = user_profiles(user)
    return allowed is None or profile_id in allowed


def can_act_on_step(user: User, step: ReviewStep) -> bool:
    return user.role in ("admin", "head") or user.role in step.roles


def allowed_actions(item: Item, user: User, profile: Profile) -> list[str]:
    """The actions `user` may take on `item` now, in the order the page offers them."""
    if user.disabled or user.role == "viewer" or not can_see(user, item.profile):
        return []
    role, state = user.role, item.state
    boss = role in ("admin", "head")
    if state == FAILED or state in (PUBLISHED, REFUSED):
        return ["comment"]  # a failed item is retried from the command line, by an administrator
    if role == "agency_head":
        return ["deescalate", "refuse", "comment"] if state == ESCALATED else ["comment"]
    step = current_step(item, profile)
    on_step = can_act_on_step(user, step)
    # someone else holds it: only the head and the administrator may step in
    free = boss or not item.holder or item.holder == user.email
    acts: list[str] = []
    if state in (NEW, IN_REVIEW) and on_step and free:
        if item.holder != user.email:
            acts.append("take")
        acts.append("assign")
        if is_last_step(item, profile):
            acts += ["approve", "publish"]
        else:
            acts.append("forward")
        acts += ["return", "refuse", "escalate", "change_category"]
    elif state == APPROVED:
        last = steps_of(profile)[-1]
        if boss or role in last.roles or role in PUBLISHER_ROLES:
            acts.append("publish")
        if boss:
            acts += ["return", "refuse", "change_category"]
    elif state == ESCALATED and role == "admin":
        acts += ["deescalate", "refuse"]
    elif state == RETURNED and on_step:
        acts.append("reopen")
    acts.append("comment")
    return acts


def assignable_users(session: Session, item: Item, profile: Profile, step: ReviewStep | None = None) -> list[User]:
    """Who can be given the item at `step` (default: its current step)."""
    step = step or current_step(item, profile)
    users = session.exec(select(User).where(User.disabled == False).order_by(User.email)).all()
    return [u for u in users if can_see(u, item.profile) and u.role != "admin" and can_act_on_step(u, step)]


def agency_heads(session: Session, item: Item) -> list[User]:
    users = session.exec(select(User).where(User.role == "agency_head", User.disabled == False)).all()
    return [u for u in users if can_see(u, item.profile)]


# ----- the report as stored ------------------------------------------------------------


def load_report(item: Item) -> CheckReport:
    """The item's check report back from report_json (what the correction email needs)."""
    data = json.loads(item.report_json or "{}")
    sender = data.get("sender") or {}
    anchor = data.get("anchor") or {}
    return CheckReport(
        profile=data.get("profile") or item.profile,
        message_id=data.get("message_id") or item.message_id,
        received_at=_dt(data.get("received_at")) or item.received_at,
        subject=data.get("subject") if data.get("subject") is not None else item.subject,
        sender=Sender(**{k: sender.get(k) for k in ("address", "name", "title", "unit", "phone", "postal_address")}),
        category=data.get("category") or item.category or "other",
        anchor=Anchor(kind=anchor.get("kind") or item.anchor_kind or "received",
                      at=_dt(anchor.get("at")) or item.anchor_at or item.received_at,
                      has_time=anchor.get("has_time", True), source=anchor.get("source")),
        deadline=_dt(data.get("deadline")),
        attachments=[],
        problems=[Problem(code=p.get("code", ""), severity=p.get("severity", "warning"),
                          attachment=p.get("attachment"), detail=p.get("detail", ""), article=p.get("article"))
                  for p in data.get("problems") or []],
        verdict=data.get("verdict") or item.verdict or "accept",
    )


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(str(value))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


# ----- applying an action ---------------------------------------------------------------


@dataclass
class _Ctx:
    session: Session
    item: Item
    user: User
    profile: Profile
    config: Config
    now: datetime


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
) -> ReviewEvent:
    """Do `action` on `item` as `user`: change it, record a ReviewEvent and queue the emails it
    causes, all in `session` (the caller commits). Raises WorkflowError when the action is not
    allowed, when the item changed since the user saw it (expected_state/expected_step, from the
    page's form), or when a required parameter is missing or wrong."""
    profile = config.profile(item.profile)
    if expected_state is not None and (expected_state != item.state or (expected_step or None) != item.step):
        raise StaleItem("Mục này vừa được người khác xử lý: hãy xem lại trạng thái mới rồi thao tác lại.")
    if action not in ACTION_LABELS:
        raise NotAllowed(f"Không có thao tác {action!r}.")
    if action not in allowed_actions(item, user, profile):
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
                        from_state=from_state, to_state=to_state, step=step_before or item.step, comment=text)
    session.add(event)
    session.flush()  # the event's id names the emails it causes
    _after(ctx, action, event, comment, params)
    # a new holder, deadline or state changes who is reminded and when (a closed item: nobody)
    plan_item_reminders(session, item, profile, config, now=ctx.now)
    return event


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
    steps = steps_of(c.profile)
    nxt = steps[step_index(c.item, c.profile) + 1]
    target = _pick_user(c, assignee, nxt) if assignee else None
    c.item.step = nxt.id
    c.item.state = IN_REVIEW
    c.item.holder = target.email if target else None
    note = f"Chuyển sang bước “{nxt.label}”" + (f", giao cho {_who(target)}" if target else "")
    return note, IN_REVIEW, "forward"


def _approve(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    c.item.state = APPROVED
    c.item.step = current_step(c.item, c.profile).id
    c.item.holder = None  # whoever posts it takes it from here
    return None, APPROVED, "approve"


def _publish(c: _Ctx, comment: str | None, *, url: str | None = None,
             published_at: datetime | None = None) -> tuple[str | None, str, str]:
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")) or " " in url or len(url) > 2000:
        raise WorkflowError("Cần địa chỉ (URL) bài đã đăng, bắt đầu bằng http:// hoặc https://.")
    when = published_at or c.now
    if when.tzinfo is None:
        raise WorkflowError("Thời điểm đăng cần có múi giờ.")
    if when > c.now:
        raise WorkflowError("Thời điểm đăng không thể ở tương lai.")
    if c.item.state != APPROVED:
        c.item.step = current_step(c.item, c.profile).id
    c.item.state = PUBLISHED
    c.item.published_url = url
    c.item.published_at = when
    c.item.holder = None
    return f"Đã đăng: {url}", PUBLISHED, "publish"


def _refuse(c: _Ctx, comment: str | None, *, ground: str | None = None) -> tuple[str | None, str, str]:
    if not ground or ground not in c.profile.refusal_grounds:
        raise WorkflowError("Hãy chọn một căn cứ từ chối theo Quy chế.")
    c.item.state = REFUSED
    c.item.holder = None
    return f"Căn cứ ({ground}): {c.profile.refusal_grounds[ground]}", REFUSED, "refuse"


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
    if (it.category, it.anchor_kind, it.anchor_at, it.deadline) == old:
        raise WorkflowError("Loại tin và mốc tính hạn không thay đổi.")
    old_label = c.profile.categories[old[0]].label if old[0] in c.profile.categories else (old[0] or "—")
    note = (f"Loại tin: {old_label} → {rule.label}; mốc: {ANCHOR_LABELS.get(kind, kind)} "
            f"{_vn(at, has_time)}; hạn: {_vn(old[3])} → {_vn(it.deadline)}")
    return note, it.state, "change_category"


def _comment(c: _Ctx, comment: str | None) -> tuple[str | None, str, str]:
    if not comment:
        raise WorkflowError("Ý kiến trống.")
    return None, c.item.state, "comment"


_HANDLERS = {
    "take": _take, "assign": _assign, "forward": _forward, "approve": _approve, "publish": _publish,
    "refuse": _refuse, "return": _return, "escalate": _escalate, "deescalate": _deescalate,
    "reopen": _reopen, "change_category": _change_category, "comment": _comment,
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


def _vn(dt: datetime | None, with_time: bool = True) -> str:
    from tinbai.notifier.compose import vn_time

    return vn_time(dt, with_time)


# ----- the emails an action causes -------------------------------------------------------


def _after(c: _Ctx, action: str, event: ReviewEvent, comment: str | None, params: dict[str, Any]) -> None:
    it, prof = c.item, c.profile
    if action == "return":
        # a key per event: a second return of the same item is a second email
        queue_correction(c.session, it, load_report(it), prof, c.config, comment=comment,
                         key=f"correction:{it.id}:event:{event.id}")
        return
    if not it.sender_address or action not in ("refuse", "publish"):
        return
    base = {"agency": prof.agency, "code": it.tracking_code or f"#{it.id}", "subject": it.subject,
            "sender_name": it.sender_name, "regulation_short": regulation_short(prof), "title": ""}
    if action == "refuse":
        ground = params["ground"]
        mail = render("refusal", **base, ground=ground, ground_text=prof.refusal_grounds[ground], comment=comment)
        key = f"refusal:{it.id}:event:{event.id}"
    else:
        mail = render("publication", **base, url=it.published_url, published_at=it.published_at)
        key = f"publication:{it.id}"
    kind = "refusal" if action == "refuse" else "publication"
    queue_email(c.session, kind=kind, to=[it.sender_address], subject=mail.subject, body_text=mail.text,
                body_html=mail.html, item_id=it.id, dedupe_key=key, in_reply_to=it.message_id,
                domain=_domain(c.config))


def _domain(config: Config) -> str:
    addr = config.smtp.sender
    return addr.rsplit("@", 1)[1].strip(" >") if "@" in addr else "tinbai.local"
