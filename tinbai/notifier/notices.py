"""Which emails reach the sender: for a new submission (an acknowledgement, or a citizen's
feedback's own; a correction request; for a held one, one email saying why it is held, which for
an item held for a state-secret mark quotes nothing of it) and for the board's actions on it (a
return, a refusal, a publication, an answer to a citizen), written into the outbox in the
transaction of what caused them. The acknowledgement names the regulation's own address
(binhphuoc receives at two).

A board's return after the automatic correction request does not send the sender a second
copy of the same list: while the first is still unsent it is rewritten to carry the board's
words too; once sent, the return's email says only what the board adds.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from tinbai.config import FEEDBACK, Config, Profile
from tinbai.notifier.compose import Rendered, regulation_short, render
from tinbai.notifier.feedback import acknowledge_feedback, queue_answer
from tinbai.notifier.held import queue_held_notice
from tinbai.notifier.outbox import queue_email, sender_domain
from tinbai.notifier.planning import plan_item_reminders
from tinbai.queue.models import Item, Outbox, ReviewEvent, utcnow
from tinbai.queue.stored_report import load_report
from tinbai.queue.workflow import SenderNotice
from tinbai.report import CheckReport
from tinbai.rules import fix_text


def notices_for_new_item(session: Session, item: Item, report: CheckReport, profile: Profile,
                         config: Config, *, inserted: bool = True) -> None:
    """An acknowledgement with the tracking code and deadline; a correction request when the
    sender must fix something (errors and security problems). Also plans the item's deadline
    reminders (for every new item, whether or not the sender gets an email). `inserted`: the item
    is a new row (False: a failed item checked again, which may have reminder rows)."""
    plan_item_reminders(session, item, profile, config, first=inserted)
    to = [report.sender.address] if report.sender.address else []
    if not to or item.parent_id is not None:
        return
    if report.verdict == "quarantine":  # held (a state-secret mark too): one email that says why, nothing else
        queue_held_notice(session, item, report, profile, config, key=f"held:{item.id}")
        return
    if report.category == FEEDBACK:
        acknowledge_feedback(session, item, report, profile, config)
    else:
        _acknowledge(session, item, report, profile, config, to)
    to_fix = [p for p in report.problems if p.severity in ("error", "security")]
    if to_fix:
        queue_correction(session, item, report, profile, config, comment=None, key=f"correction:{item.id}:auto")


def _acknowledge(session: Session, item: Item, report: CheckReport, profile: Profile, config: Config,
                 to: list[str]) -> None:
    category = profile.categories.get(report.category)
    base = dict(
        agency=profile.agency,
        code=item.tracking_code,
        subject=report.subject,
        sender_name=report.sender.name,
        received_at=report.received_at,
        deadline=report.deadline,
        category_label=category.label if category else report.category,
        regulation_short=regulation_short(profile),
        title="",
        comment=None,
        # binhphuoc: two addresses reach the board; the acknowledgement names the regulation's own
        portal_address=profile.portal_address,
        portal_address_article=profile.portal_address_article,
        addressed_to=report.addressed_to,
    )
    domain = sender_domain(config)
    ack = render("acknowledgement", **base, zone=config.settings.zone)
    queue_email(session, kind="acknowledgement", to=to, subject=ack.subject, body_text=ack.text,
                body_html=ack.html, item_id=item.id, dedupe_key=f"ack:{item.id}",
                in_reply_to=report.message_id, domain=domain)


def _correction(item: Item, report: CheckReport, profile: Profile, config: Config, comment: str | None) -> Rendered:
    problems = [dict(detail=p.detail, attachment=p.attachment, article=p.article,
                     fix=fix_text(p.code))
                for p in report.problems if p.severity in ("error", "security")]
    return render("correction", zone=config.settings.zone, agency=profile.agency, code=item.tracking_code,
                  subject=report.subject, sender_name=report.sender.name, problems=problems, comment=comment,
                  regulation_short=regulation_short(profile), title="", citizen=item.category == FEEDBACK)


def queue_correction(session: Session, item: Item, report: CheckReport, profile: Profile, config: Config,
                     *, comment: str | None, key: str) -> None:
    to = [report.sender.address] if report.sender.address else []
    mail = _correction(item, report, profile, config, comment)
    queue_email(session, kind="correction", to=to, subject=mail.subject, body_text=mail.text,
                body_html=mail.html, item_id=item.id, dedupe_key=key, in_reply_to=report.message_id,
                domain=sender_domain(config))


def queue_board_correction(session: Session, item: Item, event: ReviewEvent, profile: Profile, config: Config,
                           comment: str | None) -> None:
    """The email of a board's return: the automatic request rewritten with the board's words
    while it is unsent and unclaimed; after it went out, only what the board adds; otherwise
    (none was sent, or it failed for good) the whole request with the board's words."""
    report = load_report(item)
    # FOR UPDATE: on PostgreSQL a delivery claiming the row at this moment is waited for
    first = session.exec(select(Outbox).where(Outbox.dedupe_key == f"correction:{item.id}:auto")
                         .with_for_update()).first()
    now = utcnow()
    unclaimed = first is not None and (first.locked_until is None or first.locked_until < now)
    if first is not None and first.status == "pending" and unclaimed:
        mail = _correction(item, report, profile, config, comment)
        first.subject, first.body_text, first.body_html = mail.subject, mail.text, mail.html
        session.add(first)
        return
    key = f"correction:{item.id}:event:{event.id}"  # a second return of the same item is a second email
    if first is not None and first.status != "failed" and comment:
        mail = render("correction_more", zone=config.settings.zone, agency=profile.agency, code=item.tracking_code,
                      subject=report.subject, sender_name=report.sender.name, comment=comment,
                      first_sent_at=first.sent_at or first.created_at, title="",
                      citizen=item.category == FEEDBACK)
        queue_email(session, kind="correction", to=[report.sender.address] if report.sender.address else [],
                    subject=mail.subject, body_text=mail.text, body_html=mail.html, item_id=item.id,
                    dedupe_key=key, in_reply_to=report.message_id, domain=sender_domain(config))
        return
    queue_correction(session, item, report, profile, config, comment=comment, key=key)


