"""Failed sign-ins slow the next try down, per client address and per account name; nothing is
ever locked.

A hard lock let anyone lock the whole board out by typing its addresses (20 tries in 3 seconds
locked the head, the agency head, a member and a secretary for 15 minutes) and told which
addresses had an account. Here a few failures are free; after that each failure doubles the
wait before the next try is checked, up to MAX_DELAY, and a quiet FORGET_AFTER clears the count.
The account's key is the name as typed, whether or not it exists, so unknown and existing
accounts are answered alike. Tries made while a wait runs are not checked and not counted: the
real user can sign in as soon as the wait is over. The counts are rows (login_throttle), so
several instances of the pages share them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session

from tinbai.queue.models import LoginThrottle, utcnow

log = logging.getLogger(__name__)

# failures before any wait: an office behind one address mistypes more than one person does
# ("reset-…": requests of a "forgot password" email, counted apart so that they never slow a sign-in)
FREE_FAILURES = {"address": 10, "account": 3, "reset-address": 10, "reset-account": 2}
FIRST_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(seconds=60)
FORGET_AFTER = timedelta(minutes=15)


def keys(address: str | None, account: str, *, purpose: str = "") -> list[str]:
    """The throttle's keys of a try: its client address and the account name as typed."""
    prefix = f"{purpose}-" if purpose else ""
    return [f"{prefix}address:{address or '?'}", f"{prefix}account:{account.strip().lower()[:320]}"]


def delay_after(kind: str, failures: int) -> timedelta:
    """How long the next try waits after `failures` failures in a row."""
    over = failures - FREE_FAILURES[kind]
    if over <= 0:
        return timedelta(0)
    return min(MAX_DELAY, FIRST_DELAY * 2 ** min(over - 1, 20))  # (2**20 s is past any cap)


def wait_left(s: Session, names: list[str], now: datetime | None = None) -> timedelta:
    """How long before a try under these keys is checked (zero: now)."""
    now = now or utcnow()
    left = timedelta(0)
    for name in names:
        row = s.get(LoginThrottle, name)
        if row is not None and row.last_failure_at + FORGET_AFTER > now:
            left = max(left, row.next_try_at - now)
    return left


def record_failure(s: Session, names: list[str], now: datetime | None = None) -> None:
    """One more failure under each key (the caller commits)."""
    now = now or utcnow()
    for name in names:
        row = s.get(LoginThrottle, name, with_for_update=True)
        if row is None:
            row = LoginThrottle(key=name, failures=0, last_failure_at=now, next_try_at=now)
        elif row.last_failure_at + FORGET_AFTER <= now:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        row.next_try_at = now + delay_after(name.split(":", 1)[0], row.failures)
        s.add(row)


def forget(s: Session, name: str) -> None:
    """A successful sign-in clears its account's count (not the address's: one good account
    must not reset the count of an address trying many others)."""
    row = s.get(LoginThrottle, name)
    if row is not None:
        s.delete(row)
