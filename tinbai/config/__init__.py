"""config.toml, validated on load.

Everything that differs between the five regulations is data here (profiles, in
tinbai.config.profile); code reads rules and never tests a profile's id. A wrong value
gives a ConfigError whose message is one line naming the key and the problem; the CLI
prints it and exits 2. Passwords are never in the file: the config names the environment
variable that holds each one (tinbai.config.services).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError, model_validator

from tinbai.config.base import ConfigError, Strict
from tinbai.config.channels import CHANNEL_LABELS, EMAIL, FEEDBACK, FeedbackDuties
from tinbai.config.profile import (
    CalendarOverrides,
    Contributor,
    DeadlineRule,
    Limits,
    OfficeHours,
    Profile,
    ReminderRule,
    ReviewStep,
    Unit,
)
from tinbai.config.services import DEFAULT_TIMEZONE, Calendar, Database, Mailbox, Settings, Smtp, Web

__all__ = ["CHANNEL_LABELS", "DEFAULT_TIMEZONE", "EMAIL", "FEEDBACK", "CalendarOverrides", "Config", "ConfigError",
           "Contributor", "DeadlineRule", "FeedbackDuties", "Limits", "Mailbox", "OfficeHours", "Profile", "ReminderRule",
           "ReviewStep", "Settings", "Smtp", "Unit", "Web", "config_from_dict", "load_config"]

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_CONFIG = ROOT / "config.toml"


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
        if url.startswith("postgresql://"):  # SQLAlchemy's default driver for it is not shipped
            return "postgresql+psycopg://" + url[len("postgresql://"):]
        return url

    def folders(self) -> dict[str, Path]:
        """The folders tinbai writes in, by the key that names them."""
        out = {"settings.var_dir": self.resolve(self.settings.var_dir)}
        if self.smtp.kind == "directory":
            out["smtp.directory"] = self.resolve(self.smtp.directory)
        for name, box in self.mailboxes.items():
            if box.kind == "maildir" and box.path:
                out[f"mailboxes.{name}.path"] = self.resolve(box.path)
        return out


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
    where = f"{path}: " if path else ""
    for key, folder in cfg.folders().items():
        # a file where a folder should be: every write would fail later, far from its cause
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"{where}{key}: {folder} is a file, not a folder")
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
