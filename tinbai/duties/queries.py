"""The thin queries the duties read: a profile's items touched in a period, as records."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from tinbai.duties.records import PICTURE_TYPES, Credit, Event, ItemRecord, words_of
from tinbai.queue.models import Attachment, DutyRun, Item, ItemCredit, ProblemRow, ReviewEvent
from tinbai.queue.states import FAILED, OPEN_STATES

DECISIONS = ("approve", "publish", "refuse", "return")


def item_records(session: Session, profile_id: str, start: datetime, end: datetime, *,
                 contents: bool = False) -> list[ItemRecord]:
    """The profile's items that arrived, were decided, published or still open in [start, end):
    no failed items, no replies joined to their item. `contents`: also count the words and photos
    of the items received or published in the period (for kinds, quotas and royalties)."""
    q = (select(Item).options(defer(Item.report_json), defer(Item.search_text))
         .where(Item.profile == profile_id, Item.state != FAILED, col(Item.parent_id).is_(None),
                Item.received_at < end,
                or_(Item.received_at >= start, Item.updated_at >= start, col(Item.state).in_(OPEN_STATES),
                    col(Item.published_at) >= start))
         .order_by(Item.id))
    items = list(session.exec(q))
    ids = [it.id for it in items]
    if not ids:
        return []
    events: dict[int, list[Event]] = {}
    for e in session.exec(select(ReviewEvent).where(col(ReviewEvent.item_id).in_(ids),
                                                    col(ReviewEvent.action).in_(DECISIONS))
                          .order_by(ReviewEvent.at, ReviewEvent.id)):
        events.setdefault(e.item_id, []).append(Event(e.action, e.at, e.ground))
    late = set(session.exec(select(ProblemRow.item_id).distinct().where(
        col(ProblemRow.item_id).in_(ids), ProblemRow.code == "deadline.late_submission")))
    credits = {c.item_id: Credit(tuple(json.loads(c.authors or "[]")), c.kind, c.words, c.photos)
               for c in session.exec(select(ItemCredit).where(col(ItemCredit.item_id).in_(ids)))}
    touched = [it.id for it in items if start <= it.received_at
               or (it.published_at is not None and start <= it.published_at < end)]
    counted = _contents(session, touched) if contents else {}
    return [ItemRecord(
        id=it.id, tracking_code=it.tracking_code, subject=it.subject, received_at=it.received_at,
        category=it.category, state=it.state, sender_address=it.sender_address, sender_name=it.sender_name,
        sender_unit=it.sender_unit, deadline=it.deadline, late_on_arrival=it.id in late,
        published_at=it.published_at, published_url=it.published_url, events=tuple(events.get(it.id, ())),
        words=counted.get(it.id, (0, 0))[0], photos=counted.get(it.id, (0, 0))[1],
        credit=credits.get(it.id)) for it in items]


def _contents(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    """(words, photos) of each item: its documents' text (else its email's) and its pictures."""
    if not ids:
        return {}
    texts: dict[int, list[str]] = {i: [] for i in ids}
    photos: dict[int, int] = dict.fromkeys(ids, 0)
    for a in session.exec(select(Attachment).where(col(Attachment.item_id).in_(ids),
                                                   col(Attachment.quarantined).is_(False))):
        if a.detected_type in PICTURE_TYPES:
            photos[a.item_id] += 1
        elif a.text:
            texts[a.item_id].append(a.text)
    out = {}
    for item_id, report_json in session.exec(select(Item.id, Item.report_json).where(col(Item.id).in_(ids))):
        body = json.loads(report_json or "{}").get("body_text") or ""
        out[item_id] = (words_of(body, texts[item_id]), photos[item_id])
    return out


def published_per_day(session: Session, profile_id: str, start: datetime, end: datetime) -> list[datetime]:
    """When each of the profile's items published in [start, end) was published."""
    return list(session.exec(select(Item.published_at).where(
        Item.profile == profile_id, col(Item.published_at) >= start, col(Item.published_at) < end)))


def published_count(session: Session, profile_id: str, start: datetime, end: datetime) -> int:
    return session.exec(select(func.count()).select_from(Item).where(
        Item.profile == profile_id, col(Item.published_at) >= start, col(Item.published_at) < end)).one()


def duty_done(session: Session, job: str, profile_id: str, period: str) -> DutyRun | None:
    return session.exec(select(DutyRun).where(DutyRun.job == job, DutyRun.profile == profile_id,
                                              DutyRun.period == period)).first()
