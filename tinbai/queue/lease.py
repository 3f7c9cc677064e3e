"""Which instance works which mailbox: leases that expire, kept in `mailbox_state`.

Several `main.py run` processes may share one PostgreSQL database (the provincial data
centre runs one tinbai for hundreds of mailboxes). Each mailbox is worked by one process at
a time: the one whose name is in its row's `lease_owner` while `lease_until` lies ahead.

* A lease is taken with one atomic UPDATE: `… WHERE name = … AND (lease_owner IS NULL OR
  lease_owner = me OR lease_until < now())`. PostgreSQL row-locks the row and re-checks the
  WHERE after a concurrent writer commits, so two processes can never both see "taken".
  All times are the database server's `now()`: the hosts' clocks play no part.
* The holder renews every quarter of `lease_seconds`; a lease lasts three quarters of it. So
  when a process dies (SIGKILL, power cut, partition), its leases run out at most ¾·L after
  its last renewal, and a survivor's next round (every ¼·L) takes them: a mailbox is without
  a worker for at most `lease_seconds` (L).
* A process also stops working a mailbox on its own once it could not renew for ¾·L (its
  local clock, started before the renewing statement, runs out no later than the lease in
  the database), so a process cut off from the database does not go on next to its successor.
* Balance: each process writes a heartbeat row (`instance` table) and takes at most its fair
  share, ceil(mailboxes / live instances), of the free leases; one holding more than its
  share hands the surplus back (after the mailbox's current pass), so that a process started
  later gets work. A lease free for more than a whole period is taken whatever the share, so
  a wrong count of instances can slow the balance down but never leave a mailbox unworked.

Why rows and not PostgreSQL advisory locks: an advisory lock belongs to one database
session, so every holder needs its own long-lived connection outside the pool, a lock
outlives a process cut off by the network until TCP keepalive notices (hours by default),
and the state is invisible to `main.py status` and the board's pages. A lease row needs no
extra connection, expires by a clock we choose, and shows who works what.

Correctness does not rest on the lease: if two processes ever work one mailbox (a holder
paused longer than its lease), storing stays exactly once (unique mailbox + source key,
Message-ID + hash) and every email has its own unique row and Message-ID. The lease makes
such overlaps rare, and spreads the work.

SQLite is the single-process default: there every lease is granted at once and nothing is
written (a second process on one SQLite file is still safe, by the same unique keys, only
not coordinated).
"""

from __future__ import annotations

import logging
import math
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

# a lease lasts LEASE_PART of lease_seconds and is renewed every ROUND_PART of it: a dead
# holder's mailbox waits at most LEASE_PART + ROUND_PART = 1 lease period for a new worker
LEASE_PART = 0.75
ROUND_PART = 0.25
# instance rows not seen for this many periods are deleted (kept a while for `status`)
FORGET_PERIODS = 20


def new_owner_id() -> str:
    """host/pid/random: unique per process, readable in `status` and in the database."""
    return f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(3)}"


