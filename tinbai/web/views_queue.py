"""The queue (filters, quick filters, search, sort by deadline) and the deadlines dashboard."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta, tzinfo

from fastapi import APIRouter, Request
from sqlalchemy import func, or_
from sqlmodel import col, select

from tinbai.config import Config
from tinbai.duties.daily import STATUS_LABELS
from tinbai.queue.models import Item, ProblemRow, User, utcnow
from tinbai.queue.permissions import current_step, user_profiles
from tinbai.queue.privacy import IDENTITY_ROLES, UNNAMED, identity_values, redact, sees_identity
from tinbai.queue.states import OPEN_STATES, STATE_LABELS
from tinbai.queue.store import search_key
from tinbai.web.common import CurrentUser, config_of, db, page, visible_profiles
from tinbai.web.post_calendar import post_calendars

router = APIRouter()
PAGE_SIZE = 50


@dataclass
class Row:
    item: Item
    profile_label: str
    category_label: str
    step_label: str
    due: str  # "overdue" | "today" | "" : how the deadline is shown
    subject: str = ""  # as the user may see it (an unnamed provider's details blotted out)
    sender: str | None = None  # None: the provider asked to stay unnamed and the user may not see them
    sender_unit: str | None = None
    errors: int = 0
    warnings: int = 0
    security: int = 0


def day_bounds(now: datetime, zone: tzinfo) -> tuple[datetime, datetime, datetime]:
    """Start of today, start of tomorrow, and the end of this week (next Monday 00:00), in `zone`
    (the configured one: Vietnam's)."""
    local = now.astimezone(zone)
    today = datetime.combine(local.date(), time(0), zone)
    tomorrow = today + timedelta(days=1)
    week_end = today + timedelta(days=7 - local.weekday())
    return today, tomorrow, week_end


def _like(words: str, user: User) -> list:
    """One LIKE per word of the query, on the diacritics-free search text (so "hoi nghi" and
    "Hội nghị" find the same items); the word's own % and _ are literal. Unnamed providers'
    details are searched for those who may see them only (tinbai.queue.privacy)."""
    conds = []
    for word in search_key(words).split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = [col(Item.search_text).like(pattern, escape="\\"),
                 func.lower(col(Item.tracking_code)).like(pattern, escape="\\")]
        if user.role in IDENTITY_ROLES:
            where.append(col(Item.provider_search).like(pattern, escape="\\"))
        conds.append(or_(*where))
    return conds


def _visible(q, user: User):
    allowed = user_profiles(user)
    return q if allowed is None else q.where(col(Item.profile).in_(sorted(allowed)))


def _category_label(config: Config, item: Item) -> str:
    prof = config.profiles.get(item.profile)
    rule = prof.categories.get(item.category or "") if prof else None
    return rule.label if rule else (item.category or "—")


def _rows(config: Config, items: list[Item], counts: dict[int, dict[str, int]], now: datetime,
          user: User) -> list[Row]:
    _, tomorrow, _ = day_bounds(now, config.settings.zone)
    rows = []
    for it in items:
        shown = sees_identity(user, it)
        prof = config.profiles.get(it.profile)
        due = ""
        if it.state in OPEN_STATES and it.deadline is not None:
            due = "overdue" if it.deadline < now else ("today" if it.deadline < tomorrow else "")
        c = counts.get(it.id, {})
        rows.append(Row(item=it, profile_label=prof.agency if prof else it.profile,
                        category_label=_category_label(config, it),
                        step_label=current_step(it, prof).label if prof and it.state in OPEN_STATES else "",
                        due=due, subject=it.subject if shown else redact(it.subject, identity_values(it)),
                        sender=(it.sender_name or it.sender_address or "—") if shown else None,
                        sender_unit=it.sender_unit if shown else None, errors=c.get("error", 0), warnings=c.get("warning", 0),
                        security=c.get("security", 0)))
    return rows


@dataclass
class Filters:
    """The queue's filters, as the page's form and links give them (the CSV export takes the same)."""

    q: str = ""
    state: str = ""
    category: str = ""
    unit: str = ""
    holder: str = ""
    profile: str = ""
    quick: str = ""
    sort: str = "deadline"
    channel: str = ""


def filtered(config: Config, user: User, f: Filters, now: datetime):
    """The items `user` may see that pass the filters, in the order asked."""
    _, tomorrow, _ = day_bounds(now, config.settings.zone)
    query = _visible(select(Item), user)
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
    if f.unit:
        query = query.where(Item.sender_unit == f.unit)
        if user.role not in IDENTITY_ROLES:  # an unnamed provider's unit would name them
            query = query.where(Item.provider_unnamed == False)
    if f.channel:
        query = query.where(Item.channel == f.channel)
    if f.holder == "-":
        query = query.where(col(Item.holder).is_(None))
    elif f.holder:
        query = query.where(Item.holder == f.holder)
    if f.quick == "today":  # still on time, due before midnight; what is already late is "overdue"
        query = query.where(col(Item.state).in_(OPEN_STATES), col(Item.deadline) >= now,
                            col(Item.deadline) < tomorrow)
    elif f.quick == "overdue":
        query = query.where(col(Item.state).in_(OPEN_STATES), col(Item.deadline) < now)
    elif f.quick == "mine":
        query = query.where(Item.holder == user.email)
    for cond in _like(f.q, user):
        query = query.where(cond)
    if f.sort == "received":
        return query.order_by(col(Item.received_at).desc(), col(Item.id).desc())
    return query.order_by(col(Item.deadline).is_(None), col(Item.deadline), col(Item.id))


@router.get("/")
def queue(request: Request, user: CurrentUser, q: str = "", state: str = "",
          category: str = "", unit: str = "", holder: str = "", profile: str = "", quick: str = "",
          sort: str = "deadline", page_no: int = 1, channel: str = ""):
    config = config_of(request)
    now = utcnow()
    f = Filters(q=q, state=state, category=category, unit=unit, holder=holder, profile=profile, quick=quick,
                sort=sort, channel=channel)
    query = filtered(config, user, f, now)
    page_no = max(1, page_no)
    with db(request) as s:
        total = s.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
        items = list(s.exec(query.offset((page_no - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
        ids = [it.id for it in items]
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        if ids:
            for item_id, severity, n in s.exec(
                    select(ProblemRow.item_id, ProblemRow.severity, func.count())
                    .where(col(ProblemRow.item_id).in_(ids)).group_by(ProblemRow.item_id, ProblemRow.severity)):
                counts[item_id][severity] = n
        base = _visible(select(Item), user)
        named = base if user.role in IDENTITY_ROLES else base.where(Item.provider_unnamed == False)
        units = sorted(u for u in s.exec(select(Item.sender_unit).distinct().where(
            col(Item.sender_unit).is_not(None)).where(col(Item.id).in_(named.with_only_columns(Item.id)))) if u)
        holders = sorted(h for h in s.exec(select(Item.holder).distinct().where(
            col(Item.holder).is_not(None)).where(col(Item.id).in_(base.with_only_columns(Item.id)))) if h)
    profiles = visible_profiles(config, user)
    categories: dict[str, str] = {}
    for p in profiles.values():
        for cid, rule in p.categories.items():
            categories.setdefault(cid, rule.label)
    filters = asdict(f)
    return page(request, "queue.html", user=user, rows=_rows(config, items, counts, now, user), total=total,
                page_no=page_no, pages=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE), filters=filters,
                profiles=profiles, categories=categories, units=units, holders=holders,
                searched_everywhere=bool(q.strip()) and not state)


# ----- the deadlines dashboard ---------------------------------------------------------


@dataclass
class Bucket:
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
    now = utcnow()
    _, tomorrow, week_end = day_bounds(now, config.settings.zone)
    query = _visible(select(Item), user).where(col(Item.state).in_(OPEN_STATES))
    if profile:
        query = query.where(Item.profile == profile)
    with db(request) as s:
        items = list(s.exec(query.order_by(col(Item.deadline).is_(None), col(Item.deadline))))
    total, by_unit, by_holder = Bucket(), defaultdict(Bucket), defaultdict(Bucket)
    overdue, today = [], []
    for it in items:
        d = it.deadline
        kind = ("later" if d is None or d >= week_end else
                "overdue" if d < now else "today" if d < tomorrow else "week")
        unit = (it.sender_unit or "(chưa rõ đơn vị)") if sees_identity(user, it) else f"({UNNAMED.lower()})"
        for b in (total, by_unit[unit], by_holder[it.holder or "(chưa giao)"]):
            setattr(b, kind, getattr(b, kind) + 1)
        if kind == "overdue":
            overdue.append(it)
        elif kind == "today":
            today.append(it)
    order = lambda d: sorted(d.items(), key=lambda kv: (-kv[1].overdue, -kv[1].today, -kv[1].total, kv[0]))
    with db(request) as s:
        calendars = post_calendars(s, config, [p for p in visible_profiles(config, user) if not profile or p == profile], now)
    return page(request, "dashboard.html", user=user, total=total, by_unit=order(by_unit),
                by_holder=order(by_holder), overdue=_rows(config, overdue, {}, now, user),
                today=_rows(config, today, {}, now, user), profiles=visible_profiles(config, user), profile=profile,
                now=now, post_calendars=calendars, STATUS=STATUS_LABELS)
