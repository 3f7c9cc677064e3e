"""Logging in and out, changing one's password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from tinbai.web.auth import (
    LoginRequired,
    attempt_login,
    end_session,
    hash_password,
    password_problem,
    refresh_session,
    session_user,
    start_session,
    verify_password,
)
from tinbai.web.common import CheckedForm, config_of, db, optional_user, page

router = APIRouter()


def _safe_next(value: str | None) -> str:
    """Only a path of this site: never an absolute or protocol-relative address (open redirect)."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    if optional_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return page(request, "login.html", next=_safe_next(next), email="", error=None)


@router.post("/login")
def login(request: Request, form: CheckedForm):
    email = str(form.get("email") or "").strip().lower()
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    with db(request) as s:
        user, error = attempt_login(s, email, password, config_of(request).settings.zone)
        s.commit()
    if user is None:
        return page(request, "login.html", status_code=401, next=target, email=email, error=error)
    start_session(request, user)
    if user.must_change_password:
        return RedirectResponse("/password", status_code=303)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, form: CheckedForm):
    end_session(request)
    return RedirectResponse("/login", status_code=303)


def _logged_in(request: Request):
    user = optional_user(request)
    if user is None:
        raise LoginRequired()
    return user


@router.get("/password")
def password_form(request: Request):
    user = _logged_in(request)
    return page(request, "password.html", user=user, error=None, done=False)


@router.post("/password")
def change_password(request: Request, form: CheckedForm):
    old = str(form.get("current") or "")
    new = str(form.get("new") or "")
    confirm = str(form.get("confirm") or "")
    with db(request) as s:
        user = session_user(request, s)
        if user is None:
            raise LoginRequired()
        error = None
        if not verify_password(user.password_hash, old):
            error = "Mật khẩu hiện tại không đúng."
        else:
            error = password_problem(new, confirm, old)
        if error:
            return page(request, "password.html", status_code=400, user=user, error=error, done=False)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        s.add(user)
        s.commit()
    refresh_session(request, user)
    return page(request, "password.html", user=user, error=None, done=True)
