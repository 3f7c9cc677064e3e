"""The periodic duties as daemon jobs: chasing the units and the daily posting duty, sent
through the outbox (tinbai.notifier.outbox) once per period.

Each (job, profile, period) is decided in one transaction that writes its emails and a
DutyRun row; both are unique (the outbox's dedupe_key, the run's job+profile+period), so a
second instance or a restart finds it done, and an instance that raced another one has its
whole transaction rolled back. `duties_at` lists what a tick at a given time would send
(`main.py reminders --at`); it writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from tinbai.calendar import WorkCalendar
from tinbai.config import Config, Profile
from tinbai.duties.mails import DutyMail, chasing_mails, daily_post_mail
from tinbai.duties.queries import duty_done, item_records, published_count
from tinbai.duties.quotas import standings
from tinbai.duties.schedule import chasing_due, daily_post_due
from tinbai.notifier.decisions import Directory
from tinbai.notifier.outbox import queue_email, sender_domain
from tinbai.queue.directory import load_directory
from tinbai.queue.models import DutyRun, Item, utcnow
from tinbai.queue.states import APPROVED, IN_REVIEW, NEW

log = logging.getLogger(__name__)


def due(session: Session, config: Config, profile: Profile, now: datetime, cal: WorkCalendar,
        users: Directory) -> Iterator[tuple[str, str, list[DutyMail]]]:
    """(job, period, its emails) for each duty of `profile` due at `now` and not done yet."""
    duties, zone = profile.duties, config.settings.zone
    heads = users.emails(profile.id, "head")
    if duties.chasing is not None:
        period = chasing_due(duties.chasing, now, cal)
        if period is not None and duty_done(session, "chasing", profile.id, period.key) is None:
            start, end = period.bounds(zone)
            records = item_records(session, profile.id, start, end, contents=True)
            units, people = standings(records, period, profile, load_directory(session, profile.id), zone)
            yield "chasing", period.key, chasing_mails(profile, config, period, units, people, heads, now)
    if duties.daily_post is not None:
        day = daily_post_due(duties.daily_post, now, cal)
        if day is not None and duty_done(session, "daily_post", profile.id, day.isoformat()) is None:
            start = datetime.combine(day, time(0), zone)
            mails = []
            if not published_count(session, profile.id, start, start + timedelta(days=1)):
                count = lambda *states: session.exec(select(func.count()).select_from(Item).where(
                    Item.profile == profile.id, col(Item.state).in_(states))).one()
                to = sorted(set(users.emails(profile.id, "secretary")) | set(heads))
                mail = daily_post_mail(profile, config, day, to, now, count(APPROVED), count(NEW, IN_REVIEW))
                mails = [mail] if mail else []
            yield "daily_post", day.isoformat(), mails


def run_duties(engine: Engine, config: Config, *, now: datetime | None = None) -> int:
    """The daemon's job: queue the duties due at `now` (default: the current time); returns how
    many emails were queued."""
    now = now or utcnow()
    queued = 0
    for profile in config.profiles.values():
        if profile.duties.chasing is None and profile.duties.daily_post is None:
            continue
        cal = WorkCalendar.for_profile(profile, config)
        with Session(engine, expire_on_commit=False) as s:
            plans = list(due(s, config, profile, now, cal, Directory.load(s)))
        for job, period, mails in plans:
            try:
                queued += _write(engine, config, profile.id, job, period, mails, now)
            except IntegrityError:  # another instance did this duty first: once is enough
                log.info("%s: %s %s đã được tiến trình khác thực hiện", profile.id, job, period)
            except Exception:  # one broken duty must not stop the others
                log.exception("%s: không thực hiện được %s %s", profile.id, job, period)
    return queued


def _write(engine: Engine, config: Config, profile_id: str, job: str, period: str, mails: list[DutyMail],
           now: datetime) -> int:
    """The duty's emails and its DutyRun in one transaction; IntegrityError when another instance
    wrote the same duty since `due` looked (its unique keys), and then nothing is written."""
    with Session(engine, expire_on_commit=False) as s:
        n = 0
        for m in mails:
            row = queue_email(s, kind=m.kind, to=list(m.to), subject=m.mail.subject, body_text=m.mail.text,
                              body_html=m.mail.html, dedupe_key=m.dedupe_key, domain=sender_domain(config),
                              not_before=now)
            n += row is not None
        s.add(DutyRun(job=job, profile=profile_id, period=period, done_at=now, emails=n,
                      note="; ".join(f"{m.about} <{', '.join(m.to)}>" for m in mails)))
        s.commit()
    if n:
        log.info("%s: %s %s: %d thư", profile_id, job, period, n)
    return n


def duties_at(engine: Engine, config: Config, at: datetime) -> list[dict]:
    """What the duties would send at `at`: one dict per email. Writes nothing."""
    out = []
    zone = config.settings.zone
    with Session(engine, expire_on_commit=False) as s:
        users = Directory.load(s)
        for profile in config.profiles.values():
            cal = WorkCalendar.for_profile(profile, config)
            for job, period, mails in due(s, config, profile, at, cal, users):
                for m in mails:
                    out.append({"job": job, "profile": profile.id, "period": period, "email_kind": m.kind,
                                "about": m.about, "recipients": list(m.to), "email_subject": m.mail.subject,
                                "at": at.astimezone(zone).isoformat()})
    return out
