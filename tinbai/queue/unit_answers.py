"""A unit's answer to feedback the board forwarded to it (binhphuoc Art. 11.2, 11.4: "đơn vị chủ
trì có trách nhiệm gửi thông tin trả lời bằng Thư điện tử về Ban Biên tập").

The unit answers by replying to the board's email; the ingest joins the reply to the item by its
tracking code (tinbai.ingest.runner). When the reply comes from an address the feedback was
forwarded to, or from the agency's own side (tinbai.extract.origin: a colleague of the unit
head answering for the unit), that forward is answered: the unit's reminders stop and the
history says so. A reply from anyone else (the reader writing again) answers nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from tinbai.config import Profile
from tinbai.extract.origin import from_agency
from tinbai.queue.directory import load_directory
from tinbai.queue.models import Item, ReviewEvent, UnitForward


def record_unit_answer(session: Session, parent: Item, reply: Item, sender_address: str | None,
                       profile: Profile, now: datetime) -> UnitForward | None:
    """Mark the forward `reply` answers (in the caller's transaction); None when it answers none."""
    if not sender_address:
        return None
    waiting = list(session.exec(select(UnitForward).where(
        UnitForward.item_id == parent.id, col(UnitForward.answered_at).is_(None)).order_by(UnitForward.id)))
    address = sender_address.strip().lower()
    answered = next((f for f in waiting if address in {a.strip().lower() for a in f.addresses.split(",")}), None)
    if answered is None and waiting and from_agency(load_directory(session, profile.id), profile.allowed_domains,
                                                     address):
        answered = waiting[0]
    if answered is None:
        return None
    answered.answered_at = now
    answered.answer_item_id = reply.id
    session.add(answered)
    session.add(ReviewEvent(item_id=parent.id, at=now, actor="tinbai", action="unit_answer",
                            comment=f"{answered.unit} trả lời ({sender_address}): mục #{reply.id}"))
    return answered
