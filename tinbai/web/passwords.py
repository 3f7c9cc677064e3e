"""Passwords: argon2 hashes, the strength a new one needs, and one-time passwords.

Strength is zxcvbn's estimate (tinbai.web.strength, run in a child process).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import ARGON2_VERSION

from tinbai.apart import run_apart

MIN_PASSWORD_LENGTH = 10
# zxcvbn's estimate, in a child process by name: its word lists are ~12 MB that the daemon would
# hold for its whole life, for a check made when someone sets a password (tinbai.apart)
WEAKNESS = "tinbai.web.strength:weakness"

_hasher = PasswordHasher()


def _unmatchable_hash(hasher: PasswordHasher) -> str:
    """A hash in argon2's encoded form with `hasher`'s own parameters, a random salt and random
    bytes for the hash: no password gives those bytes, and verifying against it costs what a real
    verification costs (argon2 hashes again with the parameters the string names).

    Made without hashing: hashing a random password here cost 0.16 s and 64 MB (argon2's
    memory_cost) on every start of the daemon and of every command that loads the web pages.
    argon2-cffi has no public function that encodes parameters without hashing.
    """
    def b64(data: bytes) -> str:  # the encoded form's base64: standard alphabet, no padding
        return base64.b64encode(data).decode("ascii").rstrip("=")

    return (f"$argon2{hasher.type.name.lower()}$v={ARGON2_VERSION}$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
            f"${b64(secrets.token_bytes(hasher.salt_len))}${b64(secrets.token_bytes(hasher.hash_len))}")


# verified against when the email is unknown, so that a wrong email costs as long as a wrong password
_DUMMY_HASH = _unmatchable_hash(_hasher)


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
