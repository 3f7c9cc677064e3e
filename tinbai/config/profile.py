"""A profile: everything one regulation asks, as data (config.toml `[profiles.<id>]`).

Code reads these rules and never tests a profile's id: the permitted formats, the sender's
required details, which categories need a seal or the leader's approval, the categories with
their deadline rules, office hours, review steps, refusal grounds, the article of each problem,
reminders, limits for reading files, and the directory of units and contributors.
"""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from pydantic import PrivateAttr, field_validator, model_validator

from tinbai.config.base import Strict, hhmm
from tinbai.config.channels import FEEDBACK, FeedbackDuties, HandedChannel
from tinbai.config.duties import Duties
from tinbai.parsers.facts import ParseLimits

DeadlineUnit = Literal["days", "working_days", "hours", "office_hours", "report_window", "same_working_day",
                       "none"]
AnchorKind = Literal["event", "event_end", "issued", "received", "approved", "conference", "period_end"]


class DeadlineRule(Strict):
    """How long a category may wait, counted from its anchor (CHECK-REPORT "Counting deadlines")."""

    label: str
    limit: int | None = None
    unit: DeadlineUnit = "working_days"
    anchor: AnchorKind = "received"
    # report_window only: "month" (first week of the next month), "quarter" (first 10 days of the next quarter)
    window: Literal["month", "quarter"] | None = None
    article: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DeadlineRule:
        if self.unit in ("days", "working_days", "hours", "office_hours") and (self.limit is None or self.limit <= 0):
            raise ValueError(f"limit must be a positive number for unit {self.unit!r}")
        if self.unit == "report_window" and self.window is None:
            raise ValueError("unit 'report_window' needs window = 'month' or 'quarter'")
        return self


