"""`main.py outbox retry [ID ...|--all-failed]`: emails given up, made due again.

The daemon's outbox thread (or the pages' courier) sends them within seconds; each keeps the
Message-ID it was given when queued, so a recipient who did get an earlier copy sees one email.
"""

from __future__ import annotations

import argparse

from tinbai.cli.common import UsageError
from tinbai.config import Config
from tinbai.notifier.delivery import retry_failed
from tinbai.queue.schema import open_db


def run(cfg: Config, args: argparse.Namespace) -> int:
    if bool(args.ids) == bool(args.all_failed):
        raise UsageError("outbox retry: give the ids of emails (see `main.py status`) or --all-failed")
    engine = open_db(cfg)
    done = retry_failed(engine, None if args.all_failed else args.ids)
    missing = sorted(set(args.ids or ()) - set(done))
    if done:
        print(f"Sẽ gửi lại {len(done)} thư: " + ", ".join(f"#{i}" for i in sorted(done)))
    else:
        print("Không có thư nào gửi không được.")
    if missing:
        raise UsageError("không có thư gửi không được mang số: " + ", ".join(f"#{i}" for i in missing))
    return 0
