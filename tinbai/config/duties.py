"""The board's periodic duties as a profile states them (config.toml `[profiles.<id>.duties]`).

Quotas (binhphuoc Art. 9.4, kontum Art. 17.3), chasing the units (binhphuoc Art. 14.3.đ,
kontum Art. 13.3), the daily posting duty (binhphuoc Art. 13.1, kontum Art. 10.1), royalties
(binhphuoc Art. 8.2, kontum Art. 19–20, hungyen Art. 6.3) and the header of the board's
reports (Decree 30/2020/NĐ-CP). A profile without a block has no such duty: nothing is sent.
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from tinbai.config.base import Strict, hhmm

# What a published item is, for quotas and royalties: a news item (tin), an article (bài), a
# photo, an official document.
ContentKind = Literal["news", "article", "photo", "document"]
CONTENT_KINDS: tuple[str, ...] = ("news", "article", "photo", "document")


class Quota(Strict):
    """What a unit or a person owes each month. `minimum` maps a kind (or "any") to a count;
    `norm` is the regulation's upper figure where it gives a range (binhphuoc "01 đến 02")."""

    minimum: dict[str, int]
    norm: int | None = None
    counted: Literal["received", "published"] = "received"
    article: str
    wording: str  # what the regulation asks, in its words, for the chasing emails

    @field_validator("minimum")
    @classmethod
    def _kinds(cls, v: dict[str, int]) -> dict[str, int]:
        for kind, n in v.items():
            if kind != "any" and kind not in CONTENT_KINDS:
                raise ValueError(f"unknown kind {kind!r} (any, {', '.join(CONTENT_KINDS)})")
            if n < 1:
                raise ValueError(f"minimum.{kind} must be at least 1")
        if not v:
            raise ValueError("minimum needs at least one kind")
        return v


class Chasing(Strict):
    """When the units and persons below quota are chased: the `working_day`-th working day of
    the month at `at`; a daemon that was stopped then catches up on a later working day of the
    same month, once."""

    working_day: int = 15
    at: str = "08:30"
    article: str

    @field_validator("working_day")
    @classmethod
    def _day(cls, v: int) -> int:
        if not 1 <= v <= 20:
            raise ValueError("working_day must be between 1 and 20 (a month has ~21 working days)")
        return v

    @field_validator("at")
    @classmethod
    def _at(cls, v: str) -> str:
        hhmm(v)
        return v


class DailyPost(Strict):
    """New information at least once every working day: checked at `at`, until the day's close."""

    at: str = "15:00"
    article: str

    @field_validator("at")
    @classmethod
    def _at(cls, v: str) -> str:
        hhmm(v)
        return v


class RoyaltyRate(Strict):
    label: str
    coefficient: float
    per: Literal["item", "photo"] = "item"  # a photo item: the coefficient per photo


class Royalties(Strict):
    """The agency's own table of royalty coefficients: the sheet totals only what it says."""

    article: str
    basis: str  # the agency's decision the table comes from
    unit_value: int | None = None  # đồng per coefficient point; none: coefficients only
    rates: dict[str, RoyaltyRate] = {}

    @field_validator("rates")
    @classmethod
    def _kinds(cls, v: dict[str, RoyaltyRate]) -> dict[str, RoyaltyRate]:
        for kind in v:
            if kind not in CONTENT_KINDS:
                raise ValueError(f"unknown kind {kind!r} ({', '.join(CONTENT_KINDS)})")
        return v


class ReportHeader(Strict):
    """The administrative header of the board's reports (Decree 30/2020/NĐ-CP, Appendix I)."""

    parent_agency: str | None = None  # the governing body, e.g. "UBND TỈNH BÌNH PHƯỚC"
    issuer: str = "BAN BIÊN TẬP"  # who signs under the agency
    board: str = "Ban Biên tập"  # the board's name in the text ("Tổ biên tập" in thainguyen, haiduong)
    number_suffix: str = "BC-BBT"  # "Số: …/BC-BBT"
    place: str = ""  # "Bình Phước, ngày … tháng … năm …"
    signer_title: str = "TRƯỞNG BAN BIÊN TẬP"
    signer_name: str | None = None
    recipients: list[str] = ["Lãnh đạo cơ quan (để báo cáo);", "Thành viên Ban Biên tập;", "Lưu: VT, BBT."]
    article: str | None = None  # the article asking for the report (binhphuoc Art. 18.5)


class Duties(Strict):
    unit_quota: Quota | None = None
    contributor_quota: Quota | None = None
    chasing: Chasing | None = None
    daily_post: DailyPost | None = None
    royalties: Royalties | None = None
    report: ReportHeader = ReportHeader()
    # an item of this many words or more is an article (bài), below it a news item (tin)
    article_min_words: int = 600

    @model_validator(mode="after")
    def _chase_needs_quota(self) -> Duties:
        if self.chasing is not None and self.unit_quota is None and self.contributor_quota is None:
            raise ValueError("chasing needs unit_quota or contributor_quota")
        return self