class OfficeHours(Strict):
    spans: list[tuple[str, str]] = [("07:30", "11:30"), ("13:30", "17:00")]

    @field_validator("spans")
    @classmethod
    def _ordered(cls, spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
        if not spans:
            raise ValueError("at least one span of office hours is needed")
        last = None
        for start, end in spans:
            a, b = hhmm(start), hhmm(end)
            if not a < b:
                raise ValueError(f"span {start}-{end} ends before it starts")
            if last and a < last:
                raise ValueError("spans must be in order and must not overlap")
            last = b
        return spans

    def as_times(self) -> list[tuple[time, time]]:
        return [(hhmm(a), hhmm(b)) for a, b in self.spans]


class CalendarOverrides(Strict):
    """The year's notice of the Prime Minister / Ministry of Home Affairs, entered by an administrator."""

    days_off: list[date] = []
    working_days: list[date] = []


class ReviewStep(Strict):
    id: str
    label: str
    roles: list[str]
    # the step that posts what the board approved (binhphuoc Art. 11.1: "Thư ký đăng tải"); the
    # step before it approves. Without one, the last step approves and the secretary posts.
    publishes: bool = False


class ReminderRule(Strict):
    """When to remind the holder of an item: a fraction of the allowed time, office hours before,
    at the deadline, then every working day overdue."""

    at_fraction: list[float] = [0.5]
    office_hours_before: list[float] = [1.0]
    at_deadline: bool = True
    overdue_every_working_day: bool = True
    escalate_after_working_days: int = 2


class Unit(Strict):
    name: str
    domains: list[str] = []
    addresses: list[str] = []  # the unit's own mailboxes, where no domain is its alone
    leaders: list[str] = []  # addresses of the unit's head and deputies
    quota_per_month: int | None = None  # this unit's own minimum, over the profile's unit_quota
    # kontum Art. 9.1.a: each unit names one focal person ("cử một người làm đầu mối")
    focal_name: str | None = None
    focal_email: str | None = None
    focal_phone: str | None = None


class Contributor(Strict):
    address: str
    name: str
    title: str | None = None
    unit: str | None = None
    phone: str | None = None
    postal_address: str | None = None


class Limits(Strict):
    """The profile's limits for reading attachments; defaults are those of ParseLimits."""

    seconds_per_file: float = ParseLimits.seconds_per_file
    memory_mb: int = ParseLimits.memory_mb
    max_file_mb: float = ParseLimits.max_file_mb
    archive_max_total_mb: float = ParseLimits.archive_max_total_mb
    archive_max_ratio: float = ParseLimits.archive_max_ratio
    archive_max_members: int = ParseLimits.archive_max_members
    archive_max_depth: int = ParseLimits.archive_max_depth
    ocr: bool = ParseLimits.ocr
    # certificates (PEM or DER files) that anchor trust in digital signatures, e.g. the
    # government CA's (VGCA) root; with none, signatures are checked but not called trusted
    trust_anchors: list[str] = []
    _trust_roots: tuple[bytes, ...] = PrivateAttr(default=())

    def parse_limits(self) -> ParseLimits:
        values = self.model_dump(exclude={"trust_anchors"})
        return ParseLimits(**values, trust_roots=self._trust_roots)


SenderField = Literal["name", "title", "unit", "contact"]


class Profile(Strict):
    id: str = ""
    agency: str
    regulation: str
    mailbox: str | None = None  # key of [mailboxes.X]
    portal_address: str | None = None
    # the agency's own names and issuer codes: a document of theirs is category "directive"
    agency_names: list[str] = []
    issuer_codes: list[str] = []
    portal_names: list[str] = ["Trang thông tin điện tử", "Trang TTĐT", "Cổng thông tin điện tử"]
    portal_in_recipients: bool = False  # the agency's documents list the portal in "Nơi nhận"
    permitted_formats: list[str]
    required_sender: list[SenderField]
    allowed_domains: list[str] = []
    trusted_authserv_ids: list[str] = []
    seal_required_for: list[str] = []  # categories whose items need a red-seal scan
    digital_signature_replaces_seal: bool = False
    approval_required_for: list[str] = []  # categories whose items need the sending unit's leader's approval
    photo_required_for: list[str] = []  # categories whose items need a photo
    attribution_required: bool = True
    categories: dict[str, DeadlineRule]
    office_hours: OfficeHours = OfficeHours()
    review_steps: list[ReviewStep] = []
    refusal_grounds: dict[str, str] = {}
    articles: dict[str, str] = {}  # problem code -> the article of this regulation
    reminders: ReminderRule = ReminderRule()
    limits: Limits = Limits()
    duplicate_threshold: float = 0.8
    units: list[Unit] = []  # imported into the database on first start (tinbai.queue.directory)
    contributors: list[Contributor] = []
    duties: Duties = Duties()  # the board's periodic duties (tinbai.config.duties)
    # what reaches the board other than by the units' emails (tinbai.config.channels)
    feedback: FeedbackDuties = FeedbackDuties()
    handed_channels: list[HandedChannel] = []
    unnamed_providers: bool = False  # thainguyen/haiduong Art. 4.2: a provider's identity kept secret on request

    @field_validator("permitted_formats")
    @classmethod
    def _formats(cls, v: list[str]) -> list[str]:
        return [f.lower().lstrip(".") for f in v]

    @model_validator(mode="after")
    def _categories(self) -> Profile:
        for needed in ("news", "other"):
            if needed not in self.categories:
                raise ValueError(f"categories.{needed} is required")
        for cat in self.seal_required_for + self.photo_required_for + self.approval_required_for:
            if cat not in self.categories:
                raise ValueError(f"unknown category {cat!r} (not in categories)")
        duties = self.feedback
        if duties != FeedbackDuties() and FEEDBACK not in self.categories:
            raise ValueError("feedback duties need a 'feedback' category (in categories)")
        if duties.notify_unit_head:
            unit = self.unit_named(duties.receiving_unit or "")
            if unit is None or not unit.leaders:
                raise ValueError("feedback.receiving_unit must name a unit (in units) with leaders' addresses")
        publishing = [i for i, st in enumerate(self.review_steps) if st.publishes]
        if publishing and (publishing != [len(self.review_steps) - 1] or len(self.review_steps) < 2):
            raise ValueError("only the last of several review_steps may have publishes = true")
        return self

    def unit_named(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)

    def article_for(self, code: str) -> str | None:
        return self.articles.get(code) or self.articles.get(code.split(".")[0])
