"""Who may do what: a profile's review steps, where an item stands among them, and which
actions each user may take on it (pure functions of the item, the user and the profile),
with the two look-ups of the people an item can be given to.

The roles of the item's current step act on it, the board's head may act on any step,
the administrator on everything, the agency head on escalated items, a viewer on nothing.
An item held for a state-secret mark (content.classified) is opened by the board's head and the
agency head only, not even by the administrator; they may refuse it (it is never posted) or note
what they did about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from tinbai.config import FEEDBACK, Profile, ReviewStep
from tinbai.queue.extension import can_extend
from tinbai.queue.models import Item, User
from tinbai.queue.privacy import IDENTITY_ROLES, identity_values, redact, sees_identity
from tinbai.queue.states import (
    ANSWERED,
    APPROVED,
    ESCALATED,
    FAILED,
    IN_REVIEW,
    NEW,
    PUBLISHED,
    REFUSED,
    RETURNED,
)

# The secretary posts what the board approved (binhphuoc Art. 11.1: the secretary is the
# portal's administrator), whoever held the last step.
PUBLISHER_ROLES: frozenset[str] = frozenset({"secretary"})

# Who may open an item held for a state-secret mark (thainguyen/haiduong Art. 4.1 and 10.2.c,
# binhphuoc Art. 12.3.b, kontum Art. 4.1, hungyen Art. 4.1: state secrets are protected).
CLASSIFIED_READERS: frozenset[str] = frozenset({"head", "agency_head"})
# what the lists (the queue, its exports, the bulk page) show of such an item to everyone else
CLASSIFIED_SUBJECT = "Tài liệu mật đang tạm giữ: chỉ Trưởng Ban Biên tập, Thủ trưởng cơ quan được mở"

# Without configured steps a profile still has one review step, held by the board.
DEFAULT_STEP = ReviewStep(id="review", label="Xét duyệt", roles=["secretary", "member", "head"])


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


def publishing_step(profile: Profile) -> ReviewStep | None:
    """The step that posts what was approved (`publishes = true`), if the profile has one."""
    steps = steps_of(profile)
    return steps[-1] if steps[-1].publishes else None


def approving_index(profile: Profile) -> int:
    """The step whose act is the approval: the one before the publishing step, else the last."""
    return len(steps_of(profile)) - (2 if publishing_step(profile) else 1)


def is_approval_step(item: Item, profile: Profile) -> bool:
    return step_index(item, profile) == approving_index(profile)


def next_step(item: Item, profile: Profile) -> ReviewStep | None:
    """The step a forward leads to; None at the approving step (its act is the approval)."""
    i = step_index(item, profile)
    return steps_of(profile)[i + 1] if i < approving_index(profile) else None


def may_publish(user: User, profile: Profile) -> bool:
    """Who posts an approved item: the publishing step's roles, else the secretary (binhphuoc
    Art. 11.1) or the last step's roles; the head and the administrator always."""
    if user.role in ("admin", "head"):
        return True
    step = publishing_step(profile)
    roles = set(step.roles) if step else set(PUBLISHER_ROLES) | set(steps_of(profile)[-1].roles)
    return user.role in roles


def is_held(item: Item) -> bool:
    """A held item: something dangerous was found (a security problem quarantined its files). It
    is not reviewed for posting: it can only be returned to the sender, refused or commented on."""
    return item.verdict == "quarantine" and item.state in (NEW, IN_REVIEW)


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


def can_open(user: User, item: Item) -> bool:
    """Whether `user` may open the item: one of their profiles, and, when it is held for a
    state-secret mark, the board's head or the agency head."""
    return can_see(user, item.profile) and (not item.classified or user.role in CLASSIFIED_READERS)


def may_download_held(user: User, item: Item) -> bool:
    """Whether `user` may download a quarantined file of `item`: the administrator, to examine a
    file that could do harm; for an item held for a state-secret mark, its readers instead."""
    if not can_open(user, item):
        return False
    return user.role in CLASSIFIED_READERS if item.classified else user.role == "admin"


