"""The dashboard's month of the daily posting duty, for each profile that has the duty."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from tinbai.calendar import WorkCalendar
from tinbai.config import Config
from tinbai.duties.daily import missed_days, month_calendar, posts_by_day
from tinbai.duties.periods import month
from tinbai.duties.queries import published_per_day


def post_calendars(session: Session, config: Config, profile_ids: list[str], now: datetime) -> list[dict]:
    zone = config.settings.zone
    local = now.astimezone(zone)
    period = month(local.year, local.month)
    start, end = period.bounds(zone)
    out = []
    for pid in profile_ids:
        profile = config.profiles[pid]
        if profile.duties.daily_post is None:
            continue
        cal = WorkCalendar.for_profile(profile, config)
        posts = posts_by_day(published_per_day(session, pid, start, end), zone)
        weeks = month_calendar(local.year, local.month, cal, posts, local.date())
        out.append({"profile": pid, "agency": profile.agency, "article": profile.duties.daily_post.article,
                    "month": f"{local.month}/{local.year}", "weeks": weeks, "missed": missed_days(weeks)})
    return out
