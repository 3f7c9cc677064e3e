"""The reminder emails: which template each kind of reminder uses, its outbox key, and the
email composed for one item (Vietnamese)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tinbai.calendar import WorkCalendar
from tinbai.config import Config, Profile
from tinbai.notifier.compose import Rendered, render
from tinbai.notifier.decisions import Directory, Entry, recipients
from tinbai.notifier.feedback import provider_label
from tinbai.queue.models import Item

# Reminder kind -> (outbox kind, template)
TEMPLATES: dict[str, str] = {"due_soon": "reminder", "due_now": "reminder", "overdue": "overdue",
                             "escalation": "escalation"}
KIND_LABELS: dict[str, str] = {"due_soon": "Sắp đến hạn", "due_now": "Đến hạn", "overdue": "Quá hạn",
                               "escalation": "Báo cáo quá hạn"}


def dedupe_key(item_id: int, kind: str, due_at: datetime) -> str:
    return f"reminder:{item_id}:{kind}:{due_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def compose(item: Item, entry: Entry, profile: Profile, config: Config, cal: WorkCalendar,
            directory: Directory, now: datetime) -> Rendered:
    """The reminder email (Vietnamese) for `entry` as sent at `now`."""
    rule = profile.categories.get(item.category or "")
    article = f"{rule.article} " if rule and rule.article else ""
    step = next((s for s in profile.review_steps if s.id == item.step), None)
    normal, _ = recipients(item, directory)
    if item.holder:
        name = directory.name(item.holder)
        holder_label = f"{name} <{item.holder}>" if name else item.holder
    else:
        holder_label = "chưa giao cho ai (Thư ký Ban Biên tập tiếp nhận, phân loại)"
    if entry.kind == "escalation":
        greeting = "Trưởng Ban Biên tập"
    elif item.holder and normal == [item.holder.strip().lower()]:
        name = directory.name(item.holder)
        greeting = f"đồng chí {name}" if name else "đồng chí"
    else:
        greeting = "Thư ký Ban Biên tập"
    left = cal.office_time_between(now, item.deadline) if now < item.deadline else timedelta(0)
    late = max(entry.overdue_days, cal.working_days_between(item.deadline, now)) if now > item.deadline else 0
    return render(
        TEMPLATES[entry.kind],
        zone=config.settings.zone,
        kind=entry.kind,
        agency=profile.agency,
        code=item.tracking_code or f"#{item.id}",
        subject=item.subject,
        title=KIND_LABELS[entry.kind],
        greeting=greeting,
        sender=provider_label(item),  # an unnamed provider stays unnamed to whoever is reminded
        category_label=rule.label if rule else (item.category or "—"),
        basis=f"{article}Quy chế {profile.agency}",
        received_at=item.received_at,
        deadline=item.deadline,
        step_label=step.label if step else (item.step or "—"),
        holder_label=holder_label,
        time_left=duration_text(left),
        overdue_days=late,
        link=f"{config.web.base_url.rstrip('/')}/items/{item.id}",
        now=now,
    )


def duration_text(td: timedelta) -> str:
    minutes = int(td.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} giờ {m} phút"
    if h:
        return f"{h} giờ"
    return f"{m} phút"
