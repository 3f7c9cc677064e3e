"""An item's check report back from the row that stores it (Item.report_json): what the
correction email and the pages need from the report after the check ran."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tinbai.queue.models import Item
from tinbai.report import Anchor, CheckReport, Problem, Sender


def load_report(item: Item) -> CheckReport:
    """The item's check report back from report_json (what the correction email needs)."""
    data = json.loads(item.report_json or "{}")
    sender = data.get("sender") or {}
    original = data.get("original_sender")
    anchor = data.get("anchor") or {}
    return CheckReport(
        profile=data.get("profile") or item.profile,
        message_id=data.get("message_id") or item.message_id,
        received_at=_dt(data.get("received_at")) or item.received_at,
        subject=data.get("subject") if data.get("subject") is not None else item.subject,
        sender=_sender(sender),
        category=data.get("category") or item.category or "other",
        anchor=Anchor(kind=anchor.get("kind") or item.anchor_kind or "received",
                      at=_dt(anchor.get("at")) or item.anchor_at or item.received_at,
                      has_time=anchor.get("has_time", True), source=anchor.get("source")),
        deadline=_dt(data.get("deadline")),
        attachments=[],
        problems=[Problem(code=p.get("code", ""), severity=p.get("severity", "warning"),
                          attachment=p.get("attachment"), detail=p.get("detail", ""), article=p.get("article"))
                  for p in data.get("problems") or []],
        verdict=data.get("verdict") or item.verdict or "accept",
        body_text=data.get("body_text") or "",
        original_sender=_sender(original) if original else None,
        provider_unnamed=bool(data.get("provider_unnamed")),
        addressed_to=data.get("addressed_to"),
    )


def _sender(data: dict) -> Sender:
    return Sender(**{k: data.get(k) for k in ("address", "name", "title", "unit", "phone", "postal_address")})


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(str(value))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
