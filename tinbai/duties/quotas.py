"""Quotas (REGULATIONS §6): each unit's or person's count against what the regulation asks.

binhphuoc Art. 9.4: each unit supplies 1–2 items a month (its staff's included): counted as
received. kontum Art. 17.3: each civil servant has at least one news item and one article
posted a month: counted as published, by kind, per author. The quotas are profile data
(`[profiles.X.duties] unit_quota / contributor_quota`); a unit may have its own minimum
(`quota_per_month`). A period of several months owes the monthly minimum for each. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from tinbai.config import Profile
from tinbai.config.duties import Quota
from tinbai.duties.periods import Period
from tinbai.duties.records import ItemRecord, authors_of, kind_of, same_person, unit_of
from tinbai.extract.directory import SenderDirectory

KIND_LABELS = {"any": "tin, bài", "news": "tin", "article": "bài", "photo": "ảnh", "document": "văn bản"}


@dataclass(frozen=True)
class Standing:
    who: str
    kind: str  # "unit" | "person"
    counts: dict[str, int]  # per kind of the quota ("any": every item)
    minimum: dict[str, int]  # for the whole period
    norm: int | None
    mailboxes: tuple[str, ...]  # where a chasing email goes (none: the summary says so)
    contact: str | None = None  # the focal person's or the person's name
    items: tuple[str, ...] = ()  # what was counted, one line each

    @property
    def met(self) -> bool:
        return all(self.counts.get(k, 0) >= n for k, n in self.minimum.items())

    def missing(self) -> dict[str, int]:
        return {k: n - self.counts.get(k, 0) for k, n in self.minimum.items() if self.counts.get(k, 0) < n}

    def describe(self, what: dict[str, int]) -> str:
        """"1 tin, 1 bài" from {"news": 1, "article": 1}."""
        return ", ".join(f"{n} {KIND_LABELS.get(k, k)}" for k, n in what.items())


def _counts(recs: list[ItemRecord], quota: Quota, profile: Profile) -> dict[str, int]:
    out = dict.fromkeys(quota.minimum, 0)
    for rec in recs:
        if "any" in out:
            out["any"] += 1
        kind = kind_of(rec, profile)
        if kind in out:
            out[kind] += 1
    return out


def _lines(recs: list[ItemRecord], zone: tzinfo) -> tuple[str, ...]:
    return tuple(f"{r.tracking_code or '#' + str(r.id)} — {r.subject or '(không có tiêu đề)'} "
                 f"({(r.published_at or r.received_at).astimezone(zone):%d/%m/%Y})" for r in recs)


def _counted(records: list[ItemRecord], quota: Quota, period: Period, zone: tzinfo) -> list[ItemRecord]:
    start, end = period.bounds(zone)
    if quota.counted == "published":
        return [r for r in records if r.published_at is not None and start <= r.published_at < end]
    return [r for r in records if start <= r.received_at < end]


def standings(records: list[ItemRecord], period: Period, profile: Profile, directory: SenderDirectory,
              zone: tzinfo) -> tuple[list[Standing], list[Standing]]:
    """(each active unit's standing, each active person's standing) under the profile's quotas;
    empty lists where the profile has no such quota."""
    months = period.months()
    units, people = [], []
    uq, pq = profile.duties.unit_quota, profile.duties.contributor_quota
    if uq is not None:
        counted = _counted(records, uq, period, zone)
        for u in directory.active_units():
            mine = [r for r in counted if unit_of(r, directory) == u.name]
            minimum = {"any": u.quota_per_month} if u.quota_per_month else dict(uq.minimum)
            own = Quota(minimum=minimum, norm=uq.norm, counted=uq.counted, article=uq.article, wording=uq.wording)
            units.append(Standing(u.name, "unit", _counts(mine, own, profile),
                                  {k: n * months for k, n in minimum.items()},
                                  uq.norm * months if uq.norm else None, u.mailboxes(), u.focal_name,
                                  _lines(mine, zone)))
    if pq is not None:
        counted = _counted(records, pq, period, zone)
        for p in directory.active_people():
            mine = [r for r in counted if any(same_person(a, p.name, p.email) for a in authors_of(r, directory))]
            people.append(Standing(p.name, "person", _counts(mine, pq, profile),
                                   {k: n * months for k, n in pq.minimum.items()},
                                   pq.norm * months if pq.norm else None, (p.email,), p.name, _lines(mine, zone)))
    return units, people
