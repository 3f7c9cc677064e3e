"""Reminders about items' deadlines: planned as rows, sent through the outbox.

* ``plan_item_reminders(session, item, profile, config)`` (re)plans the ReminderRow rows of
  one item from its deadline and holder (tinbai.notifier.reminders.plan_reminders), in the
  caller's transaction: it is called for a new item (notices.notices_for_new_item) and
  should be called after any change of the item's holder, deadline or state. Rows that no
  longer apply are cancelled; an item that is published, refused, returned or failed, a
  reply joined to its item, or an item without a deadline has no planned reminders.
* ``queue_due_reminders(engine, config, now=)`` is the daemon's job. It first brings every
  open item's plan up to date (so a change made without replanning, e.g. a new holder or a
  new user, is picked up at the next tick), then, for each item with a reminder due and
  only within office hours on a working day of the item's profile, writes the email into
  the outbox and marks the reminder sent in one transaction. The outbox row's dedupe_key is
  ``reminder:<item>:<kind>:<due_at UTC>``: a crash or a second daemon can never queue one
  reminder twice. When several reminders of an item are due at once (the daemon was
  down), only the latest goes out (reminders.due_reminders); the others are cancelled.
* ``reminders_at(engine, config, at)`` says what a tick at `at` would send, to whom and
  about what, and writes nothing.

Who is reminded: the item's holder; when nobody holds it (new, approved, sent back from
the agency head), the secretaries of its profile (binhphuoc Art. 11.1 and kontum
Art. 9.1.b: the secretary / secretariat receives, classifies and forwards every item);
with no secretary either, the heads of the board. Escalations go to the heads of the board
(role ``head``: Tổ trưởng / Trưởng Ban, thainguyen Art. 10.1, kontum Art. 13–16) together
with the people reminded before. Users are looked up in the User table (not disabled,
with the item's profile or "*").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from tinbai.calendar import WorkCalendar
from tinbai.config import Config, Profile
from tinbai.notifier.compose import VN, Rendered, render
from tinbai.notifier.outbox import queue_email
from tinbai.notifier.reminders import PlannedReminder, due_reminders, plan_reminders
from tinbai.queue.models import Item, Outbox, ReminderRow, User, utcnow

log = logging.getLogger(__name__)

# The clock of an item stops in these states (and a failed item is not in the queue yet).
CLOSED_STATES: frozenset[str] = frozenset({"published", "refused", "returned", "failed"})
# Reminder kind -> (outbox kind, template)
TEMPLATES: dict[str, str] = {"due_soon": "reminder", "due_now": "reminder", "overdue": "overdue",
                             "escalation": "escalation"}
KIND_LABELS: dict[str, str] = {"due_soon": "Sắp đến hạn", "due_now": "Đến hạn", "overdue": "Quá hạn",
                               "escalation": "Báo cáo quá hạn"}
# The daemon ticks every 30 s: a reminder due at the end of a span (17:00) must not wait for
# the next morning because the tick came at 17:00:20. Up to this long after the end of an
# office span on a working day a tick still sends.
SPAN_END_GRACE = timedelta(minutes=10)


# ----- who ----------------------------------------------------------------------------------


class Directory:
    """The board's users, by profile and role (one query per tick)."""

    def __init__(self, users: Iterable[User]) -> None:
        self.users = [u for u in users]
        self.by_email = {u.email.strip().lower(): u for u in self.users}

    @classmethod
    def load(cls, session: Session) -> Directory:
        return cls(session.exec(select(User)).all())

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
    """Whether the item's clock runs: open, with a deadline, not a reply joined to its item."""
    return item.state not in CLOSED_STATES and item.deadline is not None and item.parent_id is None


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
    expected_to = {kind: ", ".join(escalate if kind == "escalation" else normal) for kind in TEMPLATES}
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


# ----- the emails -----------------------------------------------------------------------------


def dedupe_key(item_id: int, kind: str, due_at: datetime) -> str:
    return f"reminder:{item_id}:{kind}:{_utc(due_at).strftime('%Y%m%dT%H%M%SZ')}"


