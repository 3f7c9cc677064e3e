"""Who may do what: a profile's review steps, where an item stands among them, and which
actions each user may take on it (pure functions of the item, the user and the profile),
with the two look-ups of the people an item can be given to.

The roles of the item's current step act on it, the board's head may act on any step,
the administrator on everything, the agency head on escalated items, a viewer on nothing.
"""

from __future__ import annotations

from sqlmodel import Session, select

from tinbai.config import FEEDBACK, Profile, ReviewStep
from tinbai.queue.models import Item, User
from tinbai.queue.privacy import IDENTITY_ROLES
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
    if state == FAILED or state in (PUBLISHED, REFUSED, ANSWERED):
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
        if item.category == FEEDBACK:
            acts += feedback_actions(profile)
        elif is_last_step(item, profile):
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


def secrecy_actions(item: Item, user: User, profile: Profile) -> list[str]:
    """Keeping an unnamed provider's identity secret, or no longer (thainguyen/haiduong Art. 4.2):
    for those who see it (the secretaries and heads), at any stage of the item but a failure."""
    if user.disabled or user.role not in IDENTITY_ROLES or not can_see(user, item.profile) \
            or not profile.unnamed_providers or item.state == FAILED:
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


def agency_heads(session: Session, item: Item) -> list[User]:
    users = session.exec(select(User).where(User.role == "agency_head", User.disabled == False)).all()
    return [u for u in users if can_see(u, item.profile)]
