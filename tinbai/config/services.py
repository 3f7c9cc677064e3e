"""The services tinbai talks to and runs with: mailboxes, SMTP, the database, the pages, the
calendar's yearly overrides and the general settings. Passwords are never in the file: the
config names the environment variable that holds each one."""

from __future__ import annotations

import os
import re
from email.utils import parseaddr
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tinbai.config.base import ConfigError, Strict
from tinbai.config.profile import CalendarOverrides

# [settings] timezone when the config names none (Vietnam has one zone and no daylight saving)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

Port = Annotated[int, Field(ge=1, le=65535)]
# the database drivers tinbai ships (requirements.lock: SQLite in Python, psycopg 3); a URL
# naming another (mysql://, postgresql+psycopg2://) would fail at start on a module not installed
DRIVERS = {"sqlite": "sqlite", "sqlite+pysqlite": "sqlite", "postgresql": "postgresql+psycopg",
           "postgresql+psycopg": "postgresql+psycopg"}
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _env_name(v: str | None) -> str | None:
    if v is not None and not ENV_NAME.fullmatch(v):
        raise ValueError(f"{v!r} is not the name of an environment variable (letters, digits, _)")
    return v


class Mailbox(Strict):
    kind: Literal["imap", "maildir"]
    # maildir
    path: str | None = None
    # imap
    host: str | None = None
    port: Port | None = None
    security: Literal["ssl", "starttls", "plain"] = "ssl"
    username: str | None = None
    password_env: str | None = None
    folder: str = "INBOX"
    after: Literal["seen", "move", "none"] = "seen"
    move_to: str | None = None
    ca_file: str | None = None
    poll_seconds: int = Field(60, ge=1, le=24 * 3600)
    idle: bool = True
    stale_after_minutes: int = Field(30, ge=1)

    _password_env = field_validator("password_env")(_env_name)
    _ca_file = field_validator("ca_file")(lambda v: _readable(v))

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
    port: Port = 587
    security: Literal["ssl", "starttls", "plain"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    ca_file: str | None = None
    sender: str = "tinbai@localhost"
    timeout: float = Field(30.0, gt=0, le=600)

    _password_env = field_validator("password_env")(_env_name)
    _ca_file = field_validator("ca_file")(lambda v: _readable(v))

    @field_validator("sender")
    @classmethod
    def _an_address(cls, v: str) -> str:
        if "@" not in parseaddr(v)[1]:
            raise ValueError(f"{v!r} is not an email address like 'Ban Biên tập <bbt@example.gov.vn>'")
        return v

    @model_validator(mode="after")
    def _complete(self) -> Smtp:
        if self.kind == "smtp":
            if not self.host:
                raise ValueError("kind = 'smtp' needs host")
            if self.security == "plain" and self.username and self.host not in ("127.0.0.1", "localhost", "::1"):
                # a relay on the office network may take mail in clear; a password must not cross it
                raise ValueError("security = 'plain' with a username is allowed on loopback only (127.0.0.1)")
        return self

    def password(self) -> str | None:
        if not self.password_env:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise ConfigError(f"environment variable {self.password_env} (the SMTP password) is not set")
        return value


class Database(Strict):
    url: str = "sqlite:///var/tinbai.db"
    lease_seconds: int = Field(60, ge=1, le=3600)

    @field_validator("url")
    @classmethod
    def _shipped_driver(cls, v: str) -> str:
        try:
            driver = make_url(v).drivername
        except ArgumentError:
            raise ValueError(f"{v!r} is not a database URL like 'sqlite:///var/tinbai.db'") from None
        if driver not in DRIVERS:
            raise ValueError(f"{driver!r}: tinbai works with SQLite ('sqlite:///var/tinbai.db') or PostgreSQL "
                             "('postgresql+psycopg://user@host/db') only") from None
        return v


class Web(Strict):
    host: str = "127.0.0.1"
    port: Port = 8080
    base_url: str = Field("http://127.0.0.1:8080", pattern=r"^https?://[^/\s]+")
    secret_env: str | None = None  # the signing key of the sign-in forms; without it one is kept under var/
    secure_cookies: bool = False  # cookies only over HTTPS (always so when base_url is https)
    session_idle_minutes: int = Field(120, ge=5, le=24 * 60)  # a session unused this long ends
    session_hours: int = Field(12, ge=1, le=7 * 24)  # and any session this long after sign-in

    @property
    def https(self) -> bool:
        """Whether the pages are reached over HTTPS: Secure cookies and HSTS then."""
        return self.base_url.lower().startswith("https://") or self.secure_cookies


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
    var_dir: str = Field("var", min_length=1)
    timezone: str = DEFAULT_TIMEZONE
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    tracking_prefix: str = Field("TB", pattern=r"^[A-Za-z0-9]{1,16}$")
    # parser workers of the process, shared by all its mailboxes (each a sandboxed process of ~40-70 MB
    # PSS beside the fork server it is forked from): at most one per core
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


def _readable(path: str | None) -> str | None:
    """A file the connection will read (a CA's certificate): there, and a file."""
    if path is not None and not os.path.isfile(path):
        raise ValueError(f"{path!r}: no such file")
    return path
