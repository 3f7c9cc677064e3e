"""What every command shares: the user's mistakes as one line, times read and printed in the
configured zone, logging."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from zoneinfo import ZoneInfo


class UsageError(Exception):
    """A user's mistake on the command line: one line, exit 2."""


def parse_time(value: str, what: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 time from the command line; without an offset, a wall-clock time in `zone`."""
    try:
        dt = datetime.fromisoformat(value.strip())  # 3.11 reads "Z" itself
    except ValueError:
        raise UsageError(f"{what}: {value!r} is not a time like 2026-04-28T09:00:00+07:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=zone)


def fmt(value: str | None, zone: ZoneInfo) -> str:
    if not value:
        return "—"
    return datetime.fromisoformat(value).astimezone(zone).strftime("%H:%M %d/%m/%Y")


def setup_logging(level: str, quiet: bool = False) -> None:
    logging.basicConfig(level=logging.WARNING if quiet else getattr(logging, level),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("PIL", "fontTools", "pyhanko", "apscheduler.executors", "mailparser", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
