"""`main.py status`: each mailbox's health, the SMTP server's, the queue's and the outbox's size,
and the emails given up. Exits 0 when all is read and sent, 1 otherwise (for a monitor)."""

from __future__ import annotations

import argparse

from sqlmodel import func, select

from tinbai.cli.common import fmt
from tinbai.config import Config
from tinbai.ingest.sources import is_failing, is_stale
from tinbai.notifier.outage import SMTP
from tinbai.queue.db import read_session
from tinbai.queue.models import Item, MailboxState, Outbox, ServiceState
from tinbai.queue.schema import open_db

FAILED_SHOWN = 20  # emails given up listed one a line; the rest counted


def run(cfg: Config, args: argparse.Namespace) -> int:
    engine = open_db(cfg)
    zone = cfg.settings.zone
    troubles = []
    with read_session(engine) as s:
        print(f"{'Hộp thư':14s} {'Lần kiểm tra tốt gần nhất':26s} {'Tồn':>5s}  Lỗi gần nhất")
        for name, box in cfg.mailboxes.items():
            st = s.get(MailboxState, name) or MailboxState(name=name)
            ok = fmt(st.last_check_ok_at.isoformat(), zone) if st.last_check_ok_at else "chưa lần nào"
            err = f"{fmt(st.last_error_at.isoformat(), zone)}: {st.last_error}" if st.last_error else "—"
            flag = ""
            if is_stale(st, box):
                flag = "  ⚠ quá lâu chưa kiểm tra"
            elif is_failing(st):
                flag = "  ⚠ đang lỗi"
            if flag:
                troubles.append(f"hộp thư {name}")
            print(f"{name:14s} {ok:26s} {st.backlog:5d}  {err}{flag}")
        by_state = dict(s.exec(select(Item.state, func.count()).group_by(Item.state)).all())
        print("Hàng đợi: " + (", ".join(f"{k}: {v}" for k, v in sorted(by_state.items())) or "trống"))
        out = dict(s.exec(select(Outbox.status, func.count()).group_by(Outbox.status)).all())
        print("Thư đi:   " + (", ".join(f"{k}: {v}" for k, v in sorted(out.items())) or "chưa có"))
        smtp = s.get(ServiceState, SMTP)
        if smtp is not None and smtp.down_since is not None:
            troubles.append("máy chủ SMTP")
            print(f"Máy chủ SMTP: không nhận thư từ {fmt(smtp.down_since.isoformat(), zone)}: {smtp.last_error} "
                  f"(thư chờ gửi ngay khi máy chủ trả lời)")
        failed = list(s.exec(select(Outbox).where(Outbox.status == "failed").order_by(Outbox.id).limit(FAILED_SHOWN)))
        if failed:
            troubles.append("thư gửi không được")
            print("Thư gửi không được (gửi lại: main.py outbox retry ID hoặc --all-failed):")
            for row in failed:
                item = f" (mục #{row.item_id})" if row.item_id else ""
                print(f"  #{row.id}{item} tới {row.to_addrs}: {row.last_error or '—'}")
            if out.get("failed", 0) > len(failed):
                print(f"  … và {out['failed'] - len(failed)} thư khác")
    if troubles:
        print("Cần xem: " + ", ".join(troubles))
        return 1
    return 0
