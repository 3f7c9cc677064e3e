"""Memory while draining a backlog: RSS must not grow with the backlog's size (goal < 300 MB).

    .venv/bin/python bench/memory.py [--sizes 1000 10000] [--quick] [--db sqlite|pg] [--mix issue|photos]
                                     [--mailboxes K]

For each size, that many messages of the mix (issue 18's, bench/mix.py, by default) wait in a
private Dovecot mailbox; one `main.py run --once` drains them while the RSS of the daemon process
and of its whole tree (fork server, parser workers; no resource tracker since 2026-12-05) is sampled every 0.2 s, and
the PSS of each (shared pages split between the processes sharing them) summed over the tree.
Printed per size: the daemon's RSS after 10 %, 50 % and 90 % of the backlog and its peak, the
tree's peak RSS and PSS, the PSS of each part of the tree at that peak, and the growth from 10 %
to 90 %; then the ratio of the peaks of the largest and smallest backlog (flat memory: ≈ 1).
The goal (< 300 MB) is for the whole tree's PSS. --quick: backlogs of 300 and 1,000.

--mailboxes K (K > 1): the backlog is shared out over K IMAP mailboxes and drained by the daemon
as deployed, `main.py run --no-web` (a thread per mailbox), stopped once every message is an item:
the tree then shows what the daemon's mailboxes hold together (one shared set of parser workers).

The messages are built from a pool of 200 generated ones (new Message-ID, subject and body
number for each copy), so that 10,000 of them take a minute to make, not an hour.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import text  # noqa: E402

from bench.ingest import make_messages  # noqa: E402
from bench.mix import issue_messages  # noqa: E402
from bench.sampling import RssSampler  # noqa: E402
from tests.procs import Tinbai, env_for, imap_mailbox, write_config  # noqa: E402
from tests.servers import DovecotServer  # noqa: E402
from tinbai.queue.db import make_engine  # noqa: E402

POOL = 200


def backlog(n: int, pool: list[bytes]) -> list[bytes]:
    out = []
    for i in range(n):
        raw = pool[i % len(pool)]
        copy = i // len(pool)
        if copy:
            # another message: its own Message-ID, subject and text (so not a duplicate of the first)
            raw = re.sub(rb"Message-ID: <", b"Message-ID: <c%d." % copy, raw, count=1)
            raw = raw.replace(b"\r\n\r\n", b"\r\nX-Copy: %d\r\n\r\n" % copy, 1)
        out.append(raw)
    return out


def drain(n: int, pool: list[bytes], db: str, mailboxes: int = 1) -> dict:
    work = Path(tempfile.mkdtemp(prefix="tinbai-bench-memory-"))
    cluster = None
    with DovecotServer() as server:
        users = [server.new_user()[0] for _ in range(mailboxes)]
        t0 = time.perf_counter()
        for k, user in enumerate(users):
            with server.session(user) as c:
                for raw in backlog(n, pool)[k::mailboxes]:
                    c.append("INBOX", raw)
        print(f"  {n} messages appended in {time.perf_counter() - t0:.0f} s", flush=True)
        url = None
        if db == "pg":
            from tests.pg import PgCluster

            cluster = PgCluster().start()
            url = cluster.new_database()
        boxes = {f"tn{k}" if mailboxes > 1 else "tn": imap_mailbox(server, user) for k, user in enumerate(users)}
        config = write_config(work, mailboxes=boxes, database_url=url, log_level="WARNING")
        engine = make_engine(url or f"sqlite:///{work / 'var' / 'tinbai.db'}")
        args = ("run", "--once") if mailboxes == 1 else ("run", "--no-web")
        t = Tinbai(config, env_for(server), work / "run.log").start(*args)
        progress: list[tuple[float, int]] = []
        started = time.perf_counter()
        with RssSampler(t.pid, every=0.2, pss_every=1) as rss:
            while t.alive():
                try:
                    with engine.connect() as conn:
                        progress.append((time.monotonic(), conn.execute(text("SELECT count(*) FROM item")).scalar()))
                except Exception:  # the tables are not there yet
                    pass
                if mailboxes > 1 and progress and progress[-1][1] >= n:
                    t.proc.terminate()  # all drained: the daemon runs on otherwise (SIGTERM: its clean stop)
                time.sleep(1.0)
            rc = t.wait(10)
            if mailboxes > 1 and rc in (130, -signal.SIGTERM):
                rc = 0  # stopped by us

        took = time.perf_counter() - started
        if rc != 0:
            raise SystemExit(f"run --once failed ({rc}):\n{t.log()[-3000:]}")
        engine.dispose()
    if cluster is not None:
        cluster.close()

    def rss_at(fraction: float) -> float:
        """The daemon's RSS when `fraction` of the backlog was stored (MB)."""
        when = next((ts for ts, done in progress if done >= fraction * n), None)
        if when is None:
            return float("nan")
        near = min(rss.samples, key=lambda s: abs(s[0] - when))
        return near[1] / 2**20

    out = {"n": n, "seconds": round(took, 1), "rss10": rss_at(0.1), "rss50": rss_at(0.5), "rss90": rss_at(0.9),
           "peak": rss.peak_main / 2**20, "tree_peak": rss.peak_tree / 2**20,
           "tree_pss_peak": rss.peak_tree_pss / 2**20,
           "pss_parts": {k: round(v / 2**20) for k, v in rss.peak_pss_parts.items()}}
    out["growth"] = out["rss90"] - out["rss10"]
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--quick", action="store_true", help="backlogs of 300 and 1,000")
    p.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mix", choices=["issue", "photos"], default="issue", help="as bench/ingest.py")
    p.add_argument("--mailboxes", type=int, default=1, help="K > 1: K mailboxes drained by `run` (see above)")
    a = p.parse_args()
    sizes = [300, 1000] if a.quick else a.sizes
    print(f"generating a pool of {POOL} messages ({a.mix} mix)…", flush=True)
    pool = [raw for _kind, raw in (issue_messages if a.mix == "issue" else make_messages)(POOL, a.seed)]
    results = []
    for n in sizes:
        print(f"draining a backlog of {n}:", flush=True)
        r = drain(n, pool, a.db, a.mailboxes)
        results.append(r)
        print(f"  {n / r['seconds']:.1f} msg/s; daemon RSS at 10 % {r['rss10']:.0f} MB, 50 % {r['rss50']:.0f} MB, "
              f"90 % {r['rss90']:.0f} MB, peak {r['peak']:.0f} MB (growth 10→90 %: {r['growth']:+.0f} MB); "
              f"with parser workers peak {r['tree_peak']:.0f} MB RSS, {r['tree_pss_peak']:.0f} MB PSS "
              f"(the whole tree summed at its peak: {r['pss_parts']})", flush=True)
    print(f"\nmemory while draining backlogs ({a.db}):")
    print(f"  {'backlog':>8s} {'RSS 10%':>8s} {'RSS 90%':>8s} {'peak':>6s} {'tree peak':>10s} {'tree PSS':>9s}")
    for r in results:
        print(f"  {r['n']:8d} {r['rss10']:7.0f}M {r['rss90']:7.0f}M {r['peak']:5.0f}M {r['tree_peak']:9.0f}M "
              f"{r['tree_pss_peak']:8.0f}M")
    big, small = results[-1], results[0]
    print(f"  peak ratio {big['n']} / {small['n']}: {big['peak'] / small['peak']:.2f} (flat: ≈ 1); "
          f"goal < 300 MB: daemon {'met' if max(r['peak'] for r in results) < 300 else 'NOT met'}, "
          f"whole tree (PSS) {'met' if max(r['tree_pss_peak'] for r in results) < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
