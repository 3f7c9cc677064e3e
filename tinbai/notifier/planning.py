"""An item's reminder rows in the database: (re)planning one item in the caller's
transaction, and the loading and writing the reminder job and its listing share
(``reminded``: the items a tick looks at, a chunk at a time).

``plan_item_reminders(session, item, profile, config)`` (re)plans the ReminderRow rows of
one item from its deadline and holder (tinbai.notifier.reminders.plan_reminders), in the
caller's transaction: it is called for a new item (notices.notices_for_new_item) and
after any change of the item's holder, deadline or state (tinbai.board.act). Rows that no
longer apply are cancelled; an item that is published, refused, returned or failed, a
reply joined to its item, or an item without a deadline has no planned reminders.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from tinbai.calendar import WorkCalendar
from tinbai.config import Config, Profile
from tinbai.notifier.decisions import Decision, Directory, decide
from tinbai.queue.models import Item, ReminderRow, utcnow
from tinbai.queue.states import OPEN_STATES


def plan_item_reminders(session: Session, item: Item, profile: Profile, config: Config, *,
                        now: datetime | None = None, first: bool = False) -> list[ReminderRow]:
    """(Re)plan the reminders of `item` in the caller's transaction; return its planned rows.

    Nothing changes when the plan still fits the item's deadline and holder; when either
    changed (or the item closed), the planned rows that no longer apply are cancelled and
    the new ones added, counted from `now` (default: the current time). The first plan of an
    item is counted from its arrival. `first`: the item was inserted in this transaction, so it
    has no rows yet (not looked up: a statement a message, and the flush it forces)."""
    now = now or utcnow()
    if item.id is None:
        session.flush()
    cal = WorkCalendar.for_profile(profile, config)
    rows = [] if first else rows_of(session, [item.id]).get(item.id, [])
    d = decide(item, rows, profile, cal, Directory.load(session), now, sending=False)
    added = write_plan(session, item, d)  # marks the cancelled ones among `rows`
    planned = [r for r in [*rows, *added] if r.status == "planned"]
    return sorted(planned, key=lambda r: (r.due_at, r.id))


def calendar_for(cache: dict[str, WorkCalendar], profile: Profile, config: Config) -> WorkCalendar:
    if profile.id not in cache:
        cache[profile.id] = WorkCalendar.for_profile(profile, config)
    return cache[profile.id]


def rows_of(session: Session, item_ids: list[int]) -> dict[int, list[ReminderRow]]:
    out: dict[int, list[ReminderRow]] = {}
    if not item_ids:
        return out
    q = (select(ReminderRow).where(col(ReminderRow.item_id).in_(item_ids))
         .order_by(ReminderRow.due_at, ReminderRow.id))
    for r in session.exec(q):
        out.setdefault(r.item_id, []).append(r)
    return out


# items read at a time by the reminder job: all open items at once held every one of them and all
# their reminder rows as ORM objects on every tick, a peak that grew with the queue (the daemon's
# RSS after draining 10,000 messages: 158-160 MB; read in chunks, 124)
CHUNK = 500


def reminded(session: Session, chunk: int | None = None) -> Iterator[tuple[Item, list[ReminderRow]]]:
    """Open items with a deadline, and any item that still has planned reminders, in id order,
    each with its reminder rows; read `chunk` items (default CHUNK) at a time. Each chunk's
    objects leave the session when the next is read: use an item before asking for the next."""
    with_planned = select(ReminderRow.item_id).where(ReminderRow.status == "planned")
    wanted = or_(
        (col(Item.state).in_(OPEN_STATES) & col(Item.deadline).is_not(None) & col(Item.parent_id).is_(None)),
        col(Item.id).in_(with_planned),
    )
    after = 0
    while True:
        # the report and the search text are most of a row's size and no reminder reads them: at
        # 10,000 open items they were +100 MB for each tick
        q = (select(Item).options(defer(Item.report_json), defer(Item.search_text))
             .where(wanted, col(Item.id) > after).order_by(Item.id).limit(chunk or CHUNK))
        items = list(session.exec(q))
        if not items:
            return
        rows = rows_of(session, [it.id for it in items])
        for item in items:
            yield item, rows.get(item.id, [])
        after = items[-1].id
        for obj in [*items, *(r for item_rows in rows.values() for r in item_rows)]:
            if obj in session:
                session.expunge(obj)


def write_plan(session: Session, item: Item, d: Decision) -> list[ReminderRow]:
    """Write a decision's plan changes; return the rows added (in the order of d.add)."""
    if d.cancel:
        for r in session.exec(select(ReminderRow).where(col(ReminderRow.id).in_(d.cancel))):
            if r.status == "planned":
                r.status = "cancelled"
                session.add(r)
    added = []
    for e in d.add:
        row = ReminderRow(item_id=item.id, kind=e.kind, due_at=e.at, recipient=e.recipient,
                          overdue_days=e.overdue_days, status="planned")
        session.add(row)
        added.append(row)
    session.flush()
    return added
