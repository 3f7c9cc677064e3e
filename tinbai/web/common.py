"""What every page needs: the templates with their filters, the database session, the
logged-in user, the CSRF-checked form, access checks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from sqlalchemy import func
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from tinbai.config import CHANNEL_LABELS, Config, Profile
from tinbai.extract.analyse import Analyser
from tinbai.queue.db import read_session, read_then_write
from tinbai.queue.extension import UNIT_WORDS
from tinbai.queue.models import Item, User
from tinbai.queue.permissions import can_open, can_see, may_download_held
from tinbai.queue.states import OPEN_STATES, STATE_LABELS
from tinbai.queue.workflow import ACTION_LABELS, EVENT_LABELS
from tinbai.roles import ROLES
from tinbai.web.auth import LoginRequired, PasswordChangeRequired, check_csrf, csrf_token, session_user

HERE = FilePath(__file__).resolve().parent

templates = Jinja2Templates(directory=str(HERE / "templates"))


@pass_context
def vn_time(context: Context, value: datetime | None, fmt: str = "%H:%M %d/%m/%Y") -> str:
    """The pages' times, in the configured zone (page() puts it in every template's context)."""
    return value.astimezone(context["zone"]).strftime(fmt) if value else "—"


@pass_context
def vn_date(context: Context, value: datetime | None) -> str:
    return vn_time(context, value, "%d/%m/%Y")


def filesize(n: int | None) -> str:
    n = n or 0
    if n < 1024:
        return f"{n} byte"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB".replace(".", ",")
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def query_string(current: dict[str, Any], **changes: Any) -> str:
    """The queue's address with some filters changed (links keep the other filters)."""
    params = {**current, **changes}
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


VERDICT_LABELS = {"accept": "tiếp nhận", "needs_correction": "cần người gửi sửa, bổ sung",
                  "quarantine": "cách ly (tệp có thể gây hại hoặc tài liệu mật)"}


def event_comment(text: str | None) -> str:
    """The daemon writes its proposal as a code ("Đề xuất tự động: needs_correction"): say it in words."""
    text = text or ""
    for code, label in VERDICT_LABELS.items():
        text = text.replace(f"Đề xuất tự động: {code}", f"Đề xuất tự động: {label}")
    return text


templates.env.filters.update(vn_time=vn_time, vn_date=vn_date, filesize=filesize, event_comment=event_comment)
templates.env.globals.update(STATE_LABELS=STATE_LABELS, ACTION_LABELS=ACTION_LABELS, EVENT_LABELS=EVENT_LABELS,
                             ROLES=ROLES, qs=query_string, CHANNEL_LABELS=CHANNEL_LABELS, can_open=can_open,
                             may_download_held=may_download_held, UNIT_WORDS=UNIT_WORDS)


def config_of(request: Request) -> Config:
    return request.app.state.config


_analyser_lock = threading.Lock()


def analyser_of(request: Request) -> Analyser:
    """The app's sandboxed file reader (the daemon's, or one started at the first registration or
    preview, closed with the app): it reads registered files and draws the previews."""
    state = request.app.state
    with _analyser_lock:
        if getattr(state, "analyser", None) is None:
            state.analyser = Analyser(workers=1)
        return state.analyser


@contextmanager
def db(request: Request) -> Iterator[Session]:
    """A short session that may write: SQLite takes its write lock at BEGIN, so keep it short."""
    with Session(request.app.state.engine, expire_on_commit=False) as s:
        yield s


@contextmanager
def db_read(request: Request) -> Iterator[Session]:
    """A session that only reads: it never waits for the daemon's writes (tinbai.queue.db)."""
    with read_session(request.app.state.engine) as s:
        yield s


def optional_user(request: Request) -> User | None:
    """The signed-in user, or None (looked up once per request). A read, unless the session's
    last use is to be noted or an expired session deleted: then a short write as well."""
    if hasattr(request.state, "web_session"):
        found = request.state.web_session
        return found[1] if found else None

    def look_up(s: Session) -> tuple[User | None, int]:
        if hasattr(request.state, "web_session"):
            del request.state.web_session  # a read that had something to write is done again
        user = session_user(request, s)
        return user, (waiting_for(s, user) if user is not None else 0)  # the header's count

    user, waiting = read_then_write(request.app.state.engine, look_up)
    if user is not None:
        request.state.waiting = waiting
    return user


def current_user(request: Request) -> User:
    """The logged-in user (a FastAPI dependency); redirects to the login or password page."""
    user = optional_user(request)
    if user is None:
        raise LoginRequired()
    if user.must_change_password:
        raise PasswordChangeRequired()
    return user


def _session_looked_up(request: Request) -> None:
    # a sync dependency: FastAPI runs it in its thread pool, away from the event loop
    optional_user(request)


async def checked_form(request: Request, _: Annotated[None, Depends(_session_looked_up)]) -> FormData:
    """The POSTed form of a signed-in page, after its CSRF token matched the session's (403 otherwise)."""
    form = await request.form()
    check_csrf(request, form.get("csrf"))  # type: ignore[arg-type]
    return form


async def sign_in_form(request: Request, _: Annotated[None, Depends(_session_looked_up)]) -> FormData:
    """The POSTed form of a page shown before sign-in (login, forgotten password)."""
    form = await request.form()
    check_csrf(request, form.get("csrf"), before_sign_in=True)  # type: ignore[arg-type]
    return form


# a row id in an address: what the database can hold (a 64-bit integer), else 404 (tinbai.web.app)
MAX_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]

CurrentUser = Annotated[User, Depends(current_user)]
CheckedForm = Annotated[FormData, Depends(checked_form)]
SignInForm = Annotated[FormData, Depends(sign_in_form)]


def waiting_for(s: Session, user: User) -> int:
    """How many open items `user` holds: the header's "waiting for me"."""
    return s.exec(select(func.count()).select_from(Item).where(
        Item.holder == user.email, col(Item.state).in_(OPEN_STATES))).one()


def page(request: Request, name: str, status_code: int = 200, **ctx: Any):
    user = ctx.pop("user", None)
    optional_user(request)  # the session's CSRF token for a signed-in user's forms
    waiting = getattr(request.state, "waiting", 0)
    if user is not None and request.method == "POST":  # the action may have changed it since
        with db(request) as s:
            waiting = waiting_for(s, user)
    context = {"user": user, "csrf": csrf_token(request), "zone": config_of(request).settings.zone,
               "waiting": waiting if user else 0, **ctx}
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def visible_profiles(config: Config, user: User) -> dict[str, Profile]:
    return {pid: p for pid, p in config.profiles.items() if can_see(user, pid)}


def people_names(session: Session, emails) -> dict[str, str]:
    """How the pages name board members: their name where the account has one, else the email."""
    wanted = sorted({e for e in emails if e})
    if not wanted:
        return {}
    rows = session.exec(select(User.email, User.name).where(col(User.email).in_(wanted)))
    return {email: name for email, name in rows if name}


def item_for(session: Session, user: User, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(404, "Không có mục này trong hàng đợi.")
    if not can_see(user, item.profile):
        raise HTTPException(403, "Tài khoản của đồng chí không được xem tin, bài của hồ sơ này.")
    if not can_open(user, item):
        raise HTTPException(403, "Tin, bài này mang dấu chỉ độ mật và đang bị tạm giữ: chỉ Trưởng Ban Biên tập "
                                 "và Thủ trưởng cơ quan được mở.")
    return item
