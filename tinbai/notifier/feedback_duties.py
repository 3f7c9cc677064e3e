"""The daemon's job for citizens' feedback: what must go out on time, within office hours on
working days (tinbai.notifier.decisions.may_send), each email once (its outbox dedupe_key).

- hungyen Art. 11.3 ("báo cáo Trưởng đơn vị trong ngày"): a notice of each comment to the head
  of the profile's receiving unit on the working day it arrives (or, arriving after closing time
  or on a day off, at the next opening), and, when nobody in the board has opened the item
  `head_reminder_office_hours` before that day's closing time, a reminder to the head and the
  secretaries.
- binhphuoc Art. 11.2: the unit a feedback was forwarded to is reminded of its deadline until it
  answers, on the profile's reminder rule (tinbai.notifier.reminders.plan_reminders); an
  escalation also goes to the heads of the board.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from tinbai.calendar import WorkCalendar
from tinbai.config import FEEDBACK, Config, Profile
from tinbai.notifier.compose import Rendered, render
from tinbai.notifier.decisions import Directory, may_send
from tinbai.notifier.feedback import basis, provider_label
from tinbai.notifier.outbox import queue_email, sender_domain
from tinbai.notifier.planning import calendar_for
from tinbai.notifier.reminder_mail import duration_text
from tinbai.notifier.reminders import PlannedReminder, due_reminders, plan_reminders
from tinbai.queue.directory import answering_unit
from tinbai.queue.models import Item, Outbox, ReviewEvent, UnitForward
from tinbai.queue.states import FAILED, OPEN_STATES

log = logging.getLogger(__name__)
LOOKBACK = timedelta(days=14)  # a notice still owed after a long outage goes out; older ones are history


def queue_feedback_duties(engine, config: Config, *, now: datetime | None = None,
                          question_of: Callable[[Item], str] = lambda item: "") -> int:
    """Queue the head notices and reminders and the units' reminders due at `now` (default: the
    current time); return how many emails were queued. `question_of` reads what a reader wrote
    (the daemon gives tinbai.ingest.original.original_text: the archive is the ingest's)."""
    now = now or datetime.now(UTC)
    calendars: dict[str, WorkCalendar] = {}
    return (_head_duties(engine, config, now, calendars, question_of)
            + _unit_reminders(engine, config, now, calendars))


# ----- hungyen Art. 11.3: the unit head told the same day ------------------------------------


def notice_day_opening(item: Item, cal: WorkCalendar) -> datetime:
    """When the head can first be told: the item's arrival, or the next opening after it."""
    return cal.next_opening(item.received_at)


def reminder_time(day_opening: datetime, profile: Profile, cal: WorkCalendar) -> datetime:
    """`head_reminder_office_hours` of office time before the closing time of that day."""
    start = cal.opening_time(day_opening.date())
    left = cal.office_hours_between(start, cal.closing_time(day_opening.date()))
    return cal.add_office_hours(start, max(0.0, left - profile.feedback.head_reminder_office_hours))


def _head_duties(engine, config: Config, now: datetime, calendars: dict[str, WorkCalendar],
                 question_of: Callable[[Item], str]) -> int:
    pids = [pid for pid, p in config.profiles.items() if p.feedback.notify_unit_head]
    if not pids:
        return 0
    with Session(engine, expire_on_commit=False) as s:
        items = list(s.exec(select(Item).options(defer(Item.report_json), defer(Item.search_text)).where(
            Item.category == FEEDBACK, col(Item.profile).in_(pids), col(Item.parent_id).is_(None),
            Item.state != FAILED, Item.received_at >= now - LOOKBACK, Item.received_at <= now,
            Item.classified == False)))  # a state secret is not quoted by email
        keys = [f"{kind}:{it.id}" for it in items for kind in ("head_notice", "head_reminder")]
        sent = set(s.exec(select(Outbox.dedupe_key).where(col(Outbox.dedupe_key).in_(keys)))) if keys else set()
        opened = set(s.exec(select(ReviewEvent.item_id).where(
            col(ReviewEvent.item_id).in_([it.id for it in items]), ReviewEvent.actor != "tinbai"))) if items else set()
        # hungyen Art. 11.3: the receiving unit's head, as the board's directory has it now
        heads_of = {pid: answering_unit(s, pid, config.profiles[pid].feedback.receiving_unit) for pid in pids}
    queued = 0
    for item in items:
        profile = config.profiles[item.profile]
        cal = calendar_for(calendars, profile, config)
        if not may_send(cal, now):
            continue
        opening = notice_day_opening(item, cal)
        unit = heads_of[profile.id]
        heads = list(unit.leaders) if unit is not None else []
        if f"head_notice:{item.id}" not in sent:
            mail = _head_mail(item, profile, config, cal, now, question=question_of(item))
            queued += _queue(engine, item, "head_notice", mail, heads, config, now)
            continue
        if f"head_reminder:{item.id}" in sent or item.id in opened:
            continue
        remind_at = reminder_time(opening, profile, cal)
        if opening < remind_at <= now and cal.localize(now).date() == opening.date():
            mail = _head_mail(item, profile, config, cal, now, remind=True)
            queued += _queue(engine, item, "head_reminder", mail, heads + _secretaries(engine, item), config, now)
    return queued


def _head_mail(item: Item, profile: Profile, config: Config, cal: WorkCalendar, now: datetime, *,
               remind: bool = False, question: str = "") -> Rendered:
    unit = profile.feedback.receiving_unit or ""
    context = dict(zone=config.settings.zone, agency=profile.agency, unit=unit,
                   code=item.tracking_code or f"#{item.id}", subject=item.subject, sender=provider_label(item),
                   received_at=item.received_at, basis=basis(item, profile),
                   link=f"{config.web.base_url.rstrip('/')}/items/{item.id}", title="")
    if remind:
        closing = cal.closing_time(notice_day_opening(item, cal).date())
        return render("head_reminder", **context, now=now, closing=closing)
    return render("head_notice", **context, question=question)


def _secretaries(engine, item: Item) -> list[str]:
    with Session(engine) as s:
        return Directory.load(s).emails(item.profile, "secretary")


# ----- binhphuoc Art. 11.2: the unit reminded until it answers ------------------------------


def _key(forward_id: int, kind: str, at: datetime) -> str:
    return f"unit_reminder:{forward_id}:{kind}:{at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def _sent_of(keys: set[str], forward_id: int) -> list[tuple[str, datetime]]:
    out = []
    prefix = f"unit_reminder:{forward_id}:"
    for key in keys:
        if key.startswith(prefix):
            kind, _, stamp = key[len(prefix):].partition(":")
            out.append((kind, datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)))
    return out


