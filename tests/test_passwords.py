"""The stand-in hash verified against when a login names no known account."""

from __future__ import annotations

import pytest
from argon2 import extract_parameters
from argon2.exceptions import VerifyMismatchError

from tinbai.web import passwords


def test_an_unknown_account_is_verified_against_a_hash_of_the_same_cost_that_nothing_matches() -> None:
    real = passwords.hash_password("mật khẩu đúng 2026")
    dummy = passwords._DUMMY_HASH
    # the same variant, memory, time, parallelism and lengths: a wrong email costs what a wrong password costs
    assert extract_parameters(dummy) == extract_parameters(real)
    assert not passwords.needs_rehash(dummy)
    # argon2 really hashes against it (a malformed string would fail fast with InvalidHashError)
    with pytest.raises(VerifyMismatchError):
        passwords._hasher.verify(dummy, "mật khẩu đúng 2026")
    assert passwords.verify_password(None, "") is False
    assert passwords.verify_password(None, "mật khẩu đúng 2026") is False
    assert passwords.verify_password(real, "mật khẩu đúng 2026") is True
    # each start makes its own: nothing an attacker could have precomputed
    assert passwords._unmatchable_hash(passwords._hasher) != dummy
