"""The board's accounts, managed from the command line and from the administrator's pages
(tinbai.web.views_admin):

    python main.py user add --email … --role … --profile … [--name …]
    python main.py user disable --email …
    python main.py user reset --email …      (a new one-time password; enables the account)
    python main.py user list

A new or reset account gets a one-time password, shown once, that must be changed at the
first login. Disabling an account or resetting its password ends its sessions.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tinbai.config import Config
from tinbai.queue.models import User, utcnow
from tinbai.roles import ROLES
from tinbai.web.auth import find_user
from tinbai.web.passwords import hash_password, one_time_password
from tinbai.web.sessions import end_user_sessions

DEMO_EMAIL = "demo@tinbai.local"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class UserError(Exception):
    """A wrong argument: one line for the person at the terminal."""


def _profiles_value(config: Config, role: str, profiles: list[str] | str | None) -> str:
    items = [profiles] if isinstance(profiles, str) else list(profiles or [])
    items = [p.strip() for raw in items for p in raw.split(",") if p.strip()]
    if not items:
        if role == "admin":
            return "*"
        raise UserError("cần --profile (mã hồ sơ, hoặc * cho mọi hồ sơ); có: " + ", ".join(sorted(config.profiles)))
    if "*" in items:
        return "*"
    unknown = [p for p in items if p not in config.profiles]
    if unknown:
        raise UserError(f"hồ sơ không có: {', '.join(unknown)} (có: {', '.join(sorted(config.profiles))})")
    return ",".join(dict.fromkeys(items))


def user_add(config: Config, engine: Engine, email: str, role: str, profiles: list[str] | str | None,
             password: str | None = None, name: str | None = None) -> str:
    """Create an account; returns its password (a one-time password when none was given).
    The user must change it at the first login."""
    email = email.strip().lower()
    if not _EMAIL.fullmatch(email):
        raise UserError(f"{email!r} không phải địa chỉ email")
    if role not in ROLES:
        raise UserError(f"vai trò {role!r} không có (có: {', '.join(ROLES)})")
    value = _profiles_value(config, role, profiles)
    password = password or one_time_password()
    with Session(engine) as s:
        if find_user(s, email) is not None:
            raise UserError(f"tài khoản {email} đã có")
        s.add(User(email=email, name=(name or "").strip() or None, password_hash=hash_password(password),
                   role=role, profiles=value, must_change_password=True, created_at=utcnow()))
        s.commit()
    return password


def user_disable(config: Config, engine: Engine, email: str, disabled: bool = True) -> None:
    """Disable (or enable again) an account; disabling ends its sessions at once."""
    with Session(engine) as s:
        user = find_user(s, email)
        if user is None:
            raise UserError(f"không có tài khoản {email}")
        user.disabled = disabled
        s.add(user)
        if disabled:
            end_user_sessions(s, user.id)
        s.commit()


def user_update(config: Config, engine: Engine, email: str, *, role: str, profiles: list[str] | str | None,
                name: str | None) -> None:
    """Change an account's role, profiles and name."""
    if role not in ROLES:
        raise UserError(f"vai trò {role!r} không có (có: {', '.join(ROLES)})")
    value = _profiles_value(config, role, profiles)
    with Session(engine) as s:
        user = find_user(s, email)
        if user is None:
            raise UserError(f"không có tài khoản {email}")
        user.role, user.profiles, user.name = role, value, (name or "").strip() or None
        s.add(user)
        s.commit()


def user_reset_password(config: Config, engine: Engine, email: str) -> str:
    """A new one-time password; the account is unlocked and enabled again."""
    password = one_time_password()
    with Session(engine) as s:
        user = find_user(s, email)
        if user is None:
            raise UserError(f"không có tài khoản {email}")
        user.password_hash = hash_password(password)
        user.must_change_password = True
        user.disabled = False
        s.add(user)
        end_user_sessions(s, user.id)
        s.commit()
    return password


def user_list(config: Config, engine: Engine) -> list[User]:
    with Session(engine, expire_on_commit=False) as s:
        return list(s.exec(select(User).order_by(User.email)))


def ensure_demo_account(config: Config, engine: Engine) -> tuple[str, str]:
    """The demo's administrator account with a fresh password each run (printed by the demo)."""
    password = one_time_password()
    with Session(engine) as s:
        user = find_user(s, DEMO_EMAIL)
        if user is None:
            user = User(email=DEMO_EMAIL, name="Tài khoản thử", role="admin", profiles="*", password_hash="",
                        created_at=utcnow())
        user.password_hash = hash_password(password)
        user.role, user.profiles = "admin", "*"
        user.disabled = False
        user.must_change_password = False  # a throw-away account: straight to the queue
        s.add(user)
        s.commit()
    return DEMO_EMAIL, password
