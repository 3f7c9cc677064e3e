"""The queue's filters as one query (the queue page, its export and its bulk actions select the
same items), and the deadline windows the dashboard counts and the quick filters select.

"This week" is a working week: the working days after today up to the end of this calendar
week; when none is left (a Friday, the weekend, or a week ended by holidays) the working days
of the next week that has any. On a Saturday, what is due on Tuesday is "this week".

An unnamed provider (tinbai.queue.privacy) is found by name, address or phone only by those who
may see them, and their unit never selects their item for anyone else: for those, such items
have a "unit" of their own (UNNAMED_UNIT), which the dashboard's row of them links to.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from fastapi import HTTPException
from sqlalchemy import func, or_
from sqlmodel import col, select

from tinbai.calendar import WorkCalendar
from tinbai.config import Config
from tinbai.queue.models import Item, User
from tinbai.queue.permissions import user_profiles
from tinbai.queue.privacy import IDENTITY_ROLES
from tinbai.queue.states import OPEN_STATES, STATE_LABELS
from tinbai.queue.store import search_key

# A search of many words became one LIKE each, and SQLite refused the statement ("Expression tree
# is too large") past about a thousand: a query is a few words, more is a pasted text.
MAX_WORDS = 12
NO_UNIT, NO_HOLDER = "-", "-"  # the filter values for "no unit known" and "given to nobody"
UNNAMED_UNIT = "~"  # the filter value for "a provider who asked to stay unnamed"
QUICK = ("today", "overdue", "week", "later", "mine")


@dataclass
class Filters:
    q: str = ""
    state: str = ""
    category: str = ""
    unit: str = ""
    holder: str = ""
    profile: str = ""
    quick: str = ""
    sort: str = "deadline"
    channel: str = ""  # how the item reached the board (email, paper, USB, CD)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Windows:
    """The bounds of the deadline windows, as instants (UTC-aware)."""

    now: datetime
    tomorrow: datetime  # the start of tomorrow
    week_end: datetime  # the start of the day after the working week's last working day
    week_last: date  # that last working day, for the pages to say


def week_last_day(today: date, cal: WorkCalendar) -> date:
    """The last working day of the working week that "this week" means on `today`."""
    d = today + timedelta(days=1)
    last = None
    while d.weekday() != 0:  # the rest of this calendar week
        if cal.is_working_day(d):
            last = d
        d += timedelta(days=1)
    while last is None:  # nothing left: the next week that has a working day (Tết can fill one)
        start = d
        while d < start + timedelta(days=7):
            if cal.is_working_day(d):
                last = d
            d += timedelta(days=1)
    return last


def windows(now: datetime, config: Config) -> Windows:
    overrides = {int(y): (set(o.days_off), set(o.working_days)) for y, o in config.calendar.overrides.items()}
    cal = WorkCalendar(None, overrides, config.settings.zone)  # days only: office hours do not matter
    zone = config.settings.zone
    today = now.astimezone(zone).date()
    last = week_last_day(today, cal)
    start = lambda d: datetime.combine(d, time(0), zone)
    return Windows(now=now, tomorrow=start(today + timedelta(days=1)), week_end=start(last + timedelta(days=1)),
                   week_last=last)


def window_of(deadline: datetime | None, w: Windows) -> str:
    """Which window a deadline falls in: overdue, today, week, later (later or none)."""
    if deadline is None or deadline >= w.week_end:
        return "later"
    return "overdue" if deadline < w.now else "today" if deadline < w.tomorrow else "week"


def search_words(q: str) -> list[str]:
    words = search_key(q).split()
    if len(words) > MAX_WORDS:
        raise HTTPException(400, f"Tìm kiếm dài quá: xin gõ tối đa {MAX_WORDS} từ (đang có {len(words)} từ).")
    return words


def _like(words: list[str], user: User) -> list:
    """One LIKE per word of the query, on the diacritics-free search text (so "hoi nghi" and
    "Hội nghị" find the same items); the word's own % and _ are literal. Unnamed providers'
    details are searched for those who may see them only (tinbai.queue.privacy)."""
    conds = []
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = [col(Item.search_text).like(pattern, escape="\\"),
                 func.lower(col(Item.tracking_code)).like(pattern, escape="\\")]
        if user.role in IDENTITY_ROLES:
            where.append(col(Item.provider_search).like(pattern, escape="\\"))
        conds.append(or_(*where))
    return conds


def visible(q, user: User):
    allowed = user_profiles(user)
    return q if allowed is None else q.where(col(Item.profile).in_(sorted(allowed)))


def filtered(user: User, f: Filters, w: Windows):
    """The items the filters select among those `user` may see, in the chosen order."""
    query = visible(select(Item), user)
    # without a chosen state: the items still being handled; a search looks everywhere
    if f.state == "all" or (not f.state and f.q.strip()):
        pass
    elif f.state in STATE_LABELS:
        query = query.where(Item.state == f.state)
    else:
        query = query.where(col(Item.state).in_(OPEN_STATES))
    if f.profile:
        query = query.where(Item.profile == f.profile)
    if f.category:
        query = query.where(Item.category == f.category)
    if f.unit == UNNAMED_UNIT:
        query = query.where(Item.provider_unnamed == True)
    elif f.unit:
        if f.unit == NO_UNIT:
            query = query.where(col(Item.sender_unit).is_(None))
        else:
            query = query.where(Item.sender_unit == f.unit)
        if user.role not in IDENTITY_ROLES:  # an unnamed provider's unit would name them
            query = query.where(Item.provider_unnamed == False)
    if f.channel:
        query = query.where(Item.channel == f.channel)
    if f.holder == NO_HOLDER:
        query = query.where(col(Item.holder).is_(None))
    elif f.holder:
        query = query.where(Item.holder == f.holder)
    open_ = col(Item.state).in_(OPEN_STATES)
    deadline = col(Item.deadline)
    if f.quick == "today":  # still on time, due before midnight; what is already late is "overdue"
        query = query.where(open_, deadline >= w.now, deadline < w.tomorrow)
    elif f.quick == "overdue":
        query = query.where(open_, deadline < w.now)
    elif f.quick == "week":
        query = query.where(open_, deadline >= w.tomorrow, deadline < w.week_end)
    elif f.quick == "later":
        query = query.where(open_, or_(deadline.is_(None), deadline >= w.week_end))
    elif f.quick == "mine":
        query = query.where(Item.holder == user.email)
    for cond in _like(search_words(f.q), user):
        query = query.where(cond)
    if f.sort == "received":
        return query.order_by(col(Item.received_at).desc(), col(Item.id).desc())
    return query.order_by(deadline.is_(None), deadline, col(Item.id))
