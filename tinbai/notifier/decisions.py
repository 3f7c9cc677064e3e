"""What to do about one item's reminders now: who is reminded, which planned rows no longer
apply, which to plan, and which one to send (pure, except loading the users).

Who is reminded: the item's holder; when nobody holds it (new, approved, sent back from
the agency head), the secretaries of its profile (binhphuoc Art. 11.1 and kontum
Art. 9.1.b: the secretary / secretariat receives, classifies and forwards every item);
with no secretary either, the heads of the board. Escalations go to the heads of the board
(role ``head``: Tổ trưởng / Trưởng Ban, thainguyen Art. 10.1, kontum Art. 13–16) together
with the people reminded before. Users are looked up in the User table (not disabled,
with the item's profile or "*").

Only an open item (tinbai.queue.states: the board holds it) with a deadline, not a reply
joined to its item nor held for a state-secret mark, has reminders: a published, refused, returned or failed one has none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Row
from sqlmodel import Session, select

from tinbai.calendar import WorkCalendar
from tinbai.config import Profile
from tinbai.notifier.reminders import REMINDER_KINDS, PlannedReminder, due_reminders, plan_reminders
from tinbai.queue.models import Item, ReminderRow, User
from tinbai.queue.states import is_open

# The daemon ticks every 30 s: a reminder due at the end of a span (17:00) must not wait for
# the next morning because the tick came at 17:00:20. Up to this long after the end of an
# office span on a working day a tick still sends.
SPAN_END_GRACE = timedelta(minutes=10)


# ----- who ----------------------------------------------------------------------------------


# Built once: it is read for every new item (its reminders' recipients). The five columns the
# directory reads, as plain rows: the ORM's users (hashes, settings, identity map) were ~0.5 ms
# of each message's storing, for an address and a role.
_USERS = select(User.email, User.name, User.role, User.profiles, User.disabled)


class Directory:
    """The board's users, by profile and role (one query per tick)."""

    def __init__(self, users: Iterable[User | Row]) -> None:
        """users: User objects or rows of their email, name, role, profiles and disabled."""
        self.users = [u for u in users]
        self.by_email = {u.email.strip().lower(): u for u in self.users}

    @classmethod
    def load(cls, session: Session) -> Directory:
        return cls(session.connection().execute(_USERS).all())

    def emails(self, profile_id: str, role: str) -> list[str]:
        out = []
        for u in self.users:
            if u.disabled or u.role != role:
                continue
            raw = (u.profiles or "").strip()
            profiles = {p.strip() for p in raw.split(",") if p.strip()}
            if raw == "*" or profile_id in profiles:
                out.append(u.email.strip().lower())
        return sorted(set(out))

    def name(self, email: str) -> str | None:
        u = self.by_email.get(email.strip().lower())
        return u.name if u is not None else None

    def usable(self, email: str) -> bool:
        """A holder can be reminded unless their account is disabled."""
        u = self.by_email.get(email.strip().lower())
        return u is None or not u.disabled


def recipients(item: Item, directory: Directory) -> tuple[list[str], list[str]]:
    """(who gets due_soon / due_now / overdue reminders, who gets escalations)."""
    holder = item.holder.strip().lower() if item.holder and directory.usable(item.holder) else None
    heads = directory.emails(item.profile, "head")
    if holder:
        normal = [holder]
    else:
        normal = directory.emails(item.profile, "secretary") or heads
    return normal, sorted(set(normal) | set(heads))


# ----- planning (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A reminder of one item: a planned row (row_id) or one to be planned (row_id None)."""

    kind: str
    at: datetime  # aware
    overdue_days: int
    recipient: str  # comma-separated addresses
    row_id: int | None = None

    def key(self) -> tuple[str, datetime, int, str]:
        return self.kind, _utc(self.at), self.overdue_days, self.recipient


@dataclass
class Decision:
    """What to do about one item now."""

    cancel: list[int] = field(default_factory=list)  # planned rows that no longer apply
    add: list[Entry] = field(default_factory=list)  # rows to plan
    send: Entry | None = None  # the reminder to send now
    supersede: list[Entry] = field(default_factory=list)  # due, but a later one goes out instead

    def empty(self) -> bool:
        return not (self.cancel or self.add or self.send or self.supersede)


