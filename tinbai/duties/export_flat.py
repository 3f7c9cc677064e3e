"""The statistics as .csv (one row per group of each breakdown) and .json (everything)."""

from __future__ import annotations

import csv
import io
import json

from tinbai.duties.statistics import FIGURES, Statistics
from tinbai.duties.tables import breakdown_tables


def statistics_csv(stats: Statistics) -> bytes:
    """UTF-8 with a BOM, so that spreadsheet programs read the Vietnamese right."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["breakdown", "name", *FIGURES, "median_hours_to_publish"])
    for key, _title, _header, rows in breakdown_tables(stats):
        for row in rows:
            w.writerow([key if row[0] != "Tổng cộng" else f"{key}:total", *("" if v is None else v for v in row)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def statistics_dict(stats: Statistics) -> dict:
    def quotas(standings):
        return [{"who": s.who, "counts": s.counts, "minimum": s.minimum, "norm": s.norm, "met": s.met}
                for s in standings]

    return {
        "profile": stats.profile.id,
        "agency": stats.profile.agency,
        "period": {"key": stats.period.key, "label": stats.period.label, "start": stats.period.start.isoformat(),
                   "end": stats.period.end.isoformat()},
        "made_at": stats.made_at.isoformat(),
        "total": stats.total.as_dict(),
        "by_unit": {k: f.as_dict() for k, f in stats.by_unit.items()},
        "by_contributor": {k: f.as_dict() for k, f in stats.by_contributor.items()},
        "by_category": {k: f.as_dict() for k, f in stats.by_category.items()},
        "refusal_grounds": stats.grounds,
        "unit_quotas": quotas(stats.unit_quotas),
        "contributor_quotas": quotas(stats.contributor_quotas),
    }


def statistics_json(stats: Statistics) -> bytes:
    return json.dumps(statistics_dict(stats), ensure_ascii=False, indent=2).encode("utf-8")
