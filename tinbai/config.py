"""config.toml, validated on load.

Everything that differs between the five regulations is data here (profiles);
code reads rules and never tests a profile's id. A wrong value gives a
ConfigError whose message is one line naming the key and the problem; the CLI
prints it and exits 2. Passwords are never in the file: the config names the
environment variable that holds each one.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from tinbai.parsers.facts import ParseLimits

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.toml"
# [settings] timezone when the config names none (Vietnam has one zone and no daylight saving)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


class ConfigError(Exception):
    """A one-line, user-facing description of what is wrong with the configuration."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


DeadlineUnit = Literal["days", "working_days", "hours", "office_hours", "report_window", "none"]
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


def _hhmm(value: str) -> time:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValueError(f"{value!r} is not a time of day like '07:30'")
    return time(int(m[1]), int(m[2]))


class OfficeHours(Strict):
    spans: list[tuple[str, str]] = [("07:30", "11:30"), ("13:30", "17:00")]

    @field_validator("spans")
    @classmethod
    def _ordered(cls, spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
        if not spans:
            raise ValueError("at least one span of office hours is needed")
        last = None
        for start, end in spans:
            a, b = _hhmm(start), _hhmm(end)
            if not a < b:
                raise ValueError(f"span {start}-{end} ends before it starts")
            if last and a < last:
                raise ValueError("spans must be in order and must not overlap")
            last = b
        return spans

    def as_times(self) -> list[tuple[time, time]]:
        return [(_hhmm(a), _hhmm(b)) for a, b in self.spans]


class CalendarOverrides(Strict):
    """The year's notice of the Prime Minister / Ministry of Home Affairs, entered by an administrator."""

    days_off: list[date] = []
    working_days: list[date] = []


class ReviewStep(Strict):
    id: str
    label: str
    roles: list[str]


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
    leaders: list[str] = []  # addresses of the unit's head and deputies
    quota_per_month: int | None = None


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
    units: list[Unit] = []
    contributors: list[Contributor] = []

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
        return self

    def article_for(self, code: str) -> str | None:
        return self.articles.get(code) or self.articles.get(code.split(".")[0])


class Mailbox(Strict):
    kind: Literal["imap", "maildir"]
    # maildir
    path: str | None = None
    # imap
    host: str | None = None
    port: int | None = None
    security: Literal["ssl", "starttls", "plain"] = "ssl"
    username: str | None = None
    password_env: str | None = None
    folder: str = "INBOX"
    after: Literal["seen", "move", "none"] = "seen"
    move_to: str | None = None
    ca_file: str | None = None
    poll_seconds: int = 60
    idle: bool = True
    stale_after_minutes: int = 30

    @model_validator(mode="after")
    def _complete(self) -> Mailbox:
        if self.kind == "maildir" and not self.path:
            raise ValueError("a maildir mailbox needs path")
        if self.kind == "imap":
            if not self.host or not self.username:
                raise ValueError("an imap mailbox needs host and username")
            if self.security == "plain" and self.host not in ("127.0.0.1", "localhost", "::1"):
                raise ValueError("security = 'plain' is allowed on loopback only (127.0.0.1)")
            if self.after == "move" and not self.move_to:
                raise ValueError("after = 'move' needs move_to")
        return self

    def password(self) -> str | None:
        if not self.password_env:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise ConfigError(f"environment variable {self.password_env} (the password of the mailbox) is not set")
        return value


class Smtp(Strict):
    kind: Literal["smtp", "directory"] = "directory"
    directory: str = "var/outbox"  # kind = "directory": each email is written as an .eml file
    host: str | None = None
    port: int = 587
    security: Literal["ssl", "starttls", "plain"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    ca_file: str | None = None
    sender: str = "tinbai@localhost"
    timeout: float = 30.0

    def password(self) -> str | None:
        if not self.password_env:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise ConfigError(f"environment variable {self.password_env} (the SMTP password) is not set")
        return value


class Database(Strict):
    url: str = "sqlite:///var/tinbai.db"
    lease_seconds: int = 60


class Web(Strict):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    base_url: str = "http://127.0.0.1:8080"
    secret_env: str | None = None  # the session-signing key; without it one is kept under var/
    secure_cookies: bool = False  # set true behind HTTPS


class Calendar(Strict):
    overrides: dict[str, CalendarOverrides] = {}  # key: the year, "2026"

    @field_validator("overrides")
    @classmethod
    def _years(cls, v: dict[str, CalendarOverrides]) -> dict[str, CalendarOverrides]:
        for year in v:
            if not re.fullmatch(r"\d{4}", year):
                raise ValueError(f"{year!r} is not a year")
        return v


class Settings(Strict):
    var_dir: str = "var"
    timezone: str = DEFAULT_TIMEZONE
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    tracking_prefix: str = "TB"
    # parser workers per mailbox pass (each a sandboxed process of ~150 MB): at most one per core
    parser_workers: int = Field(2, ge=1, le=16)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"{v!r} is not a time zone name like {DEFAULT_TIMEZONE!r}") from None
        return v

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone: tinbai reads, counts and shows wall-clock times in it."""
        return ZoneInfo(self.timezone)


class Config(Strict):
    settings: Settings = Settings()
    database: Database = Database()
    smtp: Smtp = Smtp()
    web: Web = Web()
    calendar: Calendar = Calendar()
    mailboxes: dict[str, Mailbox] = {}
    profiles: dict[str, Profile]
    path: Path | None = None  # where it was read from; paths in it are relative to its folder

    @model_validator(mode="after")
    def _links(self) -> Config:
        for pid, prof in self.profiles.items():
            prof.id = pid
            if prof.mailbox is not None and prof.mailbox not in self.mailboxes:
                raise ValueError(f"profiles.{pid}.mailbox: no mailbox named {prof.mailbox!r}")
        return self

    def base_dir(self) -> Path:
        return self.path.parent if self.path else ROOT

    def resolve(self, p: str) -> Path:
        path = Path(p)
        return path if path.is_absolute() else self.base_dir() / path

    def profile(self, pid: str) -> Profile:
        try:
            return self.profiles[pid]
        except KeyError:
            raise ConfigError(f"unknown profile {pid!r} (known: {', '.join(sorted(self.profiles))})") from None

    def profile_for_mailbox(self, name: str) -> Profile:
        for prof in self.profiles.values():
            if prof.mailbox == name:
                return prof
        raise ConfigError(f"mailboxes.{name}: no profile uses this mailbox")

    def database_url(self) -> str:
        url = self.database.url
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            return "sqlite:///" + str(self.resolve(url[len("sqlite:///"):]))
        return url


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate config.toml; raise ConfigError with one line on any problem."""
    path = Path(path or os.environ.get("TINBAI_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    return config_from_dict(raw, path)


def config_from_dict(raw: dict[str, Any], path: Path | None = None) -> Config:
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        where = f"{path}: " if path else ""
        raise ConfigError(f"{where}{key}: {msg}") from None
    cfg.path = Path(path).resolve() if path else None
    for pid, prof in cfg.profiles.items():
        roots = []
        for name in prof.limits.trust_anchors:
            try:
                roots.append(cfg.resolve(name).read_bytes())
            except OSError as e:
                where = f"{path}: " if path else ""
                raise ConfigError(f"{where}profiles.{pid}.limits.trust_anchors: cannot read {name}: "
                                  f"{e.strerror or e}") from None
        prof.limits._trust_roots = tuple(roots)
    return cfg
