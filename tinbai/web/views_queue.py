"""The queue (filters, quick filters, search, sort by deadline) and the deadlines dashboard.

An unnamed provider (tinbai.queue.privacy) is shown to those who may not see them as "Giấu tên":
no name, no unit, the subject with their details blotted out; their unit is not offered as a
filter, and the dashboard counts such items in a row of their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func
from sqlmodel import Session, col, select

from tinbai.config import Config
from tinbai.duties.daily import STATUS_LABELS
from tinbai.queue.models import Item, ProblemRow, User, utcnow
from tinbai.queue.permissions import current_step, shown_subject
from tinbai.queue.privacy import IDENTITY_ROLES, UNNAMED, sees_identity
from tinbai.queue.states import OPEN_STATES
from tinbai.web.common import (
    CurrentUser,
    PageNo,
    config_of,
    db,
    db_read,
    page,
    people_names,
    visible_profiles,
)
from tinbai.web.post_calendar import post_calendars
from tinbai.web.queue_query import (
    NO_HOLDER,
    NO_UNIT,
    UNNAMED_UNIT,
    Filters,
    Windows,
    filtered,
    visible,
    window_of,
    windows,
)

router = APIRouter()
PAGE_SIZE = 50
BULK_ROLES = ("secretary", "head", "admin")  # who distributes the work: the queue offers them the bulk form


@dataclass
class Row:
    item: Item
    profile_label: str
    category_label: str
    step_label: str
    due: str  # "overdue" | "today" | "" : how the deadline is shown
    holder_label: str = ""
    subject: str = ""  # as the user may see it (an unnamed provider's details blotted out)
    sender: str | None = None  # None: the provider asked to stay unnamed and the user may not see them
    sender_unit: str | None = None
    errors: int = 0
    warnings: int = 0
    security: int = 0


def filters_of(q: str = "", state: str = "", category: str = "", unit: str = "", holder: str = "",
               profile: str = "", quick: str = "", sort: str = "deadline", channel: str = "") -> Filters:
    """The queue's filters from the address (a FastAPI dependency)."""
    return Filters(q=q, state=state, category=category, unit=unit, holder=holder, profile=profile, quick=quick,
                   sort=sort, channel=channel)


QueueFilters = Annotated[Filters, Depends(filters_of)]


def _category_label(config: Config, item: Item) -> str:
    prof = config.profiles.get(item.profile)
    rule = prof.categories.get(item.category or "") if prof else None
    return rule.label if rule else (item.category or "—")


