"""The daemon's reminder job: reminders about items' deadlines sent through the outbox.

``queue_due_reminders(engine, config, now=)`` first brings every open item's plan up to
date (so a change made without replanning, e.g. a new holder or a new user, is picked up
at the next tick), then, for each item with a reminder due and only within office hours
on a working day of the item's profile, writes the email into the outbox and marks the
reminder sent in one transaction. The outbox row's dedupe_key is
``reminder:<item>:<kind>:<due_at UTC>``: a crash or a second daemon can never queue one
reminder twice. When several reminders of an item are due at once (the daemon was
down), only the latest goes out (reminders.due_reminders); the others are cancelled.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tinbai.calendar import WorkCalendar
from tinbai.config import Config
from tinbai.notifier.decisions import Directory, Entry, decide, may_send
from tinbai.notifier.outbox import queue_email, sender_domain
from tinbai.notifier.planning import calendar_for, reminded, rows_of, write_plan
from tinbai.notifier.reminder_mail import TEMPLATES, compose, dedupe_key
from tinbai.queue.models import Item, Outbox, ReminderRow, utcnow

log = logging.getLogger(__name__)


def queue_due_reminders(engine: Engine, config: Config, *, now: datetime | None = None) -> int:
    """The daemon's job: bring plans up to date and queue the reminders due at `now` (default:
    the current time) into the outbox. Returns how many emails were queued."""
    now = now or utcnow()
    calendars: dict[str, WorkCalendar] = {}
    with Session(engine, expire_on_commit=False) as s:
        directory = Directory.load(s)
        todo = []
        for item, rows in reminded(s):
            profile = config.profiles.get(item.profile)
            if profile is None:
                continue
            cal = calendar_for(calendars, profile, config)
            try:
                d = decide(item, rows, profile, cal, directory, now, sending=may_send(cal, now))
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
        cal = calendar_for(calendars, profile, config)
        directory = Directory.load(s)
        d = decide(item, rows_of(s, [item.id]).get(item.id, []), profile, cal, directory, now,
                   sending=may_send(cal, now))
        if d.empty():
            return 0
        added = dict(zip([id(e) for e in d.add], write_plan(s, item, d), strict=True))

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
                              dedupe_key=key, domain=sender_domain(config), not_before=now)
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
            when = d.send.at.astimezone(config.settings.zone).strftime("%H:%M %d/%m/%Y")
            log.info("nhắc hạn %s (%s) cho mục #%s gửi tới %s", d.send.kind, when, item.id, d.send.recipient)
        return queued
