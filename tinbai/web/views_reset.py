"""A forgotten password: a one-time link by email that expires, without the administrator.

The answer to a request is the same whether or not the address has an account; requests are
throttled per client address and per address typed (tinbai.web.throttle), apart from sign-ins.
The link's token is random; the table keeps its hash only. Using it sets a new password (the
same strength rules as a change), ends every session of the account and every other link.
"""

from __future__ import annotations

import logging
import math
import secrets
from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import update
from sqlmodel import Session, col

from tinbai.notifier.board_mail import queue_password_reset
from tinbai.queue.models import PasswordReset, User, utcnow
from tinbai.web import throttle
from tinbai.web.auth import client_address, find_user
from tinbai.web.common import SignInForm, config_of, db, optional_user, page
from tinbai.web.passwords import hash_password, password_problem
from tinbai.web.sessions import end_user_sessions, token_hash

log = logging.getLogger(__name__)
router = APIRouter()
LINK_LIFETIME = timedelta(minutes=30)
SENT = ("Nếu địa chỉ này là của một tài khoản đang hoạt động, thư có liên kết đặt lại mật khẩu vừa được gửi đến "
        f"(liên kết dùng một lần, trong {int(LINK_LIFETIME.total_seconds() // 60)} phút). Xin xem hộp thư.")
GONE = "Liên kết đặt lại mật khẩu không còn hiệu lực (đã dùng, đã hết hạn hoặc không đúng). Hãy yêu cầu liên kết mới."


@router.get("/forgot")
def forgot_form(request: Request):
    return page(request, "forgot.html", user=optional_user(request), email="", sent=None, error=None)


@router.post("/forgot")
def forgot(request: Request, form: SignInForm):
    config = config_of(request)
    email = str(form.get("email") or "").strip().lower()[:320]
    address = client_address(request)
    names = throttle.keys(address, email, purpose="reset")
    with db(request) as s:
        left = throttle.wait_left(s, names)
        if left > timedelta(0):
            error = f"Vừa có yêu cầu cho địa chỉ này: xin chờ {math.ceil(left.total_seconds())} giây rồi thử lại."
            return page(request, "forgot.html", status_code=429, email=email, sent=None, error=error)
        throttle.record_failure(s, names)  # every request counts: a few are free, then they wait
        user = find_user(s, email) if email else None
        if user is not None and not user.disabled:
            token = secrets.token_urlsafe(32)
            now = utcnow()
            s.add(PasswordReset(token_hash=token_hash(token), user_id=user.id, created_at=now,
                                expires_at=now + LINK_LIFETIME))
            link = f"{config.web.base_url.rstrip('/')}/reset/{token}"
            queue_password_reset(s, user, link, now + LINK_LIFETIME, token_hash(token), config)
            log.info("liên kết đặt lại mật khẩu cho %s (yêu cầu từ %s)", user.email, address)
        else:
            log.warning("yêu cầu đặt lại mật khẩu cho địa chỉ không có tài khoản: %r từ %s", email, address)
        request.app.state.courier.commit(s)
    return page(request, "forgot.html", email="", sent=SENT, error=None)


def _live_link(s: Session, token: str) -> tuple[PasswordReset, User]:
    row = s.get(PasswordReset, token_hash(token)) if 20 <= len(token) <= 100 else None
    user = s.get(User, row.user_id) if row else None
    if row is None or user is None or user.disabled or row.used_at is not None or row.expires_at < utcnow():
        raise HTTPException(404, GONE)
    return row, user


@router.get("/reset/{token}")
def reset_form(request: Request, token: str):
    with db(request) as s:
        _, user = _live_link(s, token)
    return page(request, "reset.html", token=token, email=user.email, error=None)


@router.post("/reset/{token}")
def reset(request: Request, token: str, form: SignInForm):
    new = str(form.get("new") or "")
    confirm = str(form.get("confirm") or "")
    with db(request) as s:
        row, user = _live_link(s, token)
        error = password_problem(new, confirm, user_inputs=(user.email, user.name or ""))
        if error:
            return page(request, "reset.html", status_code=400, token=token, email=user.email, error=error)
        now = utcnow()
        user.password_hash = hash_password(new)
        user.must_change_password = False
        s.add(user)
        # this link and every other one of the account are spent; every session ends
        s.execute(update(PasswordReset).where(col(PasswordReset.user_id) == user.id,
                                              col(PasswordReset.used_at).is_(None)).values(used_at=now))
        end_user_sessions(s, user.id)
        s.commit()
    log.info("đặt lại mật khẩu bằng liên kết: %s", user.email)
    return RedirectResponse("/login?reset=1", status_code=303)
