"""`main.py demo [--no-serve]`: what ./start runs (sample submissions, processed, the pages)."""

from __future__ import annotations

import argparse

from tinbai.config import Config
from tinbai.demo import run_demo


def run(cfg: Config, args: argparse.Namespace) -> int:
    return run_demo(cfg, serve=not args.no_serve, port=args.port)