def _unit_reminders(engine, config: Config, now: datetime, calendars: dict[str, WorkCalendar]) -> int:
    with Session(engine, expire_on_commit=False) as s:
        rows = list(s.exec(select(UnitForward, Item).join(Item, col(Item.id) == UnitForward.item_id).options(
            defer(Item.report_json), defer(Item.search_text)).where(
            col(UnitForward.answered_at).is_(None), col(Item.state).in_(OPEN_STATES))))
        sent = [col(Outbox.dedupe_key).like(f"unit_reminder:{fwd.id}:%") for fwd, _item in rows]
        keys = set(s.exec(select(Outbox.dedupe_key).where(or_(*sent)))) if sent else set()
        heads = Directory.load(s)
    queued = 0
    for fwd, item in rows:
        profile = config.profiles.get(item.profile)
        if profile is None:
            continue
        cal = calendar_for(calendars, profile, config)
        if not may_send(cal, now):
            continue
        plan = plan_reminders(fwd.forwarded_at, fwd.due_at, profile.reminders, cal, until=now)
        due = due_reminders(plan, _sent_of(keys, fwd.id), now)
        if not due or (due[0].kind == "due_soon" and now >= fwd.due_at):
            continue
        r = due[0]
        mail = _unit_mail(fwd, item, r, profile, config, cal, now)
        recipients = [a.strip() for a in fwd.addresses.split(",") if a.strip()]
        if r.kind == "escalation":  # the heads of the board hear of a unit long overdue
            recipients += heads.emails(item.profile, "head")
        queued += _queue(engine, item, "unit_reminder", mail, recipients, config, now, key=_key(fwd.id, r.kind, r.at))
    return queued


def _unit_mail(fwd: UnitForward, item: Item, r: PlannedReminder, profile: Profile, config: Config,
               cal: WorkCalendar, now: datetime) -> Rendered:
    left = cal.office_time_between(now, fwd.due_at) if now < fwd.due_at else timedelta(0)
    return render("unit_reminder", zone=config.settings.zone, agency=profile.agency, unit=fwd.unit, kind=r.kind,
                  overdue_days=r.overdue_days, code=item.tracking_code or f"#{item.id}", subject=item.subject,
                  sender=provider_label(item), received_at=item.received_at, forwarded_at=fwd.forwarded_at,
                  due_at=fwd.due_at, basis=basis(item, profile), time_left=duration_text(left), title="")


# ----- writing one email --------------------------------------------------------------------


def _queue(engine, item: Item, kind: str, mail: Rendered, recipients: list[str], config: Config, now: datetime,
           key: str | None = None) -> int:
    """One email in its own transaction: another daemon that queued it first (its dedupe_key) wins."""
    recipients = sorted(set(recipients))
    if not recipients:
        log.warning("mục #%s: không có địa chỉ nhận thư %s", item.id, kind)
        return 0
    try:
        with Session(engine) as s:
            row = queue_email(s, kind=kind, to=recipients, subject=mail.subject, body_text=mail.text,
                              body_html=mail.html, item_id=item.id, dedupe_key=key or f"{kind}:{item.id}",
                              domain=sender_domain(config), not_before=now)
            s.commit()
            return 1 if row is not None else 0
    except IntegrityError:
        log.info("thư %s của mục #%s đã do tiến trình khác đưa vào hàng gửi", kind, item.id)
        return 0
