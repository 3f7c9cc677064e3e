"""`main.py queue list / show ID / export --json / retry ID / reindex-duplicates`: the queue from the
command line."""

from __future__ import annotations

import argparse
import json

from sqlmodel import Session, select

from tinbai.cli.check import print_report
from tinbai.cli.common import UsageError, fmt
from tinbai.config import Config
from tinbai.ingest.runner import Ingestor
from tinbai.queue.models import Item, ProblemRow
from tinbai.queue.reindex import reindex
from tinbai.queue.schema import open_db
from tinbai.queue.states import FAILED


def run(cfg: Config, args: argparse.Namespace) -> int:
    engine = open_db(cfg)
    if args.queue_cmd == "retry":
        return _retry(cfg, engine, args.id)
    if args.queue_cmd == "reindex-duplicates":
        added, changed = reindex(engine, progress=print)
        print(f"Xong: {added} mục được ghi câu, {changed} mục được lập lại chữ ký so trùng.")
        return 0
    zone = cfg.settings.zone
    with Session(engine) as s:
        if args.queue_cmd == "list":
            q = select(Item).order_by(Item.id)
            if args.state:
                q = q.where(Item.state == args.state)
            if args.profile:
                q = q.where(Item.profile == args.profile)
            items = list(s.exec(q))
            if not items:
                print("Hàng đợi trống.")
            for it in items:
                print(f"#{it.id:<5d} {it.tracking_code or '':16s} {it.state:10s} {it.profile:17s} "
                      f"{(it.category or '-'):10s} hạn {fmt(it.deadline.isoformat(), zone) if it.deadline else '—':17s} "
                      f"{(it.verdict or '-'):16s} {it.subject[:60]}")
            return 0
        if args.queue_cmd == "export":
            items = list(s.exec(select(Item).order_by(Item.received_at, Item.id)))
            out = [{"id": it.id, "tracking_code": it.tracking_code, "state": it.state,
                    "message_id": it.message_id, "received_at": it.received_at.astimezone(zone).isoformat(),
                    "profile": it.profile, "channel": it.channel, "provider_unnamed": it.provider_unnamed,
                    "error": it.error,
                    "report": json.loads(it.report_json or "{}")} for it in items]
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return 0
        item = s.get(Item, args.id)
        if item is None:
            raise UsageError(f"no queue item #{args.id}")
        if item.state == FAILED:
            print(f"#{item.id} ({item.state}) {item.subject}\nLỗi xử lý:\n{item.error}")
            return 0
        rep = json.loads(item.report_json)
        print(f"#{item.id} {item.tracking_code} — trạng thái: {item.state}, bước: {item.step or '—'}")
        print_report(rep, cfg)
        probs = s.exec(select(ProblemRow).where(ProblemRow.item_id == item.id)).all()
        if len(probs) != len(rep.get("problems", [])):
            print(f"(trong cơ sở dữ liệu có {len(probs)} vấn đề)")
        return 0


def _retry(cfg: Config, engine, item_id: int) -> int:
    """`queue retry ID`: a failed item processed again from its archived message."""
    ing = Ingestor(cfg, engine)
    try:
        outcome = ing.retry(item_id)
    except (LookupError, ValueError) as e:
        raise UsageError(str(e)) from None
    finally:
        ing.close()
    print(f"#{outcome.item_id}: " + ("vẫn lỗi, xem `queue show`" if outcome.failed else "đã xử lý lại thành công"))
    return 1 if outcome.failed else 0
