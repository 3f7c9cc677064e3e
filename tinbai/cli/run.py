"""`main.py run --once` and `main.py run --no-web`: the daemon without the review pages
(`main.py run` with them is tinbai.cli.run_web).

`run --once` exits 1 with a one-line summary when a mailbox or the SMTP server could not be
reached (2 when that is the configuration's fault: a password's variable not set), after
processing everything it could reach: a cron job's mail then says what to look at."""

from __future__ import annotations

import argparse
import gc
import sys

from tinbai.cli.common import parse_time
from tinbai.config import Config
from tinbai.daemon import Daemon
from tinbai.queue.db import open_db_apart


def start_daemon(cfg: Config, args: argparse.Namespace) -> Daemon:
    now = parse_time(args.now, "--now", cfg.settings.zone) if args.now else None
    daemon = Daemon(cfg, open_db_apart(cfg), now=now)
    # Hundreds of thousands of objects made by the imports live as long as the process: the
    # garbage collector's full passes walked all of them again and again while messages were
    # stored. Frozen, it looks only at what the work makes.
    gc.freeze()
    return daemon


def run(cfg: Config, args: argparse.Namespace) -> int:
    daemon = start_daemon(cfg, args)
    if args.once:
        totals = daemon.run_once(progress=_progress if sys.stderr.isatty() else None)
        print(f"Đã xử lý: {totals['created']} mục mới, {totals['failed']} lỗi, "
              f"{totals['sent']} thư đã gửi, {totals['errors']} hộp thư lỗi kết nối")
        if totals["unreachable"]:
            # what was read was processed; what could not be reached is the exit code's news
            print("error: không kết nối được: " + "; ".join(totals["unreachable"]), file=sys.stderr)
            return 2 if totals["config_error"] else 1
        return 0
    daemon.run_forever()
    return 0


def _progress(name: str, i: int, n: int) -> None:
    print(f"\r{name}: {i}/{n}", end="" if i < n else "\n", file=sys.stderr, flush=True)
