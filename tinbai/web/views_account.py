"""Signing in and out, changing one's password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError

from tinbai.web.auth import (
    WRONG,
    LoginRequired,
    attempt_login,
    client_address,
    close_session,
    end_other_sessions,
    session_user,
    start_session,
)
from tinbai.web.common import CheckedForm, SignInForm, db, optional_user, page
from tinbai.web.passwords import hash_password, password_problem, verify_password

router = APIRouter()


def safe_next(value: str | None) -> str:
    """Only a path of this site: never an absolute or protocol-relative address (open redirect)."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/login")
def login_form(request: Request, next: str = "/", reset: str = ""):
    if optional_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(request, "login.html", next=safe_next(next), email="", error=None, reset_done=reset == "1")


@router.post("/login")
def login(request: Request, form: SignInForm):
    email = str(form.get("email") or "").strip().lower()[:320]
    password = str(form.get("password") or "")[:1000]
    target = safe_next(str(form.get("next") or "/"))
    with db(request) as s:
        user, error = attempt_login(s, email, password, client_address(request))
        if user is not None:
            start_session(request, s, user)
        try:
            s.commit()
        except IntegrityError:  # two failures counted at the same moment on PostgreSQL: one is enough
            s.rollback()
            user, error = None, WRONG
    if user is None:
        return page(request, "login.html", status_code=401, next=target, email=email, error=error)
    if user.must_change_password:
        return RedirectResponse("/password", status_code=303)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, form: SignInForm):
    """Ends the session on the server: a copy of the cookie taken before opens nothing."""
    with db(request) as s:
        close_session(request, s)
        s.commit()
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
            error = password_problem(new, confirm, old, user_inputs=(user.email, user.name or ""))
        if error:
            return page(request, "password.html", status_code=400, user=user, error=error, done=False)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        s.add(user)
        end_other_sessions(request, s, user)  # a stolen cookie dies with the old password
        s.commit()
    return page(request, "password.html", user=user, error=None, done=True)
