"""Delivering the outbox: each pending row is claimed, sent, and marked sent.

A claim is a short lease (locked_by/locked_until; `FOR UPDATE SKIP LOCKED` on PostgreSQL so that
several instances never take the same row) renewed every few seconds while its sender lives: a
sender killed mid-send lets go within LEASE_SECONDS, and the email goes out again under the
Message-ID fixed when it was queued (tinbai.notifier.outbox), never under a second one.

Failures are sorted by whom they are about (tinbai.notifier.transport): while the server is down
no email is blamed or pushed back, the pass stops at the first refusal and the outage is noted
once (tinbai.notifier.outage); the caller probes again in seconds. Only a refusal of one email
(4xx) gives that email its own capped backoff; a 5xx about it gives it up, shown in `status` and
on the item's page until `main.py outbox retry` sends it again.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, func, select

from tinbai.config import Config
from tinbai.notifier.outage import record_down, record_up
from tinbai.notifier.transport import PermanentFailure, ServerDown, TemporaryFailure, Transport, build_email
from tinbai.queue.db import read_session
from tinbai.queue.models import Outbox, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12  # refusals of one email (4xx) before it is given up
LEASE_SECONDS = 10  # a claim lasts this long unless its sender renews it
RENEW_EVERY = 3.0  # seconds between renewals while sending
CLAIM_BATCH = 10


def backoff(attempts: int) -> timedelta:
    """The wait after an email's own temporary refusal: 30 s, doubling, at most an hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def claim_due(session: Session, owner: str, now: datetime, limit: int = CLAIM_BATCH) -> list[Outbox]:
    q = (select(Outbox)
         .where(Outbox.status == "pending", Outbox.next_attempt_at <= now,
                or_(col(Outbox.locked_until).is_(None), col(Outbox.locked_until) < now))
         .order_by(Outbox.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = list(session.exec(q))
    for row in rows:
        row.locked_by = owner
        row.locked_until = now + timedelta(seconds=LEASE_SECONDS)
        session.add(row)
    session.commit()
    return rows


class _Renewal:
    """While a pass sends, its claims are renewed every RENEW_EVERY seconds (a thread)."""

    def __init__(self, engine, owner: str, clock) -> None:
        self.engine, self.owner, self.clock = engine, owner, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-lease", daemon=True)

    def __enter__(self) -> _Renewal:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(RENEW_EVERY):
            try:
                with Session(self.engine) as s:
                    s.execute(update(Outbox).where(col(Outbox.locked_by) == self.owner, Outbox.status == "pending")
                              .values(locked_until=self.clock() + timedelta(seconds=LEASE_SECONDS)))
                    s.commit()
            except Exception as e:  # the database busy or away: the next round tries again
                log.debug("could not renew the outbox claims of %s: %s", self.owner, e)


def _let_go(engine, owner: str) -> None:
    """Hand back the claims not sent (the server is down): due again at once, untouched."""
    with Session(engine) as s:
        s.execute(update(Outbox).where(col(Outbox.locked_by) == owner, Outbox.status == "pending")
                  .values(locked_by=None, locked_until=None))
        s.commit()


def deliver_due(engine, config: Config, *, owner: str = "tinbai", now: datetime | None = None) -> dict[str, int]:
    """Send what is due; return counts of sent / retry / failed, and down = 1 when the server
    could not take any email (the rest is left due, for the next probe), login = 1 when that
    was a refused login or a password not set."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "down": 0, "login": 0}
    # a fixed clock in the past (run --once --now) must still send what is due now
    def clock() -> datetime:
        return max(now, utcnow()) if now else utcnow()

    # each pass its own claim name: a renewal never extends another pass's claims
    token = f"{owner}#{uuid.uuid4().hex[:8]}"
    transport = Transport(config.smtp, config.base_dir())
    up_noted = False
    try:
        with _Renewal(engine, token, clock):
            while True:
                with Session(engine, expire_on_commit=False) as s:
                    rows = claim_due(s, token, clock())
                if not rows:
                    break
                for row in rows:
                    outcome = _deliver_one(engine, config, transport, row, now, counts)
                    if outcome == DOWN:
                        _let_go(engine, token)
                        return counts
                    if outcome == ANSWERED and not up_noted:
                        # an outage, if one was noted, is over: once a pass, not a read per email
                        record_up(engine)
                        up_noted = True
    finally:
        transport.close()
    return counts


# what sending one email told of the server
DOWN, ANSWERED, UNANSWERED = "down", "answered", "unanswered"


def _deliver_one(engine, config: Config, transport: Transport, row: Outbox, now: datetime | None,
                 counts: dict[str, int]) -> str:
    """Send one claimed row and note the outcome: DOWN (the server took nothing), ANSWERED (it
    took the email or refused this one: an answer too) or UNANSWERED (the email could not be
    composed)."""
    recipients = [a.strip() for a in row.to_addrs.split(",") if a.strip()]
    status, error, answered = "sent", None, True
    try:
        transport.send(build_email(row, config.smtp.sender), recipients)
    except ServerDown as e:
        counts["down"], counts["login"] = 1, int(e.login)
        with Session(engine) as s:  # the reason, on the email that met it (no attempt counted)
            fresh = s.get(Outbox, row.id)
            fresh.last_error = str(e)
            s.add(fresh)
            s.commit()
        record_down(engine, str(e))
        return DOWN
    except TemporaryFailure as e:
        status, error = "pending", str(e)
    except PermanentFailure as e:
        status, error = "failed", str(e)
    except Exception as e:
        # a bug in composing one email (an address the email package cannot encode) must not
        # stop the others nor stay claimed: retried with its backoff, and shown to the board
        transport.close()
        status, error, answered = "pending", f"{type(e).__name__}: {e}", False
    if status == "sent":
        # one UPDATE, not the row loaded and flushed: this runs for every email sent
        with Session(engine) as s:
            s.execute(update(Outbox).where(col(Outbox.id) == row.id).values(
                status="sent", sent_at=utcnow(), last_error=None, locked_by=None, locked_until=None,
                attempts=col(Outbox.attempts) + 1))  # the server's answers about this email
            s.commit()
        counts["sent"] += 1
        return ANSWERED
    with Session(engine, expire_on_commit=False) as s:
        fresh = s.get(Outbox, row.id)
        fresh.locked_by = fresh.locked_until = None
        fresh.attempts += 1  # the server's answers about this email (an outage counts none)
        if status == "pending" and fresh.attempts < MAX_ATTEMPTS:
            fresh.last_error = error
            fresh.next_attempt_at = (now or utcnow()) + backoff(fresh.attempts)
            counts["retry"] += 1
            log.warning("email %s not sent yet (attempt %d): %s", fresh.id, fresh.attempts, error)
        else:
            fresh.status, fresh.last_error = "failed", error
            counts["failed"] += 1
            log.error("email %s to %s failed for good: %s", fresh.id, fresh.to_addrs, error)
        s.add(fresh)
        s.commit()
    return ANSWERED if answered else UNANSWERED


def next_due(engine) -> datetime | None:
    """When the outbox next has something to do: the earliest pending email's due time, or the
    end of its claim when one is claimed (by a sender that may have died)."""
    with read_session(engine) as s:
        due = s.exec(select(func.min(Outbox.next_attempt_at)).where(
            Outbox.status == "pending", col(Outbox.locked_until).is_(None))).one()
        claimed = s.exec(select(func.min(Outbox.locked_until)).where(
            Outbox.status == "pending", col(Outbox.locked_until).is_not(None))).one()
    times = [t for t in (due, claimed) if t is not None]
    return min(times) if times else None


def retry_failed(engine, ids: list[int] | None) -> list[int]:
    """Emails given up made due again (all of them when `ids` is None); their ids."""
    with Session(engine) as s:
        q = select(Outbox).where(Outbox.status == "failed")
        if ids is not None:
            q = q.where(col(Outbox.id).in_(ids))
        rows = list(s.exec(q))
        now = utcnow()
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = "pending", 0, now
            row.locked_by = row.locked_until = None
            s.add(row)
        s.commit()
        return [row.id for row in rows]
