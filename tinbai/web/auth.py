"""Signing in and the request's session: throttled sign-in, the server-side session behind the
cookie, CSRF tokens with an Origin check.

The session is a row (tinbai.web.sessions); the `tinbai_session` cookie carries its random token
only (HttpOnly, SameSite=Lax, Secure when the pages are reached over HTTPS). Forms shown before
sign-in (login, forgotten password) carry a token tied to a second random cookie by an HMAC
with the site's key, so that no row is written for a visitor who has not signed in. Every POST
also has its Origin (or Referer) compared with the site's own when the browser sends one.
The cookies themselves are set by the app's middleware from what these functions leave in
request.state (session_cookie: a token, or "" to clear; form_cookie: a new token).
"""

from __future__ import annotations

import hmac
import logging
import math
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request
from sqlmodel import Session, select

from tinbai.config import Config, ConfigError
from tinbai.queue.models import User, WebSession, utcnow
from tinbai.web import throttle
from tinbai.web.passwords import hash_password, needs_rehash, verify_password
from tinbai.web.sessions import (
    Limits,
    end_session,
    end_user_sessions,
    find_session,
    open_session,
    purge_expired,
)

log = logging.getLogger(__name__)
SESSION_COOKIE = "tinbai_session"
FORM_COOKIE = "tinbai_form"
WRONG = "Email hoặc mật khẩu không đúng."


class LoginRequired(Exception):
    """No valid session: the handler redirects to the login page."""


class PasswordChangeRequired(Exception):
    """The account must choose a new password before anything else."""


class CsrfError(Exception):
    """A POST without this session's CSRF token, or from another site."""


def site_secret(config: Config) -> str:
    """The key of the sign-in forms' tokens: from the environment variable the config names, else
    a key kept under var/ (made once, readable by the owner only)."""
    if config.web.secret_env:
        value = os.environ.get(config.web.secret_env)
        if not value:
            raise ConfigError(f"environment variable {config.web.secret_env} (web.secret_env) is not set")
        return value
    path = Path(config.resolve(config.settings.var_dir)) / "web-secret"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def session_limits(config: Config) -> Limits:
    return Limits(idle=timedelta(minutes=config.web.session_idle_minutes),
                  lifetime=timedelta(hours=config.web.session_hours))


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


# ----- signing in ----------------------------------------------------------------------


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def attempt_login(s: Session, email: str, password: str, address: str | None,
                  now: datetime | None = None) -> tuple[User | None, str]:
    """(user, "") on success; (None, message) otherwise, the same words whether or not the
    account exists. A try while a wait runs is answered without checking; the caller commits."""
    now = now or utcnow()
    names = throttle.keys(address, email)
    left = throttle.wait_left(s, names, now)
    if left > timedelta(0):
        log.warning("đăng nhập bị hoãn: %r từ %s (còn chờ %.0f giây)", email[:100], address, left.total_seconds())
        return None, (f"Đăng nhập sai nhiều lần liên tiếp: xin chờ {math.ceil(left.total_seconds())} giây "
                      "rồi thử lại.")
    user = find_user(s, email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        throttle.record_failure(s, names, now)
        log.warning("đăng nhập sai: %r từ %s", email[:100], address)
        return None, WRONG
    if user.disabled:
        log.warning("đăng nhập vào tài khoản đã vô hiệu hóa: %s từ %s", user.email, address)
        return None, "Tài khoản đã bị vô hiệu hóa. Xin liên hệ quản trị hệ thống."
    throttle.forget(s, names[1])
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        s.add(user)
    log.info("đăng nhập: %s từ %s", user.email, address)
    return user, ""


# ----- the request's session -------------------------------------------------------------


def session_of(request: Request, s: Session) -> tuple[WebSession, User] | None:
    """The request's live session and account (looked up once per request; the caller commits)."""
    if not hasattr(request.state, "web_session"):
        found = find_session(s, request.cookies.get(SESSION_COOKIE), session_limits(request.app.state.config))
        request.state.web_session = found
        if found is None and request.cookies.get(SESSION_COOKIE):
            request.state.session_cookie = ""  # a dead token: the browser forgets it
    return request.state.web_session


def session_user(request: Request, s: Session) -> User | None:
    found = session_of(request, s)
    return found[1] if found else None


def start_session(request: Request, s: Session, user: User) -> None:
    """Sign `user` in: a new session (never the token the browser had before: no fixation)."""
    config = request.app.state.config
    end_session(s, request.cookies.get(SESSION_COOKIE))
    purge_expired(s, session_limits(config))
    token, row = open_session(s, user, client_address(request))
    request.state.web_session = (row, user)
    request.state.session_cookie = token


def close_session(request: Request, s: Session) -> None:
    """Sign out: the session's row goes, so a copy of the cookie opens nothing any more."""
    end_session(s, request.cookies.get(SESSION_COOKIE))
    request.state.web_session = None
    request.state.session_cookie = ""


def end_other_sessions(request: Request, s: Session, user: User) -> None:
    """After a password change: this session stays, every other one of the account ends."""
    end_user_sessions(s, user.id, keep=request.cookies.get(SESSION_COOKIE))


# ----- CSRF ----------------------------------------------------------------------------


def _form_cookie(request: Request) -> str:
    value = getattr(request.state, "form_cookie", None) or request.cookies.get(FORM_COOKIE) or ""
    if not 20 <= len(value) <= 100:
        value = secrets.token_urlsafe(24)
        request.state.form_cookie = value
    return value


def form_token(request: Request) -> str:
    """The token of a form shown before sign-in: an HMAC of the browser's form cookie."""
    key = request.app.state.site_secret.encode()
    return hmac.new(key, _form_cookie(request).encode(), "sha256").hexdigest()


def csrf_token(request: Request) -> str:
    """The token this request's forms carry (session_of must have run for a signed-in user)."""
    found = getattr(request.state, "web_session", None)
    return found[0].csrf if found else form_token(request)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_site(request: Request) -> bool:
    """Whether the browser says the POST comes from one of our own pages (Origin, else Referer);
    a request without either is judged by its token alone."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent:
        return True
    own = {_origin(request.app.state.config.web.base_url),
           f"{request.url.scheme}://{request.headers.get('host', '')}".lower()}
    return sent.lower() != "null" and _origin(sent) in own


def check_csrf(request: Request, sent: str | None, *, before_sign_in: bool = False) -> None:
    """Raise CsrfError unless the POST comes from our own page with this browser's token:
    the session's; or, on the forms shown before sign-in, the form cookie's."""
    if not same_site(request):
        raise CsrfError()
    expected = []
    found = getattr(request.state, "web_session", None)
    if found:
        expected.append(found[0].csrf)
    if before_sign_in and request.cookies.get(FORM_COOKIE):
        expected.append(form_token(request))
    if not sent or not any(hmac.compare_digest(str(e), str(sent)) for e in expected):
        raise CsrfError()
