"""Local accounts: argon2 password hashes, lockout, the signed session, CSRF tokens.

The session is Starlette's signed cookie (itsdangerous; HttpOnly, SameSite=Lax,
Secure when config.web.secure_cookies). It holds the user's id, a fingerprint of
the password hash (so a password change or reset ends every other session) and
the CSRF token every form carries back.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request
from sqlmodel import Session, select

from tinbai.config import Config, ConfigError
from tinbai.queue.models import User, utcnow

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
SESSION_HOURS = 12

_hasher = PasswordHasher()
# verified against when the email is unknown, so that a wrong email costs as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class LoginRequired(Exception):
    """No valid session: the handler redirects to the login page."""


class PasswordChangeRequired(Exception):
    """The account must choose a new password before anything else."""


class CsrfError(Exception):
    """A POST without this session's CSRF token."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(new: str, confirm: str, old: str | None = None) -> str | None:
    """Why a new password is not acceptable (Vietnamese), or None."""
    if len(new) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu mới cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    if new != confirm:
        return "Hai lần nhập mật khẩu mới không giống nhau."
    if old is not None and new == old:
        return "Mật khẩu mới phải khác mật khẩu cũ."
    return None


def one_time_password() -> str:
    # no look-alike characters: it is read out or copied by people, not machines
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))


def session_secret(config: Config) -> str:
    """The cookie-signing key: from the environment variable the config names, else a key
    kept under var/ (made once, readable by the owner only)."""
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


def _pw_mark(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


# ----- login ---------------------------------------------------------------------------


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def attempt_login(session: Session, email: str, password: str, zone: tzinfo,
                  now: datetime | None = None) -> tuple[User | None, str]:
    """(user, "") on success; (None, message) otherwise. Counts failures and locks the account
    for 15 minutes at the 5th; the caller commits. `zone`: the one the lock's end is told in."""
    now = now or utcnow()
    user = find_user(session, email)
    generic = "Email hoặc mật khẩu không đúng."
    if user is None:
        verify_password(None, password)
        return None, generic
    if user.locked_until is not None and user.locked_until > now:
        local = user.locked_until.astimezone(zone).strftime("%H:%M")
        return None, f"Tài khoản tạm khóa do nhập sai mật khẩu {MAX_FAILED_LOGINS} lần. Thử lại sau {local}."
    if user.locked_until is not None:  # the lock has run out: a fresh count
        user.locked_until, user.failed_logins = None, 0
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            session.add(user)
            local = user.locked_until.astimezone(zone).strftime("%H:%M")
            return None, (f"Nhập sai mật khẩu {MAX_FAILED_LOGINS} lần: tài khoản tạm khóa đến {local}.")
        session.add(user)
        return None, generic
    if user.disabled:
        return None, "Tài khoản đã bị vô hiệu hóa. Xin liên hệ quản trị hệ thống."
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    return user, ""


def start_session(request: Request, user: User) -> None:
    request.session.clear()  # a new session: nothing from before the login survives
    request.session.update(uid=user.id, pw=_pw_mark(user), csrf=secrets.token_urlsafe(32))


def refresh_session(request: Request, user: User) -> None:
    """After a password change: this session stays valid, the others end."""
    request.session["pw"] = _pw_mark(user)


def end_session(request: Request) -> None:
    request.session.clear()


def session_user(request: Request, session: Session) -> User | None:
    uid = request.session.get("uid")
    if uid is None:
        return None
    user = session.get(User, uid)
    if user is None or user.disabled or not hmac.compare_digest(request.session.get("pw", ""), _pw_mark(user)):
        request.session.clear()
        return None
    return user


# ----- CSRF ----------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise CsrfError()
