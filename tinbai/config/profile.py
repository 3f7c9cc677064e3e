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
# What a deadline counts from (CHECK-REPORT "anchor"): the event (its end for kontum Art. 9.2),
# the issuance or approval date, the end of the period a report covers (binhphuoc Art. 9.3.đ, also a
# programme's end), the review conference, the receipt of the citizen's petition an answer replies
# to (binhphuoc Art. 9.3.e), or the receipt of the message.
AnchorKind = Literal["event", "event_end", "issued", "received", "approved", "conference", "period", "petition"]


class DeadlineRule(Strict):
    """How long a category may wait, counted from its anchor (CHECK-REPORT "Counting deadlines")."""

    label: str
    limit: int | None = None
    unit: DeadlineUnit = "working_days"
    anchor: AnchorKind = "received"
    # report_window only: "month" (first week of the next month), "quarter" (first 10 days of the next quarter)
    window: Literal["month", "quarter"] | None = None
    article: str | None = None
    # the limit a reviewer may extend it to, giving the reason (binhphuoc Art. 9.3.e: 30 working
    # days instead of 15 when the Ministry of Justice and other ministries must be asked)
    extended_limit: int | None = None
    extension_label: str | None = None  # why the longer limit applies, as the regulation says it

    @model_validator(mode="after")
    def _consistent(self) -> DeadlineRule:
        if self.unit in ("days", "working_days", "hours", "office_hours") and (self.limit is None or self.limit <= 0):
            raise ValueError(f"limit must be a positive number for unit {self.unit!r}")
        if self.unit == "report_window" and self.window is None:
            raise ValueError("unit 'report_window' needs window = 'month' or 'quarter'")
        if self.extended_limit is not None and (self.limit is None or self.extended_limit <= self.limit):
            raise ValueError("extended_limit must be longer than limit")
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
    portal_address: str | None = None  # the submission address the regulation itself names
    # every address that reaches the profile (one mailbox may receive several): binhphuoc's text
    # names banbientapstp.bp@… while its link points to stp.bp@…; portal_address is always one
    addresses: list[str] = []
    portal_address_article: str | None = None  # where the regulation names portal_address
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
    # whose items of those categories: the agency's own people (its units' domains, allowed_domains,
    # the directory), and of them only the units whose names start so (kontum Art. 18.2: "Phòng Tư
    # pháp" of the districts); empty: every unit
    approval_units: list[str] = []
    # binhphuoc Art. 9.1.a: what a unit supplies needs its leaders' approval, while a staff member's
    # own item is their own responsibility
    approval_own_items_exempt: bool = False
    photo_required_for: list[str] = []  # categories whose items need a photo
    attribution_required: bool = True
    categories: dict[str, DeadlineRule]
    office_hours: OfficeHours = OfficeHours()
    review_steps: list[ReviewStep] = []
    refusal_grounds: dict[str, str] = {}  # letter -> the ground as the regulation lists it, with its article
    # the regulation lists no closed set of grounds (kontum, hungyen): a refusal may state the
    # reviewer's own reason instead of a listed ground
    refusal_own_reason: bool = False
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

    @model_validator(mode="after")
    def _addresses(self) -> Profile:
        addresses = [a.strip().lower() for a in self.addresses if a.strip()]
        if self.portal_address and self.portal_address.strip().lower() not in addresses:
            addresses.insert(0, self.portal_address.strip().lower())
        if len(set(addresses)) != len(addresses):
            raise ValueError("addresses: an address is listed twice")
        self.addresses = addresses
        return self

    def refusal_by_own_reason(self) -> bool:
        """Whether a reviewer may refuse on a reason of their own rather than a listed ground."""
        return self.refusal_own_reason or not self.refusal_grounds

    def address_reached(self, recipients: list[str]) -> str | None:
        """Which of the profile's addresses a message was sent to (of its To, Cc, Delivered-To…)."""
        wanted = {r.strip().lower() for r in recipients}
        return next((a for a in self.addresses if a in wanted), None)

    def article_for(self, code: str) -> str | None:
        return self.articles.get(code) or self.articles.get(code.split(".")[0])