class Leases:
    """This process's leases on its configured mailboxes.

    run --once: acquire(name) before a mailbox's pass, release(name) after, with
    start(balance=False) renewing in the background meanwhile.
    run: start(balance=True); a mailbox's worker calls wait_for(name) before working it and
    working(name) between passes, and finished(name) when it stops working it.
    """

    def __init__(self, engine: Engine, names: Iterable[str], lease_seconds: float, *,
                 owner: str | None = None) -> None:
        self.engine = engine
        self.names = sorted(set(names))
        self.lease_seconds = float(lease_seconds)
        self.owner = owner or new_owner_id()
        self.shared = engine.dialect.name == "postgresql"
        self._valid_until: dict[str, float] = {}  # name -> local monotonic end of our lease
        self._shed: set[str] = set()  # held, over our share: give back after the current pass
        self._cooldown: dict[str, float] = {}  # given back: not retaken by us before this time
        self._active: set[str] = set()  # a worker is working it (between wait_for and finished)
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._balance = False
        self.live_instances = 1

    # ----- the durations ---------------------------------------------------------------------
    @property
    def lease_for(self) -> float:
        return self.lease_seconds * LEASE_PART

    @property
    def round_every(self) -> float:
        return self.lease_seconds * ROUND_PART

    # ----- one mailbox -----------------------------------------------------------------------
    def acquire(self, name: str) -> bool:
        """Take the lease of `name` if it is free, expired or ours already."""
        if not self.shared:
            return True
        self._ensure_rows([name])
        started = time.monotonic()
        got = self._names_of(
            "UPDATE mailbox_state SET lease_owner = :me, lease_until = now() + make_interval(secs => :for_) "
            "WHERE name = :name AND (lease_owner IS NULL OR lease_owner = :me OR lease_until IS NULL "
            "OR lease_until < now()) RETURNING name",
            me=self.owner, for_=self.lease_for, name=name)
        self._note_held(got, started)
        return name in got

    def holder(self, name: str) -> tuple[str | None, object]:
        """(owner, until) of the lease of `name` as the database has it now."""
        if not self.shared:
            return self.owner, None
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT lease_owner, lease_until FROM mailbox_state WHERE name = :n"),
                               {"n": name}).first()
        return (row[0], row[1]) if row else (None, None)

    def holds(self, name: str) -> bool:
        """True while our lease of `name` is certainly still ours (by our own clock)."""
        if not self.shared:
            return True
        with self._cond:
            return self._valid_until.get(name, 0.0) > time.monotonic()

    def working(self, name: str) -> bool:
        """Go on working `name`: we hold it and have not been asked to give it back."""
        if not self.shared:
            return True
        with self._cond:
            return name not in self._shed and self._valid_until.get(name, 0.0) > time.monotonic()

    def wait_for(self, name: str, timeout: float) -> bool:
        """Block until we may work `name` (True) or `timeout` passed (False)."""
        if not self.shared:
            return True
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if name not in self._shed and self._valid_until.get(name, 0.0) > time.monotonic():
                    self._active.add(name)
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    return False
                self._cond.wait(min(left, self.round_every))

    def finished(self, name: str) -> None:
        """The worker of `name` stopped working it: a lease asked back is released now."""
        if not self.shared:
            return
        with self._cond:
            self._active.discard(name)
            give_back = name in self._shed
        if give_back:
            self.release(name)

    def release(self, name: str) -> None:
        """Give the lease back at once (after a pass of run --once, or a lease asked back)."""
        if not self.shared:
            return
        with self._cond:
            self._valid_until.pop(name, None)
            if name in self._shed:
                self._shed.discard(name)
                # not retaken by us for two rounds: the instance short of work takes it
                self._cooldown[name] = time.monotonic() + 2 * self.round_every
        try:
            self._execute("UPDATE mailbox_state SET lease_owner = NULL, lease_until = now() "
                          "WHERE name = :name AND lease_owner = :me", name=name, me=self.owner)
        except DBAPIError as e:  # it expires by itself
            log.warning("lease %s: could not release: %s", name, _one_line(e))

    def held(self) -> list[str]:
        if not self.shared:
            return list(self.names)
        now = time.monotonic()
        with self._cond:
            return sorted(n for n, t in self._valid_until.items() if t > now)

    # ----- the background round --------------------------------------------------------------
    def start(self, *, balance: bool) -> None:
        """Renew (and with balance=True also take and hand back) leases every ¼ period."""
        if not self.shared or self._thread is not None:
            return
        self._balance = balance
        self._stop.clear()
        if balance:
            self._safe_round()  # the first leases before any worker starts waiting
        self._thread = threading.Thread(target=self._loop, name="leases", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop renewing, give every lease back and leave the list of live instances."""
        if not self.shared:
            return
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._cond:
            self._valid_until.clear()
            self._shed.clear()
        try:
            self._execute("UPDATE mailbox_state SET lease_owner = NULL, lease_until = now() "
                          "WHERE lease_owner = :me", me=self.owner)
            self._execute("DELETE FROM instance WHERE owner = :me", me=self.owner)
        except DBAPIError as e:  # the leases expire by themselves
            log.warning("leases: could not release on stop: %s", _one_line(e))

    def _loop(self) -> None:
        while not self._stop.wait(self.round_every * random.uniform(0.9, 1.0)):
            self._safe_round()

    def _safe_round(self) -> None:
        try:
            self.round()
        except DBAPIError as e:
            # the database is away (restart, network): our local clocks run out and the
            # workers pause; the next round renews or takes again
            log.warning("leases: round failed: %s", _one_line(e))
        except Exception:  # the renewing thread must not die
            log.exception("leases: round failed")

    def round(self) -> None:
        """Heartbeat, renew what we hold, then (balancing) hand back the surplus or take free ones."""
        started = time.monotonic()
        if self._balance:
            self.live_instances = self._heartbeat()
        renewed = self._names_of(
            "UPDATE mailbox_state SET lease_until = now() + make_interval(secs => :for_) "
            "WHERE lease_owner = :me RETURNING name", me=self.owner, for_=self.lease_for)
        renewed &= set(self.names)
        with self._cond:
            lost = [n for n in self._valid_until if n not in renewed]
            for n in lost:
                self._valid_until.pop(n, None)
                self._shed.discard(n)
        if lost:
            log.warning("leases lost (taken over by another instance): %s", ", ".join(sorted(lost)))
        self._note_held(renewed, started)
        if not self._balance:
            return
        share = math.ceil(len(self.names) / max(1, self.live_instances))
        with self._cond:
            held = sorted(n for n in self._valid_until if n not in self._shed)
            surplus = len(held) - share
            if surplus > 0:
                # the same names every round, so that a slow worker is not asked twice over
                give = sorted(held, key=lambda n: hash((self.owner, n)))[:surplus]
                self._shed.update(give)
                log.info("leases: %d instances, share %d: handing back %s", self.live_instances, share,
                         ", ".join(give))
            idle_shed = sorted(self._shed - self._active)  # no worker to finish first
            now = time.monotonic()
            self._cooldown = {n: t for n, t in self._cooldown.items() if t > now}
            exclude = list(self._valid_until) + list(self._cooldown)
            want = share - len(held)
        for n in idle_shed:
            self.release(n)
        self._ensure_rows(self.names)
        started = time.monotonic()
        got: set[str] = set()
        if want > 0:
            got |= self._names_of(
                "UPDATE mailbox_state SET lease_owner = :me, lease_until = now() + make_interval(secs => :for_) "
                "WHERE name IN (SELECT name FROM mailbox_state WHERE name = ANY(:names) "
                "AND NOT (name = ANY(:exclude)) "
                "AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < now()) "
                "ORDER BY random() LIMIT :want FOR UPDATE SKIP LOCKED) RETURNING name",
                me=self.owner, for_=self.lease_for, names=self.names, exclude=exclude, want=want)
        # orphans: free for a whole period although every instance had its round (the count of
        # instances was wrong, or a config differs): taken whatever the share
        got |= self._names_of(
            "UPDATE mailbox_state SET lease_owner = :me, lease_until = now() + make_interval(secs => :for_) "
            "WHERE name IN (SELECT name FROM mailbox_state WHERE name = ANY(:names) "
            "AND NOT (name = ANY(:exclude)) "
            "AND (lease_until IS NULL OR lease_until < now() - make_interval(secs => :period)) "
            "FOR UPDATE SKIP LOCKED) RETURNING name",
            me=self.owner, for_=self.lease_for, names=self.names, exclude=exclude + sorted(got),
            period=self.lease_seconds)
        if got:
            log.info("leases taken: %s", ", ".join(sorted(got)))
        self._note_held(got, started)

    # ----- internals -------------------------------------------------------------------------
    def _note_held(self, names: Iterable[str], started: float) -> None:
        # our clock started before the statement, the database's after: ours ends first
        until = started + self.lease_for
        with self._cond:
            for n in names:
                self._valid_until[n] = until
            self._cond.notify_all()

    def _heartbeat(self) -> int:
        with self.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO instance (owner, host, pid, started_at, seen_at) "
                "VALUES (:me, :host, :pid, now(), now()) ON CONFLICT (owner) DO UPDATE SET seen_at = now()"),
                {"me": self.owner, "host": socket.gethostname(), "pid": os.getpid()})
            conn.execute(text("DELETE FROM instance WHERE seen_at < now() - make_interval(secs => :old)"),
                         {"old": self.lease_seconds * FORGET_PERIODS})
            return int(conn.execute(text(
                "SELECT count(*) FROM instance WHERE seen_at > now() - make_interval(secs => :for_)"),
                {"for_": self.lease_for}).scalar_one())

    def _ensure_rows(self, names: list[str]) -> None:
        # a new mailbox's row starts "just released": not an orphan, so the shares apply
        self._execute(
            "INSERT INTO mailbox_state (name, uid_watermark, backlog, lease_until) "
            "SELECT n, 0, 0, now() FROM unnest(CAST(:names AS text[])) AS n ON CONFLICT (name) DO NOTHING",
            names=list(names))

    def _names_of(self, sql: str, **params: object) -> set[str]:
        with self.engine.begin() as conn:
            return {row[0] for row in conn.execute(text(sql), params)}

    def _execute(self, sql: str, **params: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)


def instances(engine: Engine, lease_seconds: float) -> list[dict]:
    """The instances that have had a round recently, with the mailboxes each holds (PostgreSQL)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.owner, i.started_at, i.seen_at, i.seen_at > now() - make_interval(secs => :for_) AS live, "
            "COALESCE(array_agg(m.name ORDER BY m.name) FILTER (WHERE m.name IS NOT NULL), '{}') "
            "FROM instance i LEFT JOIN mailbox_state m ON m.lease_owner = i.owner AND m.lease_until > now() "
            "GROUP BY i.owner, i.started_at, i.seen_at ORDER BY i.started_at"),
            {"for_": lease_seconds * LEASE_PART}).all()
    return [{"owner": r[0], "started_at": r[1], "seen_at": r[2], "live": r[3], "mailboxes": list(r[4])}
            for r in rows]


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:300]
