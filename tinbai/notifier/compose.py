"""The emails tinbai writes, from Jinja2 templates (Vietnamese, plain text and HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from tinbai.calendar import vn_time
from tinbai.config import Profile

_env = Environment(
    loader=PackageLoader("tinbai.notifier", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # the templates ship with the package: no stat of each file per email
)


@pass_context
def _vn_time(context: Context, value: datetime | None, with_time: bool = True) -> str:
    """The templates' `vn_time` filter: a time in the zone the email is rendered for (render's `zone`)."""
    return vn_time(value, context["zone"], with_time)


_env.filters["vn_time"] = _vn_time


def regulation_short(profile: Profile) -> str:
    """How an email names the profile's regulation."""
    return f"Quy chế {profile.agency}"


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render(name: str, *, zone: tzinfo, **context: object) -> Rendered:
    """Render templates/<name>.subject.txt, <name>.txt and <name>.html with the same context;
    times are written in `zone` (the config's settings.zone)."""
    context["zone"] = zone
    subject = _env.get_template(f"{name}.subject.txt").render(**context).strip()
    text = _env.get_template(f"{name}.txt").render(**context)
    html = _env.get_template(f"{name}.html").render(**context)
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)
