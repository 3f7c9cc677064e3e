"""`main.py rules [--profile ID] [--json | --markdown]`: the rules in force, as the board reads them."""

from __future__ import annotations

import argparse
import json

from tinbai.config import Config
from tinbai.rules.table import markdown, rule_rows


def run(cfg: Config, args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown(cfg), end="")
        return 0
    profiles = [cfg.profile(args.profile)] if args.profile else list(cfg.profiles.values())
    if args.json:
        tables = [{"profile": p.id, "rules": rule_rows(p)} for p in profiles]
        print(json.dumps(tables[0] if args.profile else tables, ensure_ascii=False, indent=2))
        return 0
    for p in profiles:
        print(f"{p.id}: {p.agency}")
        for row in rule_rows(p):
            print(f"  {row['code']:34s} {row['severity']:8s} {row['article'] or '—':14s} {row['checks']}")
            print(f"  {'':34s} Cách sửa: {row['fix']}")
    return 0
