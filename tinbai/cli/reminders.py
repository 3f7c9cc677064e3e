"""`main.py reminders [--at ISO] [--json]`: what the reminder job and the board's periodic duties
(chasing the units, the daily posting duty) would send then; writes nothing. With --json the
reminders' rows come first, then the duties' (they have a "job" key)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from tinbai.cli.common import fmt, parse_time
from tinbai.config import Config
from tinbai.duties.jobs import duties_at
from tinbai.notifier.preview import reminders_at
from tinbai.notifier.reminder_mail import KIND_LABELS
from tinbai.queue.schema import open_db


def run(cfg: Config, args: argparse.Namespace) -> int:
    zone = cfg.settings.zone
    at = parse_time(args.at, "--at", zone) if args.at else datetime.now(UTC)
    engine = open_db(cfg)
    rows = reminders_at(engine, cfg, at)
    duties = duties_at(engine, cfg, at)
    if args.json:
        print(json.dumps(rows + duties, ensure_ascii=False, indent=2))
        return 0
    when = at.astimezone(zone).strftime("%H:%M %d/%m/%Y")
    _print_duties(duties, when)
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


JOB_LABELS = {"chasing": "Đôn đốc định mức", "daily_post": "Nhiệm vụ đăng tin hằng ngày"}


def _print_duties(duties: list[dict], when: str) -> None:
    if not duties:
        return
    print(f"Lúc {when}, việc định kỳ của Ban Biên tập sẽ gửi {len(duties)} thư:")
    for d in duties:
        print(f"  {d['profile']:17s} {JOB_LABELS.get(d['job'], d['job']):28s} {d['period']:10s} "
              f"{', '.join(d['recipients']):40s} {d['email_subject']}")
    print()
