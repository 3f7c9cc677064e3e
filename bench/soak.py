"""Soak: `main.py run` SIGKILLed at random moments while it ingests and sends, then restarted.

    .venv/bin/python bench/soak.py [-n 500] [--kills 12] [--seed S] [--db sqlite|pg]

The scenario of tests/test_faults.py (kill_restart_soak) with more messages and kills: half the
messages wait in a private Dovecot mailbox, the others arrive in a chunk per run while the
daemon runs; every other kill falls inside the ingest where the daemon is made to wait
(tinbai.faultpoint: an item's transaction open, or committed and not yet marked), the others
while it sends acknowledgements to a real SMTP server
(aiosmtpd, answering each message 30 ms after keeping it: a kill in that window is the crash
between the server's acceptance and marking the row sent). At the end, every message must be one queue item, every acknowledgement must have
reached the SMTP server under one Message-ID per item (a re-send of the same Message-ID after a
kill between the server's answer and marking the row is allowed), and every message must be
marked on the server. Prints the figures; exits non-zero if anything was lost or doubled.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from tests.servers import DovecotServer  # noqa: E402
from tests.test_faults import SlowSink, kill_restart_soak  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=500)
    p.add_argument("--kills", type=int, default=12)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    a = p.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    work = Path(tempfile.mkdtemp(prefix="tinbai-bench-soak-"))
    cluster = None
    with DovecotServer() as server, SlowSink() as sink:
        url = None
        if a.db == "pg":
            from tests.pg import PgCluster

            cluster = PgCluster().start()
            url = cluster.new_database()
        try:
            figures = kill_restart_soak(server, sink, work, n=a.n, kills=a.kills, seed=seed, database_url=url,
                                        say=lambda line: print(" ", line, flush=True))
        finally:
            if cluster is not None:
                cluster.close()
    print(f"\nsoak ({a.db}, seed {seed}): {a.n} messages, {a.kills} SIGKILLs "
          f"({figures['kills_mid_ingest']} while items were being stored), {figures['seconds']} s")
    print(f"  items: {figures['messages']}, each once; emails received: {figures['emails']} "
          f"({figures['resent_same_id']} re-sent under the same Message-ID); every message marked on the server")


if __name__ == "__main__":
    main()
