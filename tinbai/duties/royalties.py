"""The royalty sheet (nhuận bút) of a month: each published item with its author(s), unit, kind,
words or photos counted and the coefficient the profile's table gives for its kind
(binhphuoc Art. 8.2, kontum Art. 19–20, hungyen Art. 6.3). The agency sets the rates: the
sheet totals only what the table says; a kind the table lacks has no coefficient. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from tinbai.config import Profile
from tinbai.duties.periods import Period
from tinbai.duties.records import ItemRecord, authors_of, kind_of, unit_of, words_and_photos
from tinbai.extract.directory import SenderDirectory

KIND_NAMES = {"news": "Tin", "article": "Bài", "photo": "Ảnh", "document": "Văn bản, tài liệu"}


@dataclass(frozen=True)
class RoyaltyLine:
    item_id: int
    tracking_code: str
    title: str
    published_at: datetime
    url: str | None
    authors: tuple[str, ...]
    unit: str
    kind: str
    kind_label: str
    words: int
    photos: int
    coefficient: float | None  # None: the profile's table has no rate for this kind
    points: float | None
    amount: int | None  # đồng; None without the table's unit value


@dataclass(frozen=True)
class RoyaltySheet:
    profile: Profile
    period: Period
    lines: tuple[RoyaltyLine, ...]
    unit_value: int | None
    basis: str | None

    @property
    def total_points(self) -> float:
        return round(sum(line.points or 0 for line in self.lines), 2)

    @property
    def total_amount(self) -> int | None:
        return sum(line.amount or 0 for line in self.lines) if self.unit_value else None


def royalty_sheet(records: list[ItemRecord], profile: Profile, period: Period, directory: SenderDirectory,
                  zone: tzinfo) -> RoyaltySheet:
    start, end = period.bounds(zone)
    table = profile.duties.royalties
    lines = []
    published = sorted((r for r in records if r.published_at is not None and start <= r.published_at < end),
                       key=lambda r: (r.published_at, r.id))
    for rec in published:
        kind = kind_of(rec, profile)
        words, photos = words_and_photos(rec)
        rate = table.rates.get(kind) if table else None
        coefficient = points = amount = None
        if rate is not None:
            coefficient = rate.coefficient
            points = round(rate.coefficient * (max(photos, 1) if rate.per == "photo" else 1), 2)
            amount = round(points * table.unit_value) if table.unit_value else None
        lines.append(RoyaltyLine(
            item_id=rec.id, tracking_code=rec.tracking_code or f"#{rec.id}", title=rec.subject,
            published_at=rec.published_at, url=rec.published_url, authors=tuple(authors_of(rec, directory)),
            unit=unit_of(rec, directory), kind=kind,
            kind_label=(rate.label if rate else KIND_NAMES.get(kind, kind)), words=words, photos=photos,
            coefficient=coefficient, points=points, amount=amount))
    return RoyaltySheet(profile, period, tuple(lines), table.unit_value if table else None,
                        table.basis if table else None)
