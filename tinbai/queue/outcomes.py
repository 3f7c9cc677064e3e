"""What a review action returns besides its history entry: what the sender is to be told, and
who on the board is to be told that the item now waits for them (as data: the workflow never
imports the notifier; tinbai.board has it write the emails)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import Session

from tinbai.config import Profile
from tinbai.queue.feedback_workflow import FEEDBACK_NOTICES
from tinbai.queue.models import Item, ReviewEvent, UnitForward, User
from tinbai.queue.permissions import agency_heads, current_step, step_holders


@dataclass(frozen=True)
class SenderNotice:
    """What the sender is to be told of an action; the notifier writes the email (and sends
    none when the item has no sender's address)."""

    kind: Literal["correction", "refusal", "publication", "answer", "answer_online"]
    comment: str | None = None  # the board's words to the sender
    # a refusal's ground (a key of profile.refusal_grounds); None: the reviewer's own reason
    ground: str | None = None


@dataclass(frozen=True)
class BoardNotice:
    """Who on the board is to be told that the item now waits for them: the person it was given
    to, else everyone whose role holds the step it reached (the notifier writes the email)."""

    kind: Literal["assigned", "forwarded", "escalated"]
    to: tuple[str, ...]  # account emails, never the actor's own
    step_label: str
    personal: bool  # given to one person by name (else: to whoever of the step takes it)
    comment: str | None = None  # the actor's words that go with it


@dataclass(frozen=True)
class Applied:
    """What an action did: its entry in the history (flushed: it has its id), what the sender is
    to be told because of it, who on the board is to be told the item waits for them, and the
    units a citizen's feedback was forwarded to (each unit gets an email)."""

    event: ReviewEvent
    notices: tuple[SenderNotice, ...] = ()
    board: tuple[BoardNotice, ...] = ()
    forwards: tuple[UnitForward, ...] = ()


def sender_notices(action: str, comment: str | None, params: dict[str, Any]) -> tuple[SenderNotice, ...]:
    """A return asks the sender for corrections (the board's comment says which), a refusal
    gives its ground, a publication its address, an answer to a citizen's feedback its text or
    its link; the other actions stay inside the board."""
    if action == "return":
        return (SenderNotice("correction", comment=comment),)
    if action == "refuse":
        return (SenderNotice("refusal", comment=comment, ground=params.get("ground") or None),)
    if action == "publish":
        return (SenderNotice("publication"),)
    if action in FEEDBACK_NOTICES:
        return (SenderNotice(FEEDBACK_NOTICES[action], comment=comment),)  # type: ignore[arg-type]
    return ()


_BOARD_KINDS: dict[str, Literal["assigned", "forwarded", "escalated"]] = {
    "assign": "assigned", "forward": "forwarded", "escalate": "escalated"}


def board_notices(session: Session, item: Item, user: User, profile: Profile, action: str,
                  comment: str | None) -> tuple[BoardNotice, ...]:
    """Giving an item to someone tells them; forwarding or escalating it to nobody in particular
    tells everyone who may take it (the step's roles; the agency heads)."""
    kind = _BOARD_KINDS.get(action)
    if kind is None:
        return ()
    step = current_step(item, profile)
    if item.holder:
        to, personal = [item.holder], True
    elif action == "escalate":
        to, personal = [u.email for u in agency_heads(session, item)], False
    else:
        to, personal = [u.email for u in step_holders(session, item, step)], False
    to = [e for e in to if e != user.email]
    label = "Xin ý kiến Thủ trưởng cơ quan" if action == "escalate" else step.label
    return (BoardNotice(kind, tuple(to), label, personal, comment),) if to else ()
