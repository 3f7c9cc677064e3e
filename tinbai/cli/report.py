"""`main.py report stats --profile ID --period 2026-11 [--format xlsx|docx|csv|json] [-o FILE]` and
`main.py report royalties --profile ID --period 2026-11 [-o FILE]`: the board's statistics and the
month's royalty sheet from the queue. Without -o the file is written in the current folder
(json and csv: printed)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from tinbai.cli.common import UsageError
from tinbai.config import Config
from tinbai.duties.periods import PeriodError, parse_period
from tinbai.duties.service import file_name, royalties_file, royalties_for, statistics_file, statistics_for
from tinbai.queue.schema import open_db


def run(cfg: Config, args: argparse.Namespace) -> int:
    profile = cfg.profile(args.profile)  # ConfigError (exit 2) for an unknown profile
    try:
        period = parse_period(args.period)
    except PeriodError as e:
        raise UsageError(f"--period: {e}") from None
    engine = open_db(cfg)
    now = datetime.now(UTC)
    with Session(engine) as s:
        if args.report_cmd == "royalties":
            if profile.duties.royalties is None:
                print(f"Lưu ý: hồ sơ {profile.id} chưa có bảng hệ số nhuận bút ([profiles.{profile.id}.duties."
                      "royalties]); bảng kê không có hệ số, không tính tiền.", file=sys.stderr)
            sheet = royalties_for(s, cfg, profile.id, period)
            data, fmt, summary = royalties_file(sheet, cfg), "xlsx", (
                f"{len(sheet.lines)} tin, bài đã đăng; tổng {sheet.total_points:g} điểm"
                + (f", {sheet.total_amount:,} đồng".replace(",", ".") if sheet.total_amount is not None else ""))
            kind = "nhuan-but"
        else:
            stats = statistics_for(s, cfg, profile.id, period, now)
            fmt = args.format
            data, t = statistics_file(stats, fmt, cfg), stats.total
            summary = (f"tiếp nhận {t.received}, duyệt {t.accepted}, đã đăng {t.published}, trả lại {t.returned}, "
                       f"từ chối {t.refused}, gửi muộn {t.late_on_arrival}, xử lý quá hạn {t.handled_late}")
            kind = "thong-ke"
    if args.output == "-" or (args.output is None and fmt in ("json", "csv")):
        sys.stdout.buffer.write(data)
        return 0
    out = Path(args.output or file_name(kind, profile.id, period, fmt))
    try:
        out.write_bytes(data)
    except OSError as e:
        raise UsageError(f"-o: không ghi được {out}: {e.strerror or e}") from None
    print(f"{profile.agency}, {period.label}: {summary}.")
    print(f"Đã ghi {out}")
    return 0
