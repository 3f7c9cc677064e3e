"""`main.py user add / disable / reset / list`: the board's accounts."""

from __future__ import annotations

import argparse

from tinbai.config import Config
from tinbai.web.users import run_user_command


def run(cfg: Config, args: argparse.Namespace) -> int:
    return run_user_command(cfg, args)
