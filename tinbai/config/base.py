"""What every part of the configuration shares: its one-line error and strict models."""

from __future__ import annotations

import re
from datetime import time

from pydantic import BaseModel, ConfigDict


class ConfigError(Exception):
    """A one-line, user-facing description of what is wrong with the configuration."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def hhmm(value: str) -> time:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValueError(f"{value!r} is not a time of day like '07:30'")
    return time(int(m[1]), int(m[2]))
