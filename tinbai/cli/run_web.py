"""`main.py run`: the daemon, serving the review pages in its main thread.

A module of its own (tinbai.cli picks it for `run` without --once or --no-web) so that only this
way of running loads the web server.
"""

from __future__ import annotations

import argparse

from tinbai.cli.run import start_daemon
from tinbai.config import Config
from tinbai.web.serve import serve


def run(cfg: Config, args: argparse.Namespace) -> int:
    daemon = start_daemon(cfg, args)
    daemon.run_forever(serve_pages=lambda analyser: serve(cfg, daemon.engine, analyser=analyser))
    return 0
