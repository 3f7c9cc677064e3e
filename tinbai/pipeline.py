"""bytes of one message -> CheckReport. The heart of tinbai, and pure.

`check(raw, profile, received_at)` depends on nothing but its inputs: no
database, no network, no clock but the one passed in. Reading attachments is
slow and dangerous, so it happens in worker processes with time and memory
limits (tinbai.parsers.sandbox); a file that times out or crashes its worker
becomes `attachment.unreadable` and the report is still made.

The flow, like GNU Mailman's pipeline: parse the MIME message, read each file,
work out who sent it and what it is (sender, category, anchor, deadline), then
run the chain of rules (tinbai.checks.rules), each a small function returning
problems; the verdict is derived from the problems, never decided in a rule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tinbai.calendar import WorkCalendar, compute_deadline
from tinbai.checks import rules
from tinbai.config import Profile
from tinbai.extract.analyse import Analyser, attachment_report
from tinbai.extract.category import classify
from tinbai.extract.dates import find_event, find_issued_date
from tinbai.extract.duplicates import MIN_FILE_BYTES, text_fingerprint
from tinbai.extract.sender import extract_sender
from tinbai.message import ParsedMessage
from tinbai.report import Anchor, AttachmentReport, CheckReport, DocumentHeader, Problem, Sender, verdict_of
from tinbai.textutil import html_to_text

log = logging.getLogger(__name__)


class History(Protocol):
    """Earlier submissions, for content.duplicate (the daemon's is kept in the database)."""

    def find_duplicates(self, profile: str, fingerprint: dict) -> list[tuple[int, str, float]]:
        """(earlier item id, what matched, similarity) for each earlier item with the same content."""
        ...


@dataclass
class Submission:
    """Everything the rules look at, worked out once."""

    parsed: ParsedMessage
    profile: Profile
    received_at: datetime
    body_text: str
    attachments: list[AttachmentReport]
    texts: dict[str, str]  # attachment path -> extracted text (NFC Unicode)
    sender: Sender = field(default_factory=Sender)
    category: str = "other"
    document: DocumentHeader | None = None  # the document that decided the category
    documents: list[tuple[str, DocumentHeader]] = field(default_factory=list)
    anchor: Anchor | None = None
    deadline: datetime | None = None
    fingerprint: dict = field(default_factory=dict)
    history: History | None = None

    def flat(self) -> list[AttachmentReport]:
        out: list[AttachmentReport] = []

        def walk(items: list[AttachmentReport]) -> None:
            for a in items:
                out.append(a)
                walk(a.children)

        walk(self.attachments)
        return out


def check(
    raw: bytes,
    profile: Profile,
    received_at: datetime,
    *,
    calendar: WorkCalendar | None = None,
    history: History | None = None,
    analyser: Analyser | None = None,
) -> CheckReport:
    """Run every check of `profile` on one message and return its report."""
    return check_with_texts(raw, profile, received_at, calendar=calendar, history=history,
                            analyser=analyser).report


@dataclass
class CheckOutcome:
    report: CheckReport
    texts: dict[str, str]  # attachment path -> extracted text, for the queue's search and pages
    files: dict[str, bytes]  # sha256 -> bytes of each attached file, for the queue's file store


@dataclass
class Analysed:
    """The slow, history-free half of a check: the parsed message and what each file shows.
    It depends on the raw bytes and the profile's limits only, so the daemon can work it out
    for the next messages (in threads, see tinbai.ingest.runner) while it stores this one."""

    parsed: ParsedMessage
    attachments: list[AttachmentReport]
    texts: dict[str, str]


def analyse_message(raw: bytes, profile: Profile, analyser: Analyser | None = None) -> Analysed:
    """Parse the message and read every attachment (both in the analyser's sandbox workers)."""
    own_analyser = analyser is None
    analyser = analyser or Analyser()
    try:
        parsed, all_facts = analyser.read_message(raw, profile.limits.parse_limits())
        attachments, texts = [], {}
        for att, facts in zip(parsed.attachments, all_facts, strict=True):
            report, member_texts = attachment_report(att.filename, att.data, facts, att.content_type,
                                                     named=att.named, sha256=att.sha256)
            attachments.append(report)
            texts.update(member_texts)
    finally:
        if own_analyser:
            analyser.close()
    return Analysed(parsed, attachments, texts)


def check_with_texts(
    raw: bytes,
    profile: Profile,
    received_at: datetime,
    *,
    calendar: WorkCalendar | None = None,
    history: History | None = None,
    analyser: Analyser | None = None,
    analysed: Analysed | None = None,
) -> CheckOutcome:
    """check(), with the extracted texts and the files (the queue keeps them).

    `analysed`: analyse_message(raw, profile) worked out beforehand (used once: the rules
    below write into its attachment reports). The rest, which reads the history, runs here."""
    calendar = calendar or WorkCalendar.for_profile(profile)
    if analysed is None:
        analysed = analyse_message(raw, profile, analyser)
    parsed, attachments, texts = analysed.parsed, analysed.attachments, analysed.texts

    body = parsed.plain.strip() or html_to_text(parsed.html).strip()
    sub = Submission(parsed=parsed, profile=profile, received_at=received_at, body_text=body,
                     attachments=attachments, texts=texts, history=history)
    sub.sender = extract_sender(parsed.from_header, parsed.plain, parsed.html, profile)
    if not sub.sender.address:
        sub.sender.address = parsed.from_address
    sub.documents = [(a.path, a.document) for a in sub.flat() if a.document is not None]
    sub.category, sub.document = classify(parsed.subject, body, [d for _p, d in sub.documents], profile)
    sub.anchor = find_anchor(sub, profile)
    rule = profile.categories.get(sub.category) or profile.categories["other"]
    sub.deadline = compute_deadline(rule, sub.anchor.at, sub.anchor.has_time, calendar)
    sub.fingerprint = fingerprint(sub)

    problems: list[Problem] = []
    for rule_fn in rules.CHAIN:
        problems.extend(rule_fn(sub))
    problems = [_with_article(p, profile) for p in _unique(problems)]
    for a in sub.flat():
        a.problems = [p for p in problems if p.attachment == (a.path or a.filename)]

    report = CheckReport(
        profile=profile.id,
        message_id=parsed.message_id,
        received_at=received_at,
        subject=parsed.subject,
        sender=sub.sender,
        category=sub.category,
        anchor=sub.anchor,
        deadline=sub.deadline,
        attachments=attachments,
        problems=problems,
        verdict=verdict_of(problems),
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        body_text=body,
        tracking_code=rules.tracking_code_in(parsed.subject + "\n" + body),
        content_fingerprint=sub.fingerprint,
    )
    return CheckOutcome(report, texts, {a.sha256: a.data for a in parsed.attachments})


def find_anchor(sub: Submission, profile: Profile) -> Anchor:
    """What the deadline counts from (CHECK-REPORT "anchor"): the event for news, the issuance
    date for documents, else the receipt; `received` whenever the text states nothing."""
    rule = profile.categories.get(sub.category) or profile.categories["other"]
    tz = sub.received_at.tzinfo
    if rule.anchor in ("event", "event_end"):
        texts = [sub.parsed.subject + "\n" + sub.body_text, *sub.texts.values()]
        for text in texts:
            ev = find_event(text, sub.received_at)
            if ev is not None:
                return ev.anchor(rule.anchor)  # kontum Art. 9.2: "event_end" counts from the end
    if rule.anchor in ("issued", "approved"):
        issued = None
        if sub.document is not None and sub.document.issued_on:
            issued = datetime.fromisoformat(sub.document.issued_on).date()
        if issued is None:
            for text in [*sub.texts.values(), sub.body_text, sub.parsed.subject]:
                issued = find_issued_date(text)
                if issued:
                    break
        if issued is not None:
            at = datetime(issued.year, issued.month, issued.day, tzinfo=tz)
            return Anchor(kind="issued", at=at, has_time=False, source=issued.isoformat())
    return Anchor(kind="received", at=sub.received_at, has_time=True)


def fingerprint(sub: Submission) -> dict:
    """Hashes of the files and of the normalised text, for content.duplicate."""
    files = sorted({a.sha256 for a in sub.flat() if a.sha256 and a.size >= MIN_FILE_BYTES and not a.children})
    return {"files": files, **text_fingerprint(sub.body_text, list(sub.texts.values()))}


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.code, p.attachment)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _with_article(p: Problem, profile: Profile) -> Problem:
    if p.article is None:
        p.article = profile.article_for(p.code)
    return p