def queue_sender_notices(session: Session, item: Item, event: ReviewEvent, notices: Iterable[SenderNotice],
                         profile: Profile, config: Config) -> None:
    """The emails a board's action causes (tinbai.queue.workflow.Applied.notices), into the
    outbox in the action's session; `event` is the action's flushed history entry."""
    for notice in notices:
        _queue_sender_notice(session, item, event, notice, profile, config)


def _queue_sender_notice(session: Session, it: Item, event: ReviewEvent, notice: SenderNotice, prof: Profile,
                         config: Config) -> None:
    comment = notice.comment
    if notice.kind == "correction":
        if it.verdict == "quarantine":  # a held item: the held email again, with the board's words
            queue_held_notice(session, it, load_report(it), prof, config, comment=comment,
                              key=f"held:{it.id}:event:{event.id}")
        else:
            queue_board_correction(session, it, event, prof, config, comment)
        return
    if notice.kind in ("answer", "answer_online"):
        queue_answer(session, it, event, notice, prof, config)
        return
    if not it.sender_address:
        return
    # an item held for a state-secret mark is not quoted, not even its subject
    base = {"agency": prof.agency, "code": it.tracking_code or f"#{it.id}",
            "subject": None if it.classified else it.subject,
            "sender_name": it.sender_name, "regulation_short": regulation_short(prof), "title": ""}
    if notice.kind == "refusal":
        ground = notice.ground  # None: the reviewer's own reason, which the comment states
        mail = render("refusal", **base, zone=config.settings.zone, ground=ground,
                      ground_text=prof.refusal_grounds.get(ground) if ground else None, comment=comment)
        key = f"refusal:{it.id}:event:{event.id}"
    else:
        mail = render("publication", **base, zone=config.settings.zone, url=it.published_url,
                      published_at=it.published_at)
        key = f"publication:{it.id}"
    queue_email(session, kind=notice.kind, to=[it.sender_address], subject=mail.subject, body_text=mail.text,
                body_html=mail.html, item_id=it.id, dedupe_key=key, in_reply_to=it.message_id,
                domain=sender_domain(config))
