"""The administrator's pages for the board's accounts: add, disable or enable, reset the password,
change the role, the profiles and the name (the same functions as `main.py user …`).

A one-time password is shown once, on the page that made it. An administrator cannot disable
their own account nor take their own administrator role away (nobody would be left to undo it).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from sqlmodel import select

from tinbai.queue.models import User, WebSession
from tinbai.web.common import CheckedForm, CurrentUser, RowId, config_of, db, page
from tinbai.web.users import UserError, user_add, user_disable, user_reset_password, user_update

router = APIRouter()


def _admin(user: User) -> None:
    if user.role != "admin":
        raise HTTPException(403, "Chỉ quản trị hệ thống được quản lý tài khoản.")


def _accounts(request: Request) -> tuple[list[User], dict[int, int]]:
    with db(request) as s:
        users = list(s.exec(select(User).order_by(User.email)))
        live: dict[int, int] = {}
        for uid in s.exec(select(WebSession.user_id)):
            live[uid] = live.get(uid, 0) + 1
    return users, live


def _list_page(request: Request, user: User, *, status_code: int = 200, error: str | None = None,
               made: tuple[str, str] | None = None, form: dict[str, object] | None = None):
    users, live = _accounts(request)
    return page(request, "admin_users.html", status_code=status_code, user=user, users=users, live=live,
                profiles=config_of(request).profiles, error=error, made=made, form=form or {})


def _profiles(form) -> list[str]:
    return [str(p) for p in form.getlist("profiles")]


@router.get("/admin/users")
def users_page(request: Request, user: CurrentUser):
    _admin(user)
    return _list_page(request, user)


@router.post("/admin/users")
def add_user(request: Request, form: CheckedForm, user: CurrentUser):
    _admin(user)
    email = str(form.get("email") or "").strip().lower()
    role = str(form.get("role") or "")
    name = str(form.get("name") or "")
    try:
        if not _profiles(form) and role != "admin":
            raise UserError("hãy chọn ít nhất một hồ sơ (cơ quan) cho tài khoản")
        password = user_add(config_of(request), request.app.state.engine, email, role, _profiles(form), name=name)
    except UserError as e:
        return _list_page(request, user, status_code=400, error=_vi(str(e)),
                          form={"email": email, "role": role, "name": name, "profiles": _profiles(form)})
    return _list_page(request, user, made=(email, password))


def _account(request: Request, account_id: int) -> User:
    with db(request) as s:
        account = s.get(User, account_id)
    if account is None:
        raise HTTPException(404, "Không có tài khoản này.")
    return account


@router.get("/admin/users/{account_id}")
def account_page(request: Request, account_id: RowId, user: CurrentUser):
    _admin(user)
    return page(request, "admin_user.html", user=user, account=_account(request, account_id),
                profiles=config_of(request).profiles, error=None, done=None, password=None)


@router.post("/admin/users/{account_id}")
def change_account(request: Request, account_id: RowId, form: CheckedForm, user: CurrentUser):
    _admin(user)
    config, engine = config_of(request), request.app.state.engine
    account = _account(request, account_id)
    what = str(form.get("do") or "")
    password = done = error = None
    own = account.id == user.id
    try:
        if what == "save":
            role = str(form.get("role") or "")
            if own and role != "admin":
                raise UserError("không thể tự bỏ vai trò quản trị của chính mình")
            if not _profiles(form) and role != "admin":
                raise UserError("hãy chọn ít nhất một hồ sơ (cơ quan) cho tài khoản")
            user_update(config, engine, account.email, role=role, profiles=_profiles(form),
                        name=str(form.get("name") or ""))
            done = "Đã lưu vai trò, hồ sơ và họ tên."
        elif what in ("disable", "enable"):
            if own:
                raise UserError("không thể tự vô hiệu hóa tài khoản của chính mình")
            user_disable(config, engine, account.email, disabled=what == "disable")
            done = ("Đã vô hiệu hóa tài khoản; các phiên đăng nhập của tài khoản đã kết thúc."
                    if what == "disable" else "Đã mở lại tài khoản.")
        elif what == "reset":
            password = user_reset_password(config, engine, account.email)
            done = "Đã cấp mật khẩu dùng một lần mới; các phiên đăng nhập của tài khoản đã kết thúc."
        else:
            raise HTTPException(400, "Thao tác không hợp lệ.")
    except UserError as e:
        error = _vi(str(e))
    return page(request, "admin_user.html", status_code=400 if error else 200, user=user,
                account=_account(request, account_id), profiles=config.profiles, error=error, done=done,
                password=password)


def _vi(message: str) -> str:
    """UserError's line, as a sentence of the page."""
    return message[:1].upper() + message[1:] + "."

