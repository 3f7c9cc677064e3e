"""`main.py reminders [--at ISO] [--json]`: what the reminder job would send then; writes nothing."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from tinbai.cli.common import fmt, parse_time
from tinbai.config import Config
from tinbai.notifier.preview import reminders_at
from tinbai.notifier.reminder_mail import KIND_LABELS
from tinbai.queue.db import open_db


def run(cfg: Config, args: argparse.Namespace) -> int:
    zone = cfg.settings.zone
    at = parse_time(args.at, "--at", zone) if args.at else datetime.now(UTC)
    rows = reminders_at(open_db(cfg), cfg, at)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    when = at.astimezone(zone).strftime("%H:%M %d/%m/%Y")
    if not rows:
        print(f"Lúc {when}: không có thư nhắc nào được gửi (ngoài giờ làm việc, hoặc chưa đến hạn nhắc).")
        return 0
    print(f"Lúc {when} sẽ gửi {len(rows)} thư nhắc:")
    print(f"{'Mã theo dõi':16s} {'Loại nhắc':16s} {'Nhắc từ':17s} {'Hạn xử lý':17s} {'Gửi tới':40s} Tiêu đề")
    for r in rows:
        label = KIND_LABELS.get(r["kind"], r["kind"])
        if r["overdue_days"]:
            label += f" ({r['overdue_days']} ngày)"
        print(f"{(r['tracking_code'] or '#' + str(r['item_id'])):16s} {label:16s} {fmt(r['due_at'], zone):17s} "
              f"{fmt(r['deadline'], zone):17s} {', '.join(r['recipients']):40s} {r['subject'][:60]}")
    return 0
