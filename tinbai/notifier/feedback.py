"""The emails about a citizen's feedback (category `feedback`), into the outbox in the
transaction of what caused them:

- the acknowledgement to the reader: plain and kind, in the words one writes to a citizen
  ("Ông/Bà"), without the units' formalities (no regulation, no category, no article);
- the feedback forwarded to the unit in charge, with its deadline (binhphuoc Art. 11.2–11.3);
  the unit answers by replying, and the tracking code joins its answer to the item;
- the board's answer to the reader, threaded to the reader's message (In-Reply-To/References),
  or the link to the answer in the Q&A section (binhphuoc Art. 11.5).
An unnamed provider's identity (thainguyen/haiduong Art. 4.2) never goes to a unit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from tinbai.config import Config, Profile
from tinbai.notifier.compose import render
from tinbai.notifier.outbox import queue_email, sender_domain
from tinbai.queue.models import Item, ReviewEvent, UnitForward
from tinbai.queue.privacy import UNNAMED
from tinbai.queue.workflow import SenderNotice
from tinbai.report import CheckReport


def provider_label(item: Item) -> str:
    """Who wrote, as the emails to the units and the board's reminders name them."""
    if item.provider_unnamed:
        return UNNAMED
    who = " — ".join(x for x in (item.sender_name, item.sender_unit) if x)
    if item.sender_address:
        who = f"{who} <{item.sender_address}>" if who else item.sender_address
    return who or "—"


def basis(item: Item, profile: Profile) -> str:
    """The article of the category and the regulation: "Điều 11.2 Quy chế Sở Tư pháp tỉnh Bình Phước"."""
    rule = profile.categories.get(item.category or "")
    return " ".join(x for x in (rule.article if rule else None, f"Quy chế {profile.agency}") if x)


def acknowledge_feedback(session: Session, item: Item, report: CheckReport, profile: Profile,
                         config: Config) -> None:
    duties = profile.feedback
    mail = render("feedback_acknowledgement", zone=config.settings.zone, agency=profile.agency,
                  code=item.tracking_code, subject=report.subject, sender_name=report.sender.name,
                  received_at=report.received_at, to_unit=duties.forward_to_unit,
                  answer_by=report.deadline if duties.deadline_is_answer else None,
                  unnamed=report.provider_unnamed, title="")
    queue_email(session, kind="acknowledgement", to=[report.sender.address] if report.sender.address else [],
                subject=mail.subject, body_text=mail.text, body_html=mail.html, item_id=item.id,
                dedupe_key=f"ack:{item.id}", in_reply_to=report.message_id, domain=sender_domain(config))


def queue_unit_forwards(session: Session, item: Item, forwards: Iterable[UnitForward], note: str | None,
                        question: str, profile: Profile, config: Config) -> None:
    """The email that gives each unit the feedback to answer (`question`: what the reader wrote),
    with the board's note."""
    for fwd in forwards:
        mail = render("unit_forward", zone=config.settings.zone, agency=profile.agency, unit=fwd.unit,
                      code=item.tracking_code or f"#{item.id}", subject=item.subject, sender=provider_label(item),
                      received_at=item.received_at, due_at=fwd.due_at, basis=basis(item, profile),
                      question=question, note=(note or "").strip() or None, title="")
        queue_email(session, kind="unit_forward", to=[a.strip() for a in fwd.addresses.split(",") if a.strip()],
                    subject=mail.subject, body_text=mail.text, body_html=mail.html, item_id=item.id,
                    dedupe_key=f"unit_forward:{fwd.id}", domain=sender_domain(config))


def queue_answer(session: Session, item: Item, event: ReviewEvent, notice: SenderNotice, profile: Profile,
                 config: Config) -> None:
    """The board's answer to the reader (or the link to it in the Q&A section), threaded to the
    reader's own message so that their mail program shows it as the reply."""
    if not item.sender_address:
        return
    base = dict(zone=config.settings.zone, agency=profile.agency, code=item.tracking_code or f"#{item.id}",
                subject=item.subject, sender_name=item.sender_name,
                received_at=item.received_at, title="")
    if notice.kind == "answer":
        mail = render("answer", **base, answer=notice.comment or "")
    else:
        mail = render("answer_online", **base, url=item.published_url,
                      section=profile.feedback.qa_section or "Hỏi đáp")
    queue_email(session, kind=notice.kind, to=[item.sender_address], subject=mail.subject, body_text=mail.text,
                body_html=mail.html, item_id=item.id, dedupe_key=f"{notice.kind}:{item.id}:event:{event.id}",
                in_reply_to=item.message_id, domain=sender_domain(config))

