"""Emails to the board itself: an item given to someone (assigned, forwarded, escalated), and a
"forgot password" link. Written into the outbox in the caller's transaction, like the rest.

An email leaves the pages' control: an unnamed provider (tinbai.queue.privacy) is not named in it,
whoever it goes to, as in the reminders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from tinbai.config import Config, Profile
from tinbai.notifier.compose import render
from tinbai.notifier.feedback import provider_label
from tinbai.notifier.outbox import queue_email, sender_domain
from tinbai.queue.models import Item, ReviewEvent, User
from tinbai.queue.privacy import identity_values, redact
from tinbai.queue.workflow import BoardNotice


def _names(session: Session, emails: Iterable[str]) -> dict[str, str | None]:
    wanted = sorted({e for e in emails if e})
    if not wanted:
        return {}
    return {u.email: u.name for u in session.exec(select(User).where(User.email.in_(wanted)))}  # type: ignore[attr-defined]


def _who(email: str, names: dict[str, str | None]) -> str:
    name = names.get(email)
    return f"{name} <{email}>" if name else email


def item_link(config: Config, item: Item) -> str:
    return f"{config.web.base_url.rstrip('/')}/items/{item.id}"


def queue_board_notices(session: Session, item: Item, event: ReviewEvent, notices: Iterable[BoardNotice],
                        profile: Profile, config: Config) -> None:
    """One email to each person an action gave the item to (tinbai.queue.workflow.Applied.board)."""
    for notice in notices:
        names = _names(session, [*notice.to, event.actor, item.holder or ""])
        category = profile.categories.get(item.category or "")
        if item.provider_unnamed:
            sender = provider_label(item)
            subject = redact(item.subject, identity_values(item))
        else:
            sender = " — ".join(x for x in (item.sender_name, item.sender_unit) if x) or (item.sender_address or "—")
            subject = item.subject
        for to in notice.to:
            name = names.get(to)
            mail = render(
                "assignment", zone=config.settings.zone, kind=notice.kind, personal=notice.personal,
                greeting=f"đồng chí {name}" if name else "đồng chí", actor=_who(event.actor, names),
                step_label=notice.step_label, comment=notice.comment, agency=profile.agency,
                code=item.tracking_code or f"#{item.id}", subject=subject, sender=sender,
                category_label=category.label if category else (item.category or "—"),
                received_at=item.received_at, deadline=item.deadline,
                holder_label=_who(item.holder, names) if item.holder else "chưa giao cho ai",
                link=item_link(config, item), title="Tin, bài chờ xử lý")
            queue_email(session, kind="assignment", to=[to], subject=mail.subject, body_text=mail.text,
                        body_html=mail.html, item_id=item.id, dedupe_key=f"{notice.kind}:{item.id}:{event.id}:{to}",
                        domain=sender_domain(config))


def queue_password_reset(session: Session, user: User, link: str, expires_at: datetime, key: str,
                         config: Config) -> None:
    """The "forgot password" email with its one-time link."""
    agencies = sorted({p.agency for pid, p in config.profiles.items()
                       if user.profiles == "*" or pid in (user.profiles or "").split(",")})
    mail = render("password_reset", zone=config.settings.zone, greeting=f"đồng chí {user.name}" if user.name else
                  "đồng chí", email=user.email, link=link, expires_at=expires_at,
                  agency=agencies[0] if len(agencies) == 1 else "", title="Đặt lại mật khẩu")
    queue_email(session, kind="password_reset", to=[user.email], subject=mail.subject, body_text=mail.text,
                body_html=mail.html, dedupe_key=f"password_reset:{key}", domain=sender_domain(config))
