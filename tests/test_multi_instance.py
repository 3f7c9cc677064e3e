"""Several tinbai processes on one PostgreSQL (tinbai.queue.lease): each mailbox worked by one
process at a time, the work shared, a dead process's mailboxes taken over within one lease
period, and every message and email still exactly once. PostgreSQL is a private throw-away
cluster (tests/pg.py); SQLite grants every lease at once."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tests import pg
from tests.factories import make_config
from tests.mailflow import assert_each_email_once, assert_each_message_once, submission, unseen
from tests.pace import scaled
from tests.pg import PgCluster, pg_bin
from tests.procs import Tinbai, count_rows, env_for, imap_mailbox, wait_until, write_config
from tests.servers import HOST, DovecotServer, SmtpSink
from tinbai.config import load_config
from tinbai.daemon import Daemon
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.notifier.delivery import LEASE_SECONDS, deliver_due
from tinbai.queue.db import make_engine
from tinbai.queue.lease import Leases, instances
from tinbai.queue.models import Item, Outbox, utcnow
from tinbai.queue.schema import migrate, open_db

pytestmark = [pytest.mark.timeout(300), pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")]

NAMES = [f"box{i}" for i in range(6)]
pg_cluster, pg_url = pg.pg_cluster, pg.pg_url  # the private PostgreSQL's fixtures, used here


@pytest.fixture
def engine(pg_url: str):
    e = make_engine(pg_url)
    migrate(e)
    yield e
    e.dispose()


# ----- the lease itself ---------------------------------------------------------------------------


def test_a_lease_goes_to_exactly_one_of_many_at_once(engine) -> None:
    contenders = [Leases(engine, NAMES, 30, owner=f"proc{i}") for i in range(8)]
    barrier = threading.Barrier(len(contenders))
    won: list[str] = []

    def race(lease: Leases) -> None:
        barrier.wait()
        if lease.acquire("box0"):
            won.append(lease.owner)

    threads = [threading.Thread(target=race, args=(c,)) for c in contenders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    winner = next(c for c in contenders if c.owner == won[0])
    assert winner.holds("box0") and winner.holder("box0")[0] == winner.owner
    assert winner.acquire("box0")  # ours already: taken again (renewed)
    loser = next(c for c in contenders if c.owner != won[0])
    assert not loser.holds("box0")
    winner.release("box0")
    assert not winner.holds("box0")
    assert loser.acquire("box0")  # released: free at once


def test_an_expired_lease_is_taken_over_and_its_old_holder_learns_it(engine) -> None:
    dead = Leases(engine, NAMES, 30, owner="dead")
    alive = Leases(engine, NAMES, 30, owner="alive")
    assert dead.acquire("box1")
    assert not alive.acquire("box1")
    with engine.begin() as conn:  # time passes for the database: the lease ran out
        conn.execute(text("UPDATE mailbox_state SET lease_until = now() - interval '1 second' WHERE name = 'box1'"))
    assert alive.acquire("box1")
    dead.round()  # its renewal finds the row in other hands
    assert not dead.holds("box1")
    assert alive.holder("box1")[0] == "alive"


def test_sqlite_grants_every_lease(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    e = open_db(cfg)
    a, b = Leases(e, NAMES, 30, owner="a"), Leases(e, NAMES, 30, owner="b")
    assert a.acquire("box0") and b.acquire("box0") and a.holds("box0") and b.working("box0")
    assert a.wait_for("box0", 0) and a.held() == NAMES
    a.start(balance=True)  # nothing to renew, no thread
    a.stop()


def test_shares_balance_and_a_dead_instances_mailboxes_are_taken_within_one_period(engine) -> None:
    period = 2.0
    a, b, c = (Leases(engine, NAMES, period, owner=o) for o in "abc")
    a.start(balance=True)
    assert a.held() == NAMES  # alone: it takes every mailbox
    b.start(balance=True)
    c.start(balance=True)
    try:
        # newcomers announce themselves; `a` hands back its surplus, they take it
        wait_until(lambda: sorted(len(x.held()) for x in (a, b, c)) == [2, 2, 2], 10 * period,
                   message=lambda: [x.held() for x in (a, b, c)])
        assert sorted(a.held() + b.held() + c.held()) == NAMES
        # `a` dies without a word: its thread stops renewing, its rows stay as they are
        a._stop.set()
        a._thread.join()
        died = time.monotonic()
        wait_until(lambda: sorted(b.held() + c.held()) == NAMES, 10 * period,
                   message=lambda: [b.held(), c.held()])
        took = time.monotonic() - died
        print(f"takeover after {took:.2f} s with lease_seconds = {period}")
        assert sorted(len(x.held()) for x in (b, c)) == [3, 3]
        assert {i["owner"] for i in instances(engine, period) if i["live"]} == {"b", "c"}
    finally:
        for x in (b, c):
            x.stop()
    with engine.connect() as conn:  # stopping hands every lease back
        assert conn.execute(text("SELECT count(*) FROM mailbox_state WHERE lease_owner IN ('b', 'c')")).scalar() == 0


# ----- real processes -----------------------------------------------------------------------------


def test_two_daemons_share_the_mailboxes_and_one_killed_is_taken_over(
        dovecot: DovecotServer, smtp_sink: SmtpSink, pg_url: str, tmp_path: Path) -> None:
    lease = 3
    users = [dovecot.new_user()[0] for _ in range(4)]
    boxes = {f"m{i}": imap_mailbox(dovecot, u) for i, u in enumerate(users)}
    smtp = {"kind": "smtp", "host": HOST, "port": smtp_sink.port, "security": "plain", "timeout": 5,
            "sender": "Ban Biên tập <bbt@example.gov.vn>"}
    config = write_config(tmp_path, mailboxes=boxes, smtp=smtp, database_url=pg_url, lease_seconds=lease)
    cfg = load_config(config)
    engine = open_db(cfg)
    env = env_for(dovecot)
    procs = [Tinbai(config, env, tmp_path / f"d{i}.log").start("run", "--no-web") for i in range(2)]
    held = lambda: {i["owner"]: i["mailboxes"] for i in instances(engine, lease) if i["live"]}
    try:
        wait_until(lambda: sorted(len(v) for v in held().values()) == [2, 2], 60,
                   message=lambda: f"{held()}\n{procs[0].log()[-2000:]}\n{procs[1].log()[-2000:]}")
        n = 0
        for u in users:
            for _ in range(5):
                dovecot.append(u, "INBOX", submission(n))
                n += 1
        wait_until(lambda: count_rows(engine, Item) == n, 120)

        # the instance holding m0 is killed: its mailboxes wait at most one lease period
        victim_owner = next(o for o, names in held().items() if "m0" in names)
        victim = next(p for p in procs if f"/{p.pid}/" in victim_owner)
        survivor = next(p for p in procs if p is not victim)
        survivor_owner = next(o for o in held() if f"/{survivor.pid}/" in o)
        victim.kill()
        died = time.monotonic()
        wait_until(lambda: sorted(held().get(survivor_owner, [])) == sorted(boxes), 10 * lease, 0.05,
                   message=lambda: held())
        took = time.monotonic() - died
        print(f"takeover after {took:.2f} s with lease_seconds = {lease}")
        for u in users:
            for _ in range(3):
                dovecot.append(u, "INBOX", submission(n))
                n += 1
        wait_until(lambda: count_rows(engine, Item) == n, 120, message=lambda: survivor.log()[-3000:])
        wait_until(lambda: count_rows(engine, Outbox, Outbox.status == "pending",
                                      Outbox.locked_until.is_(None)) == 0, 60)
        assert survivor.alive()
    finally:
        for p in procs:
            p.terminate()
    # emails the killed one had claimed wait for their lock (LEASE_SECONDS); sent here, as time passes
    deliver_due(engine, cfg, owner="later", now=utcnow() + timedelta(seconds=LEASE_SECONDS + 1))
    got = assert_each_message_once(engine, n)
    assert {it.mailbox for it in got} == set(boxes)
    assert all(unseen(dovecot, u) == [] for u in users)
    assert assert_each_email_once(engine, smtp_sink) <= 1  # one email may have been in flight at the kill
    # one period plus a round on a quiet machine; a loaded one gets its share of a core (tests.pace)
    assert took <= scaled(3 * lease)


def test_run_once_processes_side_by_side_skip_what_another_works(pg_url: str, tmp_path: Path) -> None:
    boxes = {f"md{i}": {"kind": "maildir", "path": str(tmp_path / "mail" / f"md{i}")} for i in range(6)}
    config = write_config(tmp_path, mailboxes=boxes, database_url=pg_url, lease_seconds=30)
    cfg = load_config(config)
    engine = open_db(cfg)
    n = 0
    for name in boxes:
        md = MaildirMailbox(tmp_path / "mail" / name)
        for _ in range(4):
            md.add(submission(n))
            n += 1
    # a crashed instance left a live lease on md5: every --once run skips it until it runs out
    crashed = Leases(engine, boxes, 30, owner="crashed")
    assert crashed.acquire("md5")
    procs = [Tinbai(config, env_for(None), tmp_path / f"once{i}.log").start("run", "--once") for i in range(3)]
    try:
        for p in procs:
            assert p.wait(240) == 0, p.log()[-3000:]
    finally:
        for p in procs:
            p.terminate()
    got = Counter(it.mailbox for it in assert_each_message_once(engine, n - 4))
    assert set(got) == set(boxes) - {"md5"}
    assert all("md5: another instance (crashed)" in p.log() for p in procs)
    with engine.begin() as conn:
        conn.execute(text("UPDATE mailbox_state SET lease_until = now() - interval '1 second' WHERE name = 'md5'"))
    totals = Daemon(cfg, engine).run_once()
    assert totals["created"] == 4 and totals["busy"] == 0
    assert_each_message_once(engine, n)
    with engine.connect() as conn:  # every lease handed back at the end of each run
        assert conn.execute(text("SELECT name FROM mailbox_state WHERE lease_owner IS NOT NULL")).all() == []


def test_reminder_and_email_rounds_of_two_instances_at_once_send_each_email_once(
        smtp_sink: SmtpSink, pg_url: str, tmp_path: Path) -> None:
    """Both instances run the outbox (and reminder) job at the same moment: SKIP LOCKED claims."""
    smtp = {"kind": "smtp", "host": HOST, "port": smtp_sink.port, "security": "plain", "timeout": 5,
            "sender": "Ban Biên tập <bbt@example.gov.vn>"}
    cfg = make_config(tmp_path, smtp=smtp, database_url=pg_url)
    engine = open_db(cfg)
    md = MaildirMailbox(cfg.resolve(cfg.mailboxes["thainguyen"].path))
    for i in range(20):
        md.add(submission(i))
    from tinbai.ingest.runner import Ingestor
    from tinbai.ingest.sources import mailbox_pass

    ing = Ingestor(cfg, engine)
    try:
        assert mailbox_pass(ing, "thainguyen", cfg.mailboxes["thainguyen"]).created == 20
    finally:
        ing.close()
    daemons = [Daemon(cfg, make_engine(pg_url)) for _ in range(2)]
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def tick(d: Daemon) -> None:
        barrier.wait()
        sent.append(d.after_ingest()["sent"])

    threads = [threading.Thread(target=tick, args=(d,)) for d in daemons]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent) == count_rows(engine, Outbox) >= 20
    assert assert_each_email_once(engine, smtp_sink) == 0
    ids = [email.message_from_bytes(m.content, policy=email.policy.default)["Message-ID"] for m in smtp_sink.messages]
    assert len(ids) == len(set(ids))
    for d in daemons:
        d.engine.dispose()


def test_a_restarted_cluster_does_not_stop_the_leases(tmp_path: Path) -> None:
    """Renewals fail while PostgreSQL is away; the holder pauses, then renews or retakes."""
    cluster = PgCluster().start()
    try:
        e = make_engine(cluster.new_database())
        migrate(e)
        a = Leases(e, NAMES, 2.0, owner="a")
        a.start(balance=True)
        try:
            assert a.held() == NAMES
            cluster.stop("fast")
            wait_until(lambda: a.held() == [], 10)  # its own clock ran out: it stops working them
            cluster.start()
            wait_until(lambda: a.held() == NAMES, 10)
        finally:
            a.stop()
        e.dispose()
    finally:
        cluster.close()
