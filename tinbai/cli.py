"""python main.py <command>: the command line of tinbai.

Every error a user can cause (a missing file, an unknown profile, a wrong
config value) is one clear line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tinbai.config import Config, ConfigError, load_config
from tinbai.procmem import give_big_buffers_back
from tinbai.queue.states import FAILED
from tinbai.rules.table import markdown, rule_rows
from tinbai.web.user_args import add_user_commands

log = logging.getLogger("tinbai")


class UsageError(Exception):
    """A user's mistake on the command line: one line, exit 2."""


def parse_time(value: str, what: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 time from the command line; without an offset, a wall-clock time in `zone`."""
    try:
        dt = datetime.fromisoformat(value.strip())  # 3.11 reads "Z" itself
    except ValueError:
        raise UsageError(f"{what}: {value!r} is not a time like 2026-04-28T09:00:00+07:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=zone)


def setup_logging(level: str, quiet: bool = False) -> None:
    logging.basicConfig(level=logging.WARNING if quiet else getattr(logging, level),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("pdfminer", "PIL", "fontTools", "pyhanko", "apscheduler.executors", "mailparser", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# ---------------------------------------------------------------- check
def cmd_check(cfg: Config, args: argparse.Namespace) -> int:
    # the parsers, the checks and the calendar load only for `check` (and the daemon); main.py is
    # also what the parsers' sandbox fork server imports first, so this module's own imports stay few
    from tinbai.calendar import WorkCalendar
    from tinbai.message import parse_message
    from tinbai.pipeline import check

    profile = cfg.profile(args.profile)
    path = Path(args.message)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a message file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror}") from None
    if args.received:
        received = parse_time(args.received, "--received", cfg.settings.zone)
    else:
        received = parse_message(raw).date or datetime.now(UTC)
    report = check(raw, profile, received.astimezone(cfg.settings.zone),
                   calendar=WorkCalendar.for_profile(profile, cfg))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report.to_dict(), cfg)
    return 0


def print_report(rep: dict, cfg: Config) -> None:
    prof = cfg.profiles.get(rep["profile"])
    verdicts = {"accept": "Đề xuất tiếp nhận", "needs_correction": "Cần người gửi sửa, bổ sung",
                "quarantine": "Cách ly: tệp có thể gây hại"}
    s = rep["sender"]
    cat = prof.categories.get(rep["category"]).label if prof and rep["category"] in prof.categories else rep["category"]
    print(f"Tiêu đề:    {rep['subject']}")
    print(f"Người gửi:  {s['name'] or '—'} <{s['address'] or '—'}>")
    print(f"            {s['title'] or '—'} · {s['unit'] or '—'} · ĐT {s['phone'] or '—'} · {s['postal_address'] or '—'}")
    print(f"Loại tin:   {cat}")
    anchor = rep["anchor"]
    print(f"Mốc tính:   {anchor['kind']} {fmt(anchor['at'], cfg.settings.zone)}")
    print(f"Thời hạn:   {fmt(rep['deadline'], cfg.settings.zone)}")
    for a in _flat(rep["attachments"]):
        bits = [a["detected_type"]]
        if a.get("text_encoding"):
            bits.append(a["text_encoding"])
        if a.get("red_stamp") is not None:
            bits.append("có dấu đỏ" if a["red_stamp"] else "không dấu đỏ")
        if a.get("digital_signature"):
            bits.append("có chữ ký số")
        print(f"Tệp:        {a.get('path') or a['filename']} ({', '.join(bits)}, {a['size']:,} byte)")
    if rep["problems"]:
        print("Vấn đề:")
        for p in rep["problems"]:
            where = f" [{p['attachment']}]" if p["attachment"] else ""
            art = f" ({p['article']})" if p.get("article") else ""
            print(f"  - {p['severity']:8s} {p['code']}{where}: {p['detail']}{art}")
    else:
        print("Vấn đề:     không có")
    print(f"Kết luận:   {verdicts.get(rep['verdict'], rep['verdict'])}")


def _flat(atts: list[dict]):
    for a in atts:
        yield a
        yield from _flat(a.get("children") or [])


def fmt(value: str | None, zone: ZoneInfo) -> str:
    if not value:
        return "—"
    return datetime.fromisoformat(value).astimezone(zone).strftime("%H:%M %d/%m/%Y")


# ---------------------------------------------------------------- daemon
# Each of the following commands loads the subsystems it needs when it runs: `check`, the
# contract's command, must not pay for the database, the daemon or the web server.
def cmd_run(cfg: Config, args: argparse.Namespace) -> int:
    # the daemon: mailboxes, parsers, scheduler, database
    from tinbai.daemon import Daemon
    from tinbai.queue.db import open_db

    now = parse_time(args.now, "--now", cfg.settings.zone) if args.now else None
    engine = open_db(cfg)
    daemon = Daemon(cfg, engine, now=now)
    if args.once:
        totals = daemon.run_once(progress=_progress if sys.stderr.isatty() else None)
        print(f"Đã xử lý: {totals['created']} mục mới, {totals['failed']} lỗi, "
              f"{totals['sent']} thư đã gửi, {totals['errors']} hộp thư lỗi kết nối")
        return 0
    daemon.run_forever(web=not args.no_web)
    return 0


def _progress(name: str, i: int, n: int) -> None:
    print(f"\r{name}: {i}/{n}", end="" if i < n else "\n", file=sys.stderr, flush=True)


def cmd_status(cfg: Config, args: argparse.Namespace) -> int:
    # the database, and the mailboxes' health
    from sqlmodel import Session, func, select

    from tinbai.ingest.sources import is_stale
    from tinbai.queue.db import open_db
    from tinbai.queue.models import Item, MailboxState, Outbox

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


# ---------------------------------------------------------------- queue
def cmd_queue(cfg: Config, args: argparse.Namespace) -> int:
    # the database
    from sqlmodel import Session, select

    from tinbai.queue.db import open_db
    from tinbai.queue.models import Item, ProblemRow

    engine = open_db(cfg)
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
                    "profile": it.profile, "error": it.error,
                    "report": json.loads(it.report_json or "{}")} for it in items]
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return 0
        item = s.get(Item, args.id)
        if item is None:
            raise UsageError(f"no queue item #{args.id}")
        if args.queue_cmd == "show":
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
    if args.queue_cmd == "retry":
        return _retry(cfg, engine, args.id)
    return 2


def _retry(cfg: Config, engine, item_id: int) -> int:
    """`queue retry ID`: a failed item processed again from its archived message."""
    # the ingest (parsers and checks) loads only for a retry, not for list/show/export
    from tinbai.ingest.runner import Ingestor

    ing = Ingestor(cfg, engine)
    try:
        outcome = ing.retry(item_id)
    except (LookupError, ValueError) as e:
        raise UsageError(str(e)) from None
    finally:
        ing.close()
    print(f"#{outcome.item_id}: " + ("vẫn lỗi, xem `queue show`" if outcome.failed else "đã xử lý lại thành công"))
    return 1 if outcome.failed else 0


# ---------------------------------------------------------------- reminders
def cmd_reminders(cfg: Config, args: argparse.Namespace) -> int:
    """What the reminder job would send at --at (default: now); writes nothing."""
    # the database and the reminders' planning
    from tinbai.notifier.preview import reminders_at
    from tinbai.notifier.reminder_mail import KIND_LABELS
    from tinbai.queue.db import open_db

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


# ---------------------------------------------------------------- demo
def cmd_demo(cfg: Config, args: argparse.Namespace) -> int:
    # the samples, the daemon and (unless --no-serve) the pages
    from tinbai.demo import run_demo

    return run_demo(cfg, serve=not args.no_serve, port=args.port)


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
    add_user_commands(sub)
    return p


def cmd_user(cfg: Config, args: argparse.Namespace) -> int:
    # the accounts (their password hashing lives with the pages' login) and the database
    from tinbai.web.users import run_user_command

    return run_user_command(cfg, args)


def cmd_rules(cfg: Config, args: argparse.Namespace) -> int:
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


COMMANDS = {"check": cmd_check, "rules": cmd_rules, "run": cmd_run, "status": cmd_status, "queue": cmd_queue, "demo": cmd_demo,
            "reminders": cmd_reminders, "user": cmd_user}


def main(argv: list[str] | None = None) -> int:
    give_big_buffers_back()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        cfg = load_config(args.config)
        setup_logging(cfg.settings.log_level, quiet=args.command in ("check", "queue", "status", "reminders", "user", "rules"))
        return COMMANDS[args.command](cfg, args)
    except (ConfigError, UsageError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # the last guard: one line for the user, details in the log
        log.debug("unexpected error", exc_info=True)
        print(f"error: {type(e).__name__}: {e} (chạy lại với log_level = \"DEBUG\" để xem chi tiết)", file=sys.stderr)
        return 1
