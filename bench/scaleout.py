"""Scale-out: the ingest benchmark with 1, 2 and 4 instances on one PostgreSQL, over 20 mailboxes.

    .venv/bin/python bench/scaleout.py [-n 400] [--mailboxes 20] [--instances 1 2 4]

For each instance count: a fresh database in a private PostgreSQL cluster, 20 fresh Dovecot
mailboxes holding n messages of the realistic mix between them (bench/ingest.py), then that
many `main.py run --once` processes started together. Each takes the lease of a free mailbox,
drains it, hands it back and takes the next (tinbai.queue.lease), so the mailboxes are shared
out as they go. Printed per count: wall time (first start to last exit), messages/s over the
ingest (first to last queue commit), the speed-up against one instance, the items each
process stored, and that every message became one item.

This machine has 2 cores: past 2 instances the parsers (one worker process per instance)
compete for the same cores, so the figures show what the design allows here, not a ceiling.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import text  # noqa: E402

from bench.ingest import make_messages  # noqa: E402
from tests.pg import PgCluster  # noqa: E402
from tests.procs import Tinbai, env_for, imap_mailbox, write_config  # noqa: E402
from tests.servers import DovecotServer  # noqa: E402
from tinbai.queue.db import make_engine  # noqa: E402


def one(k: int, raws: list[bytes], server: DovecotServer, cluster: PgCluster, mailboxes: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"tinbai-bench-scaleout-{k}-"))
    users = [server.new_user()[0] for _ in range(mailboxes)]
    for i, raw in enumerate(raws):
        server.append(users[i % mailboxes], "INBOX", raw)
    url = cluster.new_database("scaleout")
    config = write_config(work, mailboxes={f"m{j:02d}": imap_mailbox(server, u) for j, u in enumerate(users)},
                          database_url=url, log_level="WARNING")
    env = env_for(server)
    # the schema first, so that k processes do not all run the migration at once
    Tinbai(config, env, work / "migrate.log").start("status").wait(120)
    procs = [Tinbai(config, env, work / f"run{i}.log") for i in range(k)]
    started = time.perf_counter()
    for p in procs:
        p.start("run", "--once")
    codes = [p.wait(3600) for p in procs]
    wall = time.perf_counter() - started
    if any(codes):
        raise SystemExit(f"a run --once failed: {codes}\n{procs[codes.index(next(c for c in codes if c))].log()[-3000:]}")
    per = [int(m.group(1)) if (m := re.search(r"Đã xử lý: (\d+) mục mới", p.log())) else -1 for p in procs]
    engine = make_engine(url)
    with engine.connect() as conn:
        n_items, n_msgid = conn.execute(text("SELECT count(*), count(DISTINCT message_id) FROM item")).one()
        first, last = conn.execute(text("SELECT extract(epoch FROM min(created_at)), "
                                        "extract(epoch FROM max(created_at)) FROM item")).one()
    engine.dispose()
    assert n_items == n_msgid == len(raws), (n_items, n_msgid, len(raws))
    span = float(last - first) or wall
    return {"k": k, "wall": wall, "rate": len(raws) / span, "wall_rate": len(raws) / wall, "per": per}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=400)
    p.add_argument("--mailboxes", type=int, default=20)
    p.add_argument("--instances", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    print(f"generating {a.n} messages…", flush=True)
    raws = [raw for _kind, raw in make_messages(a.n, a.seed)]
    results = []
    with DovecotServer(pool_size=a.mailboxes * len(a.instances) + 5) as server:
        cluster = PgCluster().start()
        try:
            for k in a.instances:
                r = one(k, raws, server, cluster, a.mailboxes)
                results.append(r)
                print(f"  {k} instance(s): {r['wall']:.1f} s, {r['rate']:.1f} msg/s; items per instance {r['per']}",
                      flush=True)
        finally:
            cluster.close()
    base = results[0]
    print(f"\nscale-out, {a.n} messages over {a.mailboxes} mailboxes, PostgreSQL, `run --once` × k:")
    print(f"  {'k':>2s} {'wall s':>7s} {'msg/s':>7s} {'speed-up':>9s}  items per instance")
    for r in results:
        print(f"  {r['k']:2d} {r['wall']:7.1f} {r['rate']:7.1f} {r['rate'] / base['rate']:8.2f}×  {r['per']}")
    print("  (msg/s over the ingest, first to last queue commit; every message one item in each run)")


if __name__ == "__main__":
    main()