def shown_subject(user: User, item: Item, sender: Mapping[str, Any] | None = None) -> str:
    """The item's subject as `user` may see it in a list: none of a state secret they may not open,
    an unnamed provider's details blotted out for those who may not see them (tinbai.queue.privacy)."""
    if not can_open(user, item):
        return CLASSIFIED_SUBJECT
    if sees_identity(user, item):
        return item.subject or ""
    return redact(item.subject, identity_values(item, sender))


def can_act_on_step(user: User, step: ReviewStep) -> bool:
    return user.role in ("admin", "head") or user.role in step.roles


def allowed_actions(item: Item, user: User, profile: Profile) -> list[str]:
    """The actions `user` may take on `item` now, in the order the page offers them."""
    if user.disabled or user.role == "viewer" or not can_open(user, item):
        return []
    role, state = user.role, item.state
    boss = role in ("admin", "head")
    if state == FAILED or state in (PUBLISHED, REFUSED, ANSWERED):
        return ["comment"]  # a failed item is retried from the command line, by an administrator
    if item.classified:
        return ["refuse", "comment"]  # a state secret is never posted, whatever its step
    if role == "agency_head":
        return ["deescalate", "refuse", "comment"] if state == ESCALATED else ["comment"]
    step = current_step(item, profile)
    on_step = can_act_on_step(user, step)
    # someone else holds it: only the head and the administrator may step in
    free = boss or not item.holder or item.holder == user.email
    acts: list[str] = []
    if is_held(item):
        if on_step and free:
            acts += ["return", "refuse"]
    elif state in (NEW, IN_REVIEW) and on_step and free:
        if item.holder != user.email:
            acts.append("take")
        acts.append("assign")
        if item.category == FEEDBACK:
            acts += feedback_actions(profile)
        else:  # each step's own act: a forward to the next step, or at the approving step the approval
            acts.append("approve" if is_approval_step(item, profile) else "forward")
        acts += ["return", "refuse", "escalate", "change_category"]
        if can_extend(item, profile):
            acts.append("extend_deadline")
    elif state == APPROVED:
        if may_publish(user, profile) and free:
            if item.holder != user.email:
                acts.append("take")
            acts.append("publish")
        if boss:
            acts += ["return", "refuse", "change_category"]
    elif state == ESCALATED and role == "admin":
        acts += ["deescalate", "refuse"]
    elif state == RETURNED and on_step:
        acts.append("reopen")
    acts.append("comment")
    return acts


def secrecy_actions(item: Item, user: User, profile: Profile) -> list[str]:
    """Keeping an unnamed provider's identity secret, or no longer (thainguyen/haiduong Art. 4.2):
    for those who see it (the secretaries and heads), at any stage of the item but a failure; not
    on an item held for a state-secret mark (whose only acts are a refusal and a comment)."""
    if user.disabled or user.role not in IDENTITY_ROLES or not can_open(user, item) \
            or not profile.unnamed_providers or item.state == FAILED or item.classified:
        return []
    return ["unmark_unnamed" if item.provider_unnamed else "mark_unnamed"]


def feedback_actions(profile: Profile) -> list[str]:
    """How the board deals with a citizen's feedback, as far as the profile has the duty: forward
    it to the unit in charge (binhphuoc Art. 11.2), answer by email, or in the Q&A section (11.5)."""
    duties = profile.feedback
    return [*(["forward_unit"] if duties.forward_to_unit else []), "answer",
            *(["answer_online"] if duties.qa_section else [])]


def assignable_users(session: Session, item: Item, profile: Profile, step: ReviewStep | None = None) -> list[User]:
    """Who can be given the item at `step` (default: its current step)."""
    step = step or current_step(item, profile)
    users = session.exec(select(User).where(User.disabled == False).order_by(User.email)).all()
    return [u for u in users if can_see(u, item.profile) and u.role != "admin" and can_act_on_step(u, step)]


def step_holders(session: Session, item: Item, step: ReviewStep) -> list[User]:
    """The people whose role holds `step` (not the head's or the administrator's stepping in)."""
    users = session.exec(select(User).where(User.disabled == False).order_by(User.email)).all()
    return [u for u in users if u.role in step.roles and can_see(u, item.profile)]


def agency_heads(session: Session, item: Item) -> list[User]:
    users = session.exec(select(User).where(User.role == "agency_head", User.disabled == False)).all()
    return [u for u in users if can_see(u, item.profile)]
