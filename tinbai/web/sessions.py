"""Signed-in browsers, kept on the server (the web_session table) so that every instance of the
pages sees the same sessions and ending one ends it everywhere.

The cookie carries a random token and nothing else; the table keeps its SHA-256 (a copy of the
database opens no session), whose account it is, the session's CSRF token and when it was last
used. A session ends at logout, when its account's password changes or is reset, when the
account is disabled, after `idle` without a request, and `lifetime` after sign-in at the latest.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session, col

from tinbai.queue.models import User, WebSession, utcnow

# a request refreshes seen_at at most this often: a page view is not a write each time
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    lifetime: timedelta


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(s: Session, user: User, address: str | None, now: datetime | None = None) -> tuple[str, WebSession]:
    """A new session for `user`: (the cookie's token, its row). The caller commits."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=token_hash(token), user_id=user.id, csrf=secrets.token_urlsafe(32),
                     created_at=now, seen_at=now, address=address)
    s.add(row)
    return token, row


def find_session(s: Session, token: str | None, limits: Limits,
                 now: datetime | None = None) -> tuple[WebSession, User] | None:
    """The live session of `token` and its account, or None (an expired session, or one of a
    disabled account, is deleted on the way; the caller commits)."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    row = s.get(WebSession, token_hash(token))
    if row is None:
        return None
    user = s.get(User, row.user_id)
    if user is None or user.disabled or row.seen_at + limits.idle < now or row.created_at + limits.lifetime < now:
        s.delete(row)
        return None
    if row.seen_at + TOUCH_EVERY < now:
        row.seen_at = now
        s.add(row)
    return row, user


def end_session(s: Session, token: str | None) -> None:
    if token:
        s.execute(delete(WebSession).where(col(WebSession.token_hash) == token_hash(token)))


def end_user_sessions(s: Session, user_id: int, *, keep: str | None = None) -> None:
    """End every session of an account (a password change keeps the session that made it: `keep`)."""
    q = delete(WebSession).where(col(WebSession.user_id) == user_id)
    if keep:
        q = q.where(col(WebSession.token_hash) != token_hash(keep))
    s.execute(q)


def purge_expired(s: Session, limits: Limits, now: datetime | None = None) -> None:
    """Delete sessions nobody can use any more (run at each sign-in: the table stays small)."""
    now = now or utcnow()
    s.execute(delete(WebSession).where(or_(col(WebSession.seen_at) < now - limits.idle,
                                           col(WebSession.created_at) < now - limits.lifetime)))
