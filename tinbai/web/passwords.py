"""Passwords: argon2 hashes, the strength a new one needs, and one-time passwords.

Strength is zxcvbn's estimate (tinbai.web.strength, run in a child process).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tinbai.apart import run_apart

MIN_PASSWORD_LENGTH = 10
# zxcvbn's estimate, in a child process by name: its word lists are ~12 MB that the daemon would
# hold for its whole life, for a check made when someone sets a password (tinbai.apart)
WEAKNESS = "tinbai.web.strength:weakness"

_hasher = PasswordHasher()
# verified against when the email is unknown, so that a wrong email costs as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def password_problem(new: str, confirm: str, old: str | None = None, user_inputs: Iterable[str] = ()) -> str | None:
    """Why a new password is not acceptable (Vietnamese), or None."""
    if len(new) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu mới cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    if new != confirm:
        return "Hai lần nhập mật khẩu mới không giống nhau."
    if old is not None and new == old:
        return "Mật khẩu mới phải khác mật khẩu cũ."
    return run_apart(WEAKNESS, new, list(user_inputs), timeout=60)


def one_time_password() -> str:
    # no look-alike characters: it is read out or copied by people, not machines
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))
