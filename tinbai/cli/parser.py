"""The command line's grammar: argparse only, so that building it costs nothing."""

from __future__ import annotations

import argparse

from tinbai.roles import ROLES


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py", description="tinbai: hộp thư tiếp nhận tin, bài")
    p.add_argument("--config", help="config file (default: config.toml, or $TINBAI_CONFIG)")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="check one .eml against a profile; writes nothing")
    c.add_argument("message")
    c.add_argument("--profile", required=True)
    c.add_argument("--received", help="when the mailbox received it (ISO 8601)")
    c.add_argument("--json", action="store_true")

    r = sub.add_parser("run", help="the daemon")
    r.add_argument("--once", action="store_true", help="ingest what waits, process it, exit")
    r.add_argument("--now", help="a fixed clock (ISO 8601), for trying the schedule")
    r.add_argument("--no-web", action="store_true", help="do not serve the review pages")

    sub.add_parser("status", help="mailboxes' health and the queue's size")

    q = sub.add_parser("queue", help="the queue")
    qs = q.add_subparsers(dest="queue_cmd", required=True)
    ql = qs.add_parser("list")
    ql.add_argument("--state")
    ql.add_argument("--profile")
    qsh = qs.add_parser("show")
    qsh.add_argument("id", type=int)
    qe = qs.add_parser("export")
    qe.add_argument("--json", action="store_true", required=True)
    qr = qs.add_parser("retry")
    qr.add_argument("id", type=int)
    qs.add_parser("reindex-duplicates", help="chỉ mục trùng lặp của các mục lưu trước khi có quy tắc câu chung "
                                             "(items stored before the boilerplate rule)")

    ob = sub.add_parser("outbox", help="thư đi (outgoing emails)")
    obs = ob.add_subparsers(dest="outbox_cmd", required=True)
    obr = obs.add_parser("retry", help="gửi lại thư đã gửi không được (send failed emails again)")
    obr.add_argument("ids", type=int, nargs="*", metavar="ID")
    obr.add_argument("--all-failed", action="store_true", help="mọi thư gửi không được")

    rm = sub.add_parser("reminders", help="which reminder emails would go out at a given time; writes nothing")
    rm.add_argument("--at", help="the time (ISO 8601, e.g. 2026-04-29T16:00:00+07:00); default: now")
    rm.add_argument("--json", action="store_true")

    ru = sub.add_parser("rules", help="the rules in force for a profile: code, severity, article, how to fix")
    ru.add_argument("--profile", help="one profile (default: all)")
    ru.add_argument("--json", action="store_true")
    ru.add_argument("--markdown", action="store_true", help="the table of every profile, as docs/rules.md")

    d = sub.add_parser("demo", help="fill the local mailboxes with samples, process them, serve the pages")
    d.add_argument("--no-serve", action="store_true", help="process and exit, do not serve the pages")
    d.add_argument("--port", type=int, default=None)

    rp = sub.add_parser("report", help="thống kê, bảng kê nhuận bút (statistics, royalty sheet)")
    rps = rp.add_subparsers(dest="report_cmd", required=True)
    for name, what in (("stats", "thống kê tiếp nhận, xử lý tin, bài"), ("royalties", "bảng kê nhuận bút (.xlsx)")):
        x = rps.add_parser(name, help=what)
        x.add_argument("--profile", required=True)
        x.add_argument("--period", required=True, help="2026-11, 2026-Q4, 2026-H1, 2026 or 2026-11-01..2026-11-20")
        x.add_argument("-o", "--output", help="the file to write (- for standard output)")
        if name == "stats":
            x.add_argument("--format", choices=["xlsx", "docx", "csv", "json"], default="xlsx")

    u = sub.add_parser("user", help="tài khoản của Ban Biên tập (accounts of the board)")
    us = u.add_subparsers(dest="user_cmd", required=True)
    a = us.add_parser("add", help="tạo tài khoản; in mật khẩu dùng một lần")
    a.add_argument("--email", required=True)
    a.add_argument("--role", required=True, choices=list(ROLES))
    a.add_argument("--profile", action="append", default=[],
                   help="mã hồ sơ (lặp lại, hoặc cách nhau bằng dấu phẩy); * cho mọi hồ sơ")
    a.add_argument("--name", help="họ tên hiển thị")
    ud = us.add_parser("disable", help="vô hiệu hóa tài khoản")
    ud.add_argument("--email", required=True)
    ur = us.add_parser("reset", help="cấp mật khẩu dùng một lần mới, mở lại tài khoản; kết thúc các phiên đăng nhập")
    ur.add_argument("--email", required=True)
    us.add_parser("list", help="liệt kê tài khoản")
    return p
