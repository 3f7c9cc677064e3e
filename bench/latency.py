"""Pickup latency with IDLE: APPEND to a mailbox → the item committed in the queue.

    .venv/bin/python bench/latency.py [-n 100] [--db sqlite|pg] [--gap 0.2]

`main.py run --no-web` watches a private Dovecot mailbox in IDLE. Messages are appended one
at a time (the next after the previous one is in the queue, plus a random gap up to --gap
seconds); for each, the time from just before the APPEND to the moment its item is visible in
the database (polled every 5 ms). Prints p50, p95 and max (goal: p95 < 1 s). Dovecot waits a
fixed 0.5 s before it tells an IDLE client about new mail: that is the floor, measured here too
(APPEND → the IDLE notice on a bare imapclient connection).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import text  # noqa: E402

from bench.ingest import mixed_message, pct  # noqa: E402
from tests.procs import Tinbai, env_for, imap_mailbox, wait_until, write_config  # noqa: E402
from tests.servers import DovecotServer  # noqa: E402
from tinbai.queue.db import make_engine  # noqa: E402


def idle_floor(server: DovecotServer, user: str, samples: int = 5) -> list[float]:
    """APPEND → EXISTS seen by a client in IDLE, without tinbai: the server's own delay."""
    out = []
    with server.session(user) as watcher:
        watcher.select_folder("Floor")
        for i in range(samples):
            watcher.idle()
            t0 = time.perf_counter()
            server.append(user, "Floor", f"Subject: floor {i}\r\n\r\nx\r\n".encode())
            while not any(r[1] == b"EXISTS" for r in watcher.idle_check(timeout=5) if len(r) > 1):
                pass
            out.append(time.perf_counter() - t0)
            watcher.idle_done()
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--gap", type=float, default=0.2, help="random pause before each APPEND, up to this (s)")
    p.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    a = p.parse_args()
    rng = random.Random(a.seed)
    msgs = [mixed_message(i, rng)[1] for i in range(a.n)]
    work = Path(tempfile.mkdtemp(prefix="tinbai-bench-latency-"))
    cluster = None
    with DovecotServer() as server:
        user, _ = server.new_user()
        server.create_folder(user, "Floor")
        floor = idle_floor(server, user)
        url = None
        if a.db == "pg":
            from tests.pg import PgCluster

            cluster = PgCluster().start()
            url = cluster.new_database()
        config = write_config(work, mailboxes={"tn": imap_mailbox(server, user, poll_seconds=60)}, database_url=url, log_level=os.environ.get("TINBAI_BENCH_LOG", "INFO"))
        engine = make_engine(url or f"sqlite:///{work / 'var' / 'tinbai.db'}")
        daemon = Tinbai(config, env_for(server), work / "daemon.log").start("run", "--no-web")
        latencies = []
        try:
            # ready: the first pass over the (empty) mailbox is done and it waits in IDLE
            wait_until(lambda: _first_pass_done(engine), 120, 0.05, lambda: daemon.log()[-3000:])
            time.sleep(1)
            with server.session(user) as c:
                for i, raw in enumerate(msgs):
                    time.sleep(rng.uniform(0, a.gap))
                    t0 = time.perf_counter()
                    c.append("INBOX", raw)
                    wait_until(lambda i=i: _items(engine) > i, 60, 0.005, lambda: daemon.log()[-3000:])
                    latencies.append(time.perf_counter() - t0)
                    if latencies[-1] > 5:
                        print(f"message {i}: {latencies[-1]:.1f} s (appended at {time.strftime('%H:%M:%S')} "
                              f"- {latencies[-1]:.0f} s)", flush=True)
        finally:
            daemon.terminate()
            engine.dispose()
    if cluster is not None:
        cluster.close()
    ms = [x * 1000 for x in latencies]
    print(f"\npickup latency, APPEND → queue commit, {a.n} messages one at a time ({a.db}, IDLE):")
    print(f"  p50 {pct(ms, 50):6.0f} ms   p95 {pct(ms, 95):6.0f} ms   max {max(ms):6.0f} ms   (goal: p95 < 1000 ms)")
    fl = [x * 1000 for x in floor]
    print(f"  Dovecot's own IDLE delay (APPEND → EXISTS, bare client): median {pct(fl, 50):.0f} ms")
    print(f"  tinbai's share at p50: {pct(ms, 50) - pct(fl, 50):.0f} ms (fetch, check, store, commit)")


def _first_pass_done(engine) -> bool:
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT count(*) FROM mailbox_state WHERE last_check_ok_at IS NOT NULL"))
                        .scalar())
    except Exception:  # the daemon has not created the tables yet
        return False


def _items(engine) -> int:
    if engine.dialect.name == "sqlite":
        # a plain reader: tinbai's own engine begins every transaction IMMEDIATE (a write lock),
        # and a poller taking it every 5 ms would slow down the daemon it measures
        with sqlite3.connect(engine.url.database, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM item").fetchone()[0]
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM item")).scalar()


if __name__ == "__main__":
    main()