def applies(item: Item) -> bool:
    """Whether the item's clock runs: open, with a deadline, not a reply joined to its item, not
    held for a state-secret mark (it is never posted, and a reminder would quote its subject to
    people who may not open it)."""
    return is_open(item.state) and item.deadline is not None and item.parent_id is None and not item.classified


def wanted(item: Item, profile: Profile, cal: WorkCalendar, directory: Directory, start: datetime) -> list[Entry]:
    """The reminders the item should have, planned from `start`."""
    if not applies(item):
        return []
    normal, escalate = recipients(item, directory)
    if not escalate:  # nobody to remind (no holder, no secretary, no head): nothing planned
        return []
    out = []
    for p in plan_reminders(start, item.deadline, profile.reminders, cal):
        to = escalate if p.kind == "escalation" else normal
        out.append(Entry(p.kind, p.at, p.overdue_days, ", ".join(to)))
    return out


def _tail(entries: Iterable[Entry], now: datetime) -> set[tuple]:
    """What of a plan depends only on the deadline and the recipients: due_now, overdue and
    escalation reminders still to come (due_soon ones also depend on when the plan started)."""
    return {e.key() for e in entries if e.kind != "due_soon" and e.at > now}


def decide(item: Item, rows: list[ReminderRow], profile: Profile, cal: WorkCalendar, directory: Directory,
           now: datetime, *, sending: bool) -> Decision:
    """What to do about `item` at `now`, from all its reminder rows (planned, sent and
    cancelled). `sending`: also pick the reminder to send now (the caller checks office
    hours: may_send)."""
    d = Decision()
    planned = [r for r in rows if r.status == "planned"]
    sent = [r for r in rows if r.status == "sent"]
    if not applies(item):
        d.cancel = [r.id for r in planned]
        return d
    normal, escalate = recipients(item, directory)
    expected_to = {kind: ", ".join(escalate if kind == "escalation" else normal) for kind in REMINDER_KINDS}
    done = {(r.kind, _utc(r.due_at)) for r in sent}

    def plan_from(start: datetime) -> list[Entry]:
        return [e for e in wanted(item, profile, cal, directory, start) if (e.kind, _utc(e.at)) not in done]

    current = [Entry(r.kind, r.due_at, r.overdue_days, r.recipient or "", r.id) for r in planned]
    if not rows:
        # the first plan, counted from the item's arrival (of the reminders already due, the
        # latest goes out at the next tick in office hours)
        effective = plan_from(item.received_at)
        d.add = effective
    else:
        up_to_date = (_tail(current, now) == _tail(plan_from(now), now)
                      and all(e.recipient == expected_to.get(e.kind) for e in current))
        if up_to_date:
            effective = current
        else:
            # the deadline, the holder or the rule changed: plan again from where the old plan
            # stopped going out (its earliest reminder due but not sent), else from now
            unsent_due = [e.at for e in current if e.at <= now]
            start = max(item.received_at, min([now, *unsent_due]))
            effective = plan_from(start)
            d.cancel = [e.row_id for e in current if e.row_id is not None]
            d.add = effective
    if not sending:
        return d
    planned_due = [e for e in effective if e.at <= now]
    if not planned_due:
        return d
    picked = due_reminders([PlannedReminder(e.kind, e.at, e.overdue_days) for e in effective],  # type: ignore[arg-type]
                           [(r.kind, r.due_at) for r in sent], now)
    pick = None
    if picked:
        p = picked[0]
        pick = next(e for e in effective if e.kind == p.kind and e.at == p.at)
        if pick.kind == "due_soon" and now >= item.deadline:
            pick = None  # "the deadline is near" once it has passed would mislead: let it go
    d.send = pick
    d.supersede = [e for e in planned_due if e is not pick]
    return d


def may_send(cal: WorkCalendar, now: datetime) -> bool:
    """Reminders go out only within office hours on working days (a span's end and a few
    minutes after it included: SPAN_END_GRACE)."""
    if cal.is_office_time(now) or cal.is_span_end(now):
        return True
    back = now - SPAN_END_GRACE
    return cal.localize(back).date() == cal.localize(now).date() and cal.is_office_time(back)


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)