def compose(item: Item, entry: Entry, profile: Profile, config: Config, cal: WorkCalendar,
            directory: Directory, now: datetime) -> Rendered:
    """The reminder email (Vietnamese) for `entry` as sent at `now`."""
    rule = profile.categories.get(item.category or "")
    article = f"{rule.article} " if rule and rule.article else ""
    step = next((s for s in profile.review_steps if s.id == item.step), None)
    normal, _ = recipients(item, directory)
    if item.holder:
        name = directory.name(item.holder)
        holder_label = f"{name} <{item.holder}>" if name else item.holder
    else:
        holder_label = "chưa giao cho ai (Thư ký Ban Biên tập tiếp nhận, phân loại)"
    if entry.kind == "escalation":
        greeting = "Trưởng Ban Biên tập"
    elif item.holder and normal == [item.holder.strip().lower()]:
        name = directory.name(item.holder)
        greeting = f"đồng chí {name}" if name else "đồng chí"
    else:
        greeting = "Thư ký Ban Biên tập"
    left = cal.office_time_between(now, item.deadline) if now < item.deadline else timedelta(0)
    late = max(entry.overdue_days, cal.working_days_between(item.deadline, now)) if now > item.deadline else 0
    sender = " — ".join(x for x in (item.sender_name, item.sender_unit) if x)
    if item.sender_address:
        sender = f"{sender} <{item.sender_address}>" if sender else item.sender_address
    return render(
        TEMPLATES[entry.kind],
        kind=entry.kind,
        agency=profile.agency,
        code=item.tracking_code or f"#{item.id}",
        subject=item.subject,
        title=KIND_LABELS[entry.kind],
        greeting=greeting,
        sender=sender or "—",
        category_label=rule.label if rule else (item.category or "—"),
        basis=f"{article}Quy chế {profile.agency}",
        received_at=item.received_at,
        deadline=item.deadline,
        step_label=step.label if step else (item.step or "—"),
        holder_label=holder_label,
        time_left=_duration(left),
        overdue_days=late,
        link=f"{config.web.base_url.rstrip('/')}/items/{item.id}",
        now=now,
    )


def _duration(td: timedelta) -> str:
    minutes = int(td.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} giờ {m} phút"
    if h:
        return f"{h} giờ"
    return f"{m} phút"


# ----- the public entry points -------------------------------------------------------------


def plan_item_reminders(session: Session, item: Item, profile: Profile, config: Config, *,
                        now: datetime | None = None) -> list[ReminderRow]:
    """(Re)plan the reminders of `item` in the caller's transaction; return its planned rows.

    Nothing changes when the plan still fits the item's deadline and holder; when either
    changed (or the item closed), the planned rows that no longer apply are cancelled and
    the new ones added, counted from `now` (default: the current time). The first plan of an
    item is counted from its arrival."""
    now = now or utcnow()
    if item.id is None:
        session.flush()
    cal = WorkCalendar.for_profile(profile, config)
    rows = _rows(session, [item.id]).get(item.id, [])
    d = decide(item, rows, profile, cal, Directory.load(session), now, sending=False)
    added = _apply(session, item, d)  # marks the cancelled ones among `rows`
    planned = [r for r in [*rows, *added] if r.status == "planned"]
    return sorted(planned, key=lambda r: (r.due_at, r.id))


def queue_due_reminders(engine: Engine, config: Config, *, now: datetime | None = None) -> int:
    """The daemon's job: bring plans up to date and queue the reminders due at `now` (default:
    the current time) into the outbox. Returns how many emails were queued."""
    now = now or utcnow()
    calendars: dict[str, WorkCalendar] = {}
    with Session(engine, expire_on_commit=False) as s:
        items, rows, directory = _load(s)
        todo = []
        for item in items:
            profile = config.profiles.get(item.profile)
            if profile is None:
                continue
            cal = _calendar(calendars, profile, config)
            try:
                d = decide(item, rows.get(item.id, []), profile, cal, directory, now, sending=may_send(cal, now))
            except Exception:  # one broken item must not stop the others' reminders
                log.exception("không lập được lịch nhắc cho mục #%s", item.id)
                continue
            if not d.empty():
                todo.append(item.id)
    queued = 0
    for item_id in todo:
        try:
            queued += _process(engine, config, item_id, now, calendars)
        except IntegrityError:
            # another instance queued the same reminder first (dedupe_key): nothing to do
            log.info("reminders of item %s were handled by another instance", item_id)
        except Exception:  # one broken item must not stop the others' reminders
            log.exception("không gửi được thư nhắc cho mục #%s", item_id)
    return queued


def reminders_at(engine: Engine, config: Config, at: datetime) -> list[dict]:
    """What a tick at `at` would send: one dict per email, in time order. Writes nothing."""
    calendars: dict[str, WorkCalendar] = {}
    out = []
    with Session(engine, expire_on_commit=False) as s:
        items, rows, directory = _load(s)
        for item in items:
            profile = config.profiles.get(item.profile)
            if profile is None:
                continue
            cal = _calendar(calendars, profile, config)
            if not may_send(cal, at):
                continue
            d = decide(item, rows.get(item.id, []), profile, cal, directory, at, sending=True)
            if d.send is None:
                continue
            e = d.send
            mail = compose(item, e, profile, config, cal, directory, at)
            out.append({
                "item_id": item.id,
                "tracking_code": item.tracking_code,
                "profile": item.profile,
                "subject": item.subject,
                "kind": e.kind,
                "email_kind": TEMPLATES[e.kind],
                "due_at": e.at.astimezone(VN).isoformat(),
                "overdue_days": e.overdue_days,
                "deadline": item.deadline.astimezone(VN).isoformat(),
                "holder": item.holder,
                "recipients": [a.strip() for a in e.recipient.split(",") if a.strip()],
                "email_subject": mail.subject,
                "superseded": len(d.supersede),
                "link": f"{config.web.base_url.rstrip('/')}/items/{item.id}",
            })
    out.sort(key=lambda r: (r["due_at"], r["item_id"]))
    return out