def make_rows(config: Config, s: Session, items: list[Item], w: Windows, user: User, *,
              with_counts: bool = True) -> list[Row]:
    """The queue's rows as `user` may see them: labels, the deadline's window, people's names, the
    problems' counts, an unnamed provider hidden from those who may not see them."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    ids = [it.id for it in items]
    if ids and with_counts:
        for item_id, severity, n in s.exec(
                select(ProblemRow.item_id, ProblemRow.severity, func.count())
                .where(col(ProblemRow.item_id).in_(ids)).group_by(ProblemRow.item_id, ProblemRow.severity)):
            counts[item_id][severity] = n
    names = people_names(s, [it.holder for it in items])
    rows = []
    for it in items:
        shown = sees_identity(user, it)
        prof = config.profiles.get(it.profile)
        kind = window_of(it.deadline, w) if it.state in OPEN_STATES else ""
        c = counts.get(it.id, {})
        rows.append(Row(item=it, profile_label=prof.agency if prof else it.profile,
                        category_label=_category_label(config, it),
                        step_label=current_step(it, prof).label if prof and it.state in OPEN_STATES else "",
                        due=kind if kind in ("overdue", "today") else "",
                        holder_label=names.get(it.holder or "", it.holder or ""),
                        subject=shown_subject(user, it),
                        sender=(it.sender_name or it.sender_address or "—") if shown else None,
                        sender_unit=it.sender_unit if shown else None,
                        errors=c.get("error", 0), warnings=c.get("warning", 0), security=c.get("security", 0)))
    return rows


@router.get("/")
def queue(request: Request, user: CurrentUser, filters: QueueFilters, page_no: PageNo = 1):
    config = config_of(request)
    w = windows(utcnow(), config)
    query = filtered(user, filters, w)
    with db_read(request) as s:
        total = s.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
        items = list(s.exec(query.offset((page_no - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
        rows = make_rows(config, s, items, w, user)
        base = visible(select(Item), user)
        # an unnamed provider's unit would name them: offered to those who may see them only
        named = base if user.role in IDENTITY_ROLES else base.where(Item.provider_unnamed == False)
        units = sorted(u for u in s.exec(select(Item.sender_unit).distinct().where(
            col(Item.sender_unit).is_not(None)).where(col(Item.id).in_(named.with_only_columns(Item.id)))) if u)
        holders = sorted(h for h in s.exec(select(Item.holder).distinct().where(
            col(Item.holder).is_not(None)).where(col(Item.id).in_(base.with_only_columns(Item.id)))) if h)
        holder_names = people_names(s, holders)
        bulk_people = _bulk_people(s, config, user)
    profiles = visible_profiles(config, user)
    categories: dict[str, str] = {}
    for p in profiles.values():
        for cid, rule in p.categories.items():
            categories.setdefault(cid, rule.label)
    return page(request, "queue.html", user=user, rows=rows, total=total, page_no=page_no,
                pages=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE), filters=filters.as_dict(),
                profiles=profiles, categories=categories, units=units, holders=holders, holder_names=holder_names,
                searched_everywhere=bool(filters.q.strip()) and not filters.state, windows=w,
                bulk=user.role in BULK_ROLES, bulk_people=bulk_people)


def _bulk_people(s: Session, config: Config, user: User) -> list[User]:
    """Whom the bulk form offers to give items to: the board of the user's profiles (each item
    is then checked against its own step)."""
    if user.role not in BULK_ROLES:
        return []
    profiles = visible_profiles(config, user)
    users = s.exec(select(User).where(User.disabled == False, User.role != "admin",
                                      User.role != "viewer").order_by(User.email)).all()
    raw = lambda u: {p.strip() for p in (u.profiles or "").split(",")}
    return [u for u in users if u.profiles == "*" or raw(u) & set(profiles)]


# ----- the deadlines dashboard ---------------------------------------------------------


@dataclass
class Bucket:
    key: str = ""  # the queue filter's value for this row (a unit, a holder, "-" for none, "~" unnamed)
    overdue: int = 0
    today: int = 0
    week: int = 0
    later: int = 0  # later than this week, or no deadline
    items: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.overdue + self.today + self.week + self.later


@router.get("/dashboard")
def dashboard(request: Request, user: CurrentUser, profile: str = ""):
    config = config_of(request)
    now: datetime = utcnow()
    w = windows(now, config)
    query = visible(select(Item), user).where(col(Item.state).in_(OPEN_STATES))
    if profile:
        query = query.where(Item.profile == profile)
    with db(request) as s:
        items = list(s.exec(query.order_by(col(Item.deadline).is_(None), col(Item.deadline))))
        names = people_names(s, [it.holder for it in items])
        total, by_unit, by_holder = Bucket(), {}, {}
        overdue, today = [], []
        for it in items:
            kind = window_of(it.deadline, w)
            if sees_identity(user, it):
                unit = by_unit.setdefault(it.sender_unit or "(chưa rõ đơn vị)",
                                          Bucket(key=it.sender_unit or NO_UNIT))
            else:  # an unnamed provider's unit would name them
                unit = by_unit.setdefault(f"({UNNAMED.lower()})", Bucket(key=UNNAMED_UNIT))
            holder = by_holder.setdefault(names.get(it.holder or "", it.holder or "(chưa giao)"),
                                          Bucket(key=it.holder or NO_HOLDER))
            for b in (total, unit, holder):
                setattr(b, kind, getattr(b, kind) + 1)
            if kind == "overdue":
                overdue.append(it)
            elif kind == "today":
                today.append(it)
        overdue_rows = make_rows(config, s, overdue, w, user, with_counts=False)
        today_rows = make_rows(config, s, today, w, user, with_counts=False)
        calendars = post_calendars(s, config, [p for p in visible_profiles(config, user)
                                               if not profile or p == profile], now)
    order = lambda d: sorted(d.items(), key=lambda kv: (-kv[1].overdue, -kv[1].today, -kv[1].total, kv[0]))
    return page(request, "dashboard.html", user=user, total=total, by_unit=order(by_unit),
                by_holder=order(by_holder), overdue=overdue_rows, today=today_rows,
                profiles=visible_profiles(config, user), profile=profile, now=now, windows=w,
                post_calendars=calendars, STATUS=STATUS_LABELS)
