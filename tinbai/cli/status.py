"""`main.py status`: each mailbox's health, the queue's and the outbox's size."""

from __future__ import annotations

import argparse

from sqlmodel import Session, func, select

from tinbai.cli.common import fmt
from tinbai.config import Config
from tinbai.ingest.sources import is_stale
from tinbai.queue.db import open_db
from tinbai.queue.models import Item, MailboxState, Outbox


def run(cfg: Config, args: argparse.Namespace) -> int:
    engine = open_db(cfg)
    zone = cfg.settings.zone
    with Session(engine) as s:
        print(f"{'Hộp thư':14s} {'Lần kiểm tra tốt gần nhất':26s} {'Tồn':>5s}  Lỗi gần nhất")
        for name, box in cfg.mailboxes.items():
            st = s.get(MailboxState, name) or MailboxState(name=name)
            ok = fmt(st.last_check_ok_at.isoformat(), zone) if st.last_check_ok_at else "chưa lần nào"
            err = f"{fmt(st.last_error_at.isoformat(), zone)}: {st.last_error}" if st.last_error else "—"
            flag = "  ⚠ quá lâu chưa kiểm tra" if is_stale(st, box) else ""
            print(f"{name:14s} {ok:26s} {st.backlog:5d}  {err}{flag}")
        by_state = dict(s.exec(select(Item.state, func.count()).group_by(Item.state)).all())
        print("Hàng đợi: " + (", ".join(f"{k}: {v}" for k, v in sorted(by_state.items())) or "trống"))
        out = dict(s.exec(select(Outbox.status, func.count()).group_by(Outbox.status)).all())
        print("Thư đi:   " + (", ".join(f"{k}: {v}" for k, v in sorted(out.items())) or "chưa có"))
    return 0