# ----- internals -----------------------------------------------------------------------------


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def _calendar(cache: dict[str, WorkCalendar], profile: Profile, config: Config) -> WorkCalendar:
    if profile.id not in cache:
        cache[profile.id] = WorkCalendar.for_profile(profile, config)
    return cache[profile.id]


def _rows(session: Session, item_ids: list[int]) -> dict[int, list[ReminderRow]]:
    out: dict[int, list[ReminderRow]] = {}
    if not item_ids:
        return out
    q = (select(ReminderRow).where(col(ReminderRow.item_id).in_(item_ids))
         .order_by(ReminderRow.due_at, ReminderRow.id))
    for r in session.exec(q):
        out.setdefault(r.item_id, []).append(r)
    return out


def _load(session: Session) -> tuple[list[Item], dict[int, list[ReminderRow]], Directory]:
    """Open items with a deadline, and any item that still has planned reminders."""
    with_planned = select(ReminderRow.item_id).where(ReminderRow.status == "planned")
    # the report and the search text are most of a row's size and no reminder reads them: at
    # 10,000 open items they were +100 MB for each tick
    q = select(Item).options(defer(Item.report_json), defer(Item.search_text)).where(or_(
        (col(Item.state).not_in(tuple(CLOSED_STATES)) & col(Item.deadline).is_not(None) & col(Item.parent_id).is_(None)),
        col(Item.id).in_(with_planned),
    )).order_by(Item.id)
    items = list(session.exec(q))
    return items, _rows(session, [it.id for it in items]), Directory.load(session)


def _apply(session: Session, item: Item, d: Decision) -> list[ReminderRow]:
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


def _process(engine: Engine, config: Config, item_id: int, now: datetime, calendars: dict[str, WorkCalendar]) -> int:
    """One item, in one transaction: plan changes, the email into the outbox, the reminder
    marked sent (and the superseded ones cancelled)."""
    with Session(engine, expire_on_commit=False) as s:
        q = select(Item).where(Item.id == item_id)
        if s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)  # another instance works on it: its turn
        item = s.exec(q).first()
        if item is None:
            return 0
        profile = config.profiles[item.profile]
        cal = _calendar(calendars, profile, config)
        directory = Directory.load(s)
        d = decide(item, _rows(s, [item.id]).get(item.id, []), profile, cal, directory, now,
                   sending=may_send(cal, now))
        if d.empty():
            return 0
        added = dict(zip([id(e) for e in d.add], _apply(s, item, d), strict=True))

        def row_of(e: Entry) -> ReminderRow:
            if e.row_id is not None:
                return s.get(ReminderRow, e.row_id)
            return added[id(e)]

        queued = 0
        if d.send is not None:
            e = d.send
            mail = compose(item, e, profile, config, cal, directory, now)
            key = dedupe_key(item.id, e.kind, e.at)
            out = queue_email(s, kind=TEMPLATES[e.kind], to=[a.strip() for a in e.recipient.split(",")],
                              subject=mail.subject, body_text=mail.text, body_html=mail.html, item_id=item.id,
                              dedupe_key=key, domain=_domain(config), not_before=now)
            if out is None:  # queued before (e.g. a replan recreated the row): link to that email
                out = s.exec(select(Outbox).where(Outbox.dedupe_key == key)).first()
            else:
                queued = 1
            s.flush()
            row = row_of(e)
            row.status, row.outbox_id = "sent", out.id if out is not None else None
            s.add(row)
        for e in d.supersede:
            row = row_of(e)
            if row.status == "planned":
                row.status = "cancelled"
                s.add(row)
        s.commit()
        if queued:
            log.info("nhắc hạn %s (%s) cho mục #%s gửi tới %s", d.send.kind,
                     d.send.at.astimezone(VN).strftime("%H:%M %d/%m/%Y"), item.id, d.send.recipient)
        return queued


def _domain(config: Config) -> str:
    addr = config.smtp.sender
    return addr.rsplit("@", 1)[1].strip(" >") if "@" in addr else "tinbai.local"
