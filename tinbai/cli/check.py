"""`main.py check FILE.eml --profile ID`: the check report of one message; writes nothing."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from tinbai.calendar import WorkCalendar
from tinbai.cli.common import UsageError, fmt, parse_time
from tinbai.config import Config
from tinbai.message import parse_message
from tinbai.pipeline import check

VERDICTS = {"accept": "Đề xuất tiếp nhận", "needs_correction": "Cần người gửi sửa, bổ sung",
            "quarantine": "Cách ly: tệp có thể gây hại hoặc tài liệu mật"}


def run(cfg: Config, args: argparse.Namespace) -> int:
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
    """The report as a reviewer reads it (also `queue show`)."""
    prof = cfg.profiles.get(rep["profile"])
    zone = cfg.settings.zone
    s = rep["sender"]
    cat = prof.categories.get(rep["category"]).label if prof and rep["category"] in prof.categories else rep["category"]
    print(f"Tiêu đề:    {rep['subject']}")
    print(f"Người gửi:  {s['name'] or '—'} <{s['address'] or '—'}>")
    print(f"            {s['title'] or '—'} · {s['unit'] or '—'} · ĐT {s['phone'] or '—'} · {s['postal_address'] or '—'}")
    print(f"Loại tin:   {cat}")
    anchor = rep["anchor"]
    print(f"Mốc tính:   {anchor['kind']} {fmt(anchor['at'], zone)}")
    print(f"Thời hạn:   {fmt(rep['deadline'], zone)}")
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
    print(f"Kết luận:   {VERDICTS.get(rep['verdict'], rep['verdict'])}")


def _flat(atts: list[dict]):
    for a in atts:
        yield a
        yield from _flat(a.get("children") or [])
