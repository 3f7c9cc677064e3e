"""python main.py demo: the product at work within a minute, on embedded defaults.

Fills the local Maildir mailboxes with sample submissions that tinbai makes
itself, processes them as the daemon does, prints what happened and where to
look, then keeps serving the review pages (unless --no-serve).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime

from sqlmodel import Session, select

from tinbai.config import Config
from tinbai.daemon import Daemon
from tinbai.demo_history import add_history
from tinbai.demo_samples import samples
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.queue.models import Item, Outbox
from tinbai.queue.schema import open_db
from tinbai.web.serve import serve_demo

VERDICT = {"accept": "tiếp nhận", "needs_correction": "cần sửa", "quarantine": "CÁCH LY"}


def run_demo(cfg: Config, *, serve: bool = True, port: int | None = None) -> int:
    started = time.monotonic()
    zone = cfg.settings.zone
    now = datetime.now(zone)
    engine = open_db(cfg)
    boxes = {cfg.profiles[p].mailbox: p for p in cfg.profiles if cfg.profiles[p].mailbox}
    by_profile = {p: b for b, p in boxes.items()}
    marker = cfg.resolve(cfg.settings.var_dir) / ".demo-samples"
    made = [] if marker.exists() else samples(now)
    for s in made:
        box = cfg.mailboxes[by_profile[s.profile]]
        if box.kind != "maildir":
            print(f"Bỏ qua mẫu của {s.profile}: hộp thư của hồ sơ này không phải Maildir cục bộ", file=sys.stderr)
            continue
        MaildirMailbox(cfg.resolve(box.path)).add(s.raw, s.received_at)
    if made:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(now.isoformat(), encoding="utf-8")
        print(f"Đã đặt {len(made)} thư mẫu vào các hộp thư cục bộ (var/mail/…). Đang xử lý…", flush=True)
    else:
        print("Các thư mẫu đã có từ lần chạy trước (xóa thư mục var/ để làm lại từ đầu). Đang xử lý…", flush=True)

    history = add_history(cfg, engine, now)
    if history:
        print(f"Đã thêm {history} tin, bài của 30 ngày qua (đã xử lý) cho trang Thống kê.", flush=True)
    daemon = Daemon(cfg, engine)
    totals = daemon.run_once()
    with Session(engine) as s:
        items = list(s.exec(select(Item).order_by(Item.id)))
        sent = s.exec(select(Outbox).where(Outbox.status == "sent")).all()
    print()
    print(f"{'Mã':16s} {'Hồ sơ':17s} {'Loại':10s} {'Hạn xử lý':17s} {'Đề xuất':9s} Vấn đề")
    for it in items:
        rep = json.loads(it.report_json or "{}")
        codes = ", ".join(sorted({p["code"] for p in rep.get("problems", [])})) or "—"
        due = it.deadline.astimezone(zone).strftime("%H:%M %d/%m/%Y") if it.deadline else "—"
        print(f"{it.tracking_code or '#' + str(it.id):16s} {it.profile:17s} {(it.category or '-'):10s} {due:17s} "
              f"{VERDICT.get(it.verdict or '', it.state):9s} {codes}")
    print()
    print(f"Xong trong {time.monotonic() - started:.0f} giây: {totals['created']} mục mới, "
          f"{len(sent)} thư báo đã gửi.")
    outbox = cfg.resolve(cfg.smtp.directory) if cfg.smtp.kind == "directory" else None
    print("Xem tiếp:")
    print("  .venv/bin/python main.py queue list          # hàng đợi")
    print("  .venv/bin/python main.py queue show ID       # một mục và báo cáo kiểm tra")
    print("  .venv/bin/python main.py status              # tình trạng các hộp thư")
    if outbox:
        print(f"  {outbox}/                  # thư báo nhận, đề nghị sửa (.eml)")
    if not serve:
        return 0
    serve_demo(cfg, engine, port)
    return 0
