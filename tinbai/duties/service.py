"""The statistics and the royalty sheet of a profile and period, read from the queue, and their
files: what the CLI (`main.py report`) and the pages share.

The .xlsx and .docx files are made in a child process (tinbai.apart): their libraries (openpyxl,
python-docx) are never imported by the daemon, which serves the pages."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from tinbai.apart import run_apart
from tinbai.config import Config
from tinbai.duties.export_flat import statistics_csv, statistics_json
from tinbai.duties.periods import Period
from tinbai.duties.queries import item_records
from tinbai.duties.royalties import RoyaltySheet, royalty_sheet
from tinbai.duties.statistics import Statistics, compute
from tinbai.queue.directory import load_directory

# format -> (content type, what the file is called after)
FORMATS: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}

# made in a child process, by name (this process never imports them)
STATISTICS_XLSX = "tinbai.duties.export_xlsx:statistics_xlsx"
STATISTICS_DOCX = "tinbai.duties.export_docx:statistics_docx"
ROYALTY_XLSX = "tinbai.duties.export_xlsx:royalty_xlsx"


def statistics_for(session: Session, config: Config, profile_id: str, period: Period, now: datetime) -> Statistics:
    profile = config.profile(profile_id)
    zone = config.settings.zone
    start, end = period.bounds(zone)
    records = item_records(session, profile_id, start, end, contents=True)
    return compute(records, profile, period, load_directory(session, profile_id), zone, now)


def royalties_for(session: Session, config: Config, profile_id: str, period: Period) -> RoyaltySheet:
    profile = config.profile(profile_id)
    zone = config.settings.zone
    start, end = period.bounds(zone)
    records = item_records(session, profile_id, start, end, contents=True)
    return royalty_sheet(records, profile, period, load_directory(session, profile_id), zone)


def statistics_file(stats: Statistics, fmt: str, config: Config) -> bytes:
    if fmt == "xlsx":
        return run_apart(STATISTICS_XLSX, stats)
    if fmt == "docx":
        return run_apart(STATISTICS_DOCX, stats, stats.made_at.astimezone(config.settings.zone))
    if fmt == "csv":
        return statistics_csv(stats)
    if fmt == "json":
        return statistics_json(stats)
    raise ValueError(f"unknown format {fmt!r}")


def file_name(kind: str, profile_id: str, period: Period, fmt: str) -> str:
    return f"{kind}-{profile_id}-{period.key.replace('..', '_')}.{fmt}"


def royalties_file(sheet: RoyaltySheet, config: Config) -> bytes:
    return run_apart(ROYALTY_XLSX, sheet, config.settings.zone)
