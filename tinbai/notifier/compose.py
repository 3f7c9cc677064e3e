"""The emails tinbai writes, from Jinja2 templates (Vietnamese, plain text and HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tinbai.calendar import vn_time as calendar_vn_time

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_env = Environment(
    loader=PackageLoader("tinbai.notifier", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # the templates ship with the package: no stat of each file per email
)


def vn_time(value: datetime | None, with_time: bool = True) -> str:
    return calendar_vn_time(value, VN, with_time)


_env.filters["vn_time"] = vn_time


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render(name: str, **context: object) -> Rendered:
    """Render templates/<name>.subject.txt, <name>.txt and <name>.html with the same context."""
    subject = _env.get_template(f"{name}.subject.txt").render(**context).strip()
    text = _env.get_template(f"{name}.txt").render(**context)
    html = _env.get_template(f"{name}.html").render(**context)
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)
