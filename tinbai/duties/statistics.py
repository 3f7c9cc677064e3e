"""The board's statistics for a period (binhphuoc Art. 18.5, kontum Art. 21, thainguyen and
haiduong Art. 13): per unit, per contributor and per category, how many items were received,
accepted, returned for correction, refused (by ground), published, late on arrival, handled
past the board's deadline or still open past it, and the median time to publish. Pure.

Each figure counts what happened in the period: an item received in October and published in
November counts as received in October and published in November.
"""

from __future__ import annotations

import statistics as pystats
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from tinbai.config import Profile
from tinbai.duties.periods import Period
from tinbai.duties.quotas import Standing, standings
from tinbai.duties.records import ItemRecord, authors_of, unit_of
from tinbai.extract.directory import SenderDirectory

FIGURES: dict[str, str] = {
    "received": "Tiếp nhận",
    "accepted": "Duyệt đăng",
    "returned": "Trả lại để sửa",
    "refused": "Từ chối đăng",
    "published": "Đã đăng",
    "late_on_arrival": "Gửi muộn",
    "handled_late": "Xử lý quá hạn",
    "overdue_open": "Tồn quá hạn",
}
CLOSING = ("publish", "refuse", "return")


@dataclass
class Figures:
    received: int = 0
    accepted: int = 0
    returned: int = 0
    refused: int = 0
    published: int = 0
    late_on_arrival: int = 0
    handled_late: int = 0
    overdue_open: int = 0
    refused_by_ground: dict[str, int] = field(default_factory=dict)
    hours_to_publish: list[float] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for g, n in other.refused_by_ground.items():
            self.refused_by_ground[g] = self.refused_by_ground.get(g, 0) + n
        self.hours_to_publish.extend(other.hours_to_publish)

    def median_hours(self) -> float | None:
        return round(pystats.median(self.hours_to_publish), 1) if self.hours_to_publish else None

    def as_dict(self) -> dict:
        return {**{name: getattr(self, name) for name in FIGURES}, "refused_by_ground": dict(self.refused_by_ground),
                "median_hours_to_publish": self.median_hours()}


@dataclass
class Statistics:
    profile: Profile
    period: Period
    total: Figures
    by_unit: dict[str, Figures]
    by_contributor: dict[str, Figures]
    by_category: dict[str, Figures]  # by the category's label
    grounds: dict[str, str]  # ground key -> its words (the profile's refusal grounds)
    unit_quotas: list[Standing]
    contributor_quotas: list[Standing]
    made_at: datetime

    def breakdowns(self) -> dict[str, tuple[str, dict[str, Figures]]]:
        return {"unit": ("Đơn vị", self.by_unit), "contributor": ("Người viết", self.by_contributor),
                "category": ("Loại tin", self.by_category)}


def figures_of(rec: ItemRecord, start: datetime, end: datetime) -> Figures:
    """What one item adds to the figures of [start, end)."""
    f = Figures()
    inside = lambda t: t is not None and start <= t < end
    if inside(rec.received_at):
        f.received = 1
        f.late_on_arrival = int(rec.late_on_arrival)
    first_ok = next((e for e in rec.events if e.action in ("approve", "publish")), None)
    f.accepted = int(first_ok is not None and inside(first_ok.at))
    f.returned = int(any(e.action == "return" and inside(e.at) for e in rec.events))
    refusals = [e for e in rec.events if e.action == "refuse" and inside(e.at)]
    if refusals:
        f.refused = 1
        ground = refusals[-1].ground or "?"
        f.refused_by_ground[ground] = 1
    if inside(rec.published_at):
        f.published = 1
        f.hours_to_publish.append((rec.published_at - rec.received_at).total_seconds() / 3600)
    closings = [e for e in rec.events if e.action in CLOSING and inside(e.at)]
    if closings and rec.deadline is not None:
        last = closings[-1]
        closed_at = rec.published_at if last.action == "publish" and rec.published_at else last.at
        f.handled_late = int(closed_at > rec.deadline)
    closed_before_end = any(e.action in CLOSING and e.at < end for e in rec.events)
    if not closed_before_end and rec.deadline is not None and rec.deadline < end and rec.received_at < end:
        f.overdue_open = 1
    return f


def compute(records: list[ItemRecord], profile: Profile, period: Period, directory: SenderDirectory,
            zone: tzinfo, made_at: datetime) -> Statistics:
    start, end = period.bounds(zone)
    total = Figures()
    by_unit: dict[str, Figures] = {u.name: Figures() for u in directory.active_units()}
    by_contributor: dict[str, Figures] = {p.name: Figures() for p in directory.active_people()}
    by_category: dict[str, Figures] = {}
    for rec in records:
        f = figures_of(rec, start, end)
        if not any(f.as_dict()[name] for name in FIGURES):
            continue
        total.add(f)
        by_unit.setdefault(unit_of(rec, directory), Figures()).add(f)
        for author in authors_of(rec, directory):
            by_contributor.setdefault(author, Figures()).add(f)
        rule = profile.categories.get(rec.category or "")
        by_category.setdefault(rule.label if rule else (rec.category or "—"), Figures()).add(f)
    units, people = standings(records, period, profile, directory, zone)
    return Statistics(profile=profile, period=period, total=total, by_unit=_sorted(by_unit),
                      by_contributor=_sorted(by_contributor), by_category=_sorted(by_category),
                      grounds=dict(profile.refusal_grounds), unit_quotas=units, contributor_quotas=people,
                      made_at=made_at)


def _sorted(groups: dict[str, Figures]) -> dict[str, Figures]:
    return dict(sorted(groups.items(), key=lambda kv: (-kv[1].received, -kv[1].published, kv[0])))
