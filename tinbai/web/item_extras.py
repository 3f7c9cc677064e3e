"""What the item page shows and records beyond the review itself: a citizen's feedback (the
units it went to and their answers), how the item reached the board (its channel), and an
unnamed provider (who may see them, and the history of who did).

- Opening a feedback item the first time is recorded ("opened"): hungyen Art. 11.3 asks that
  a comment be dealt with the same day, and the day's reminder goes out when nobody has.
- A secretary's or a head's look at an unnamed provider is recorded once a day per person
  ("identity_view"; thainguyen/haiduong Art. 4.2): the history says who saw it.
- Everyone else gets the page with the provider's details blotted out (tinbai.queue.privacy).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from sqlmodel import Session, col, select

from tinbai.config import CHANNEL_LABELS, EMAIL, FEEDBACK, Config, Profile
from tinbai.ingest.original import original_of
from tinbai.queue.directory import answering_units
from tinbai.queue.models import Item, ReviewEvent, UnitForward, User, utcnow
from tinbai.queue.privacy import UNNAMED, byline, identity_values, redact, sees_identity


def record_views(s: Session, config: Config, user: User, item: Item) -> None:
    """The history entries of `user` opening `item` (see the module's docstring); the caller commits."""
    now = utcnow()
    if item.category == FEEDBACK and s.exec(select(ReviewEvent.id).where(
            ReviewEvent.item_id == item.id, ReviewEvent.actor != "tinbai")).first() is None:
        s.add(ReviewEvent(item_id=item.id, at=now, actor=user.email, action="opened", comment=None))
    if item.provider_unnamed and sees_identity(user, item):
        zone = config.settings.zone
        day_start = datetime.combine(now.astimezone(zone).date(), time(0), zone)
        seen = s.exec(select(ReviewEvent.id).where(
            ReviewEvent.item_id == item.id, ReviewEvent.actor == user.email, ReviewEvent.action == "identity_view",
            col(ReviewEvent.at) >= day_start)).first()
        if seen is None:
            s.add(ReviewEvent(item_id=item.id, at=now, actor=user.email, action="identity_view",
                              comment=f"{UNNAMED}: xem trang của mục"))


def hider(user: User, item: Item, sender: dict[str, Any]) -> Callable[[Any], str]:
    """A function that blots the provider's details out of a text shown to `user` (the text as it
    is for those who may see them)."""
    if sees_identity(user, item):
        return lambda text: "" if text is None else str(text)
    values = identity_values(item, sender)
    return lambda text: redact("" if text is None else str(text), values)


def extras(s: Session, config: Config, item: Item, profile: Profile | None, sender: dict[str, Any]) -> dict[str, Any]:
    """The page's context for the feedback, the channel and the byline."""
    forwards = list(s.exec(select(UnitForward).where(UnitForward.item_id == item.id).order_by(UnitForward.id)))
    answers = {f.answer_item_id: s.get(Item, f.answer_item_id) for f in forwards if f.answer_item_id}
    # the board's answer to the reader starts from the unit's latest answer
    latest = answers.get(max((f.answer_item_id for f in forwards if f.answer_item_id), default=None))
    found = original_of(config, latest) if latest is not None else None
    prefill = found.text if found is not None else ""
    return {
        "forwards": forwards, "unit_answers": answers, "answer_prefill": prefill,
        "units": answering_units(s, profile.id) if profile else [],
        "qa_section": profile.feedback.qa_section if profile else None,
        "channel_label": CHANNEL_LABELS.get(item.channel, item.channel),
        "handed": item.channel != EMAIL,
        "byline": byline(item, sender),
    }
