"""What a reminder tick at a given time would send, to whom and about what (the CLI's
``reminders --at``): ``reminders_at(engine, config, at)`` writes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tinbai.calendar import WorkCalendar
from tinbai.config import Config
from tinbai.notifier.decisions import Directory, decide, may_send
from tinbai.notifier.planning import calendar_for, reminded
from tinbai.notifier.reminder_mail import TEMPLATES, compose


def reminders_at(engine: Engine, config: Config, at: datetime) -> list[dict]:
    """What a tick at `at` would send: one dict per email, in time order. Writes nothing."""
    calendars: dict[str, WorkCalendar] = {}
    zone = config.settings.zone
    out = []
    with Session(engine, expire_on_commit=False) as s:
        directory = Directory.load(s)
        for item, rows in reminded(s):
            profile = config.profiles.get(item.profile)
            if profile is None:
                continue
            cal = calendar_for(calendars, profile, config)
            if not may_send(cal, at):
                continue
            d = decide(item, rows, profile, cal, directory, at, sending=True)
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
                "due_at": e.at.astimezone(zone).isoformat(),
                "overdue_days": e.overdue_days,
                "deadline": item.deadline.astimezone(zone).isoformat(),
                "holder": item.holder,
                "recipients": [a.strip() for a in e.recipient.split(",") if a.strip()],
                "email_subject": mail.subject,
                "superseded": len(d.supersede),
                "link": f"{config.web.base_url.rstrip('/')}/items/{item.id}",
            })
    out.sort(key=lambda r: (r["due_at"], r["item_id"]))
    return out
