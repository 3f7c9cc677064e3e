"""bytes of one message -> CheckReport. The heart of tinbai.

Two halves, as in GNU Mailman's pipeline and chain:
- `analyse_message` does the I/O: it parses the MIME message and reads every file in sandboxed
  worker processes with time and memory limits (tinbai.extract.analyse); a file that times out
  or crashes its worker becomes `attachment.unreadable` and the report is still made.
- `submission_of` and `judge` are pure: they work out who sent the message and what it is
  (sender, category, anchor, deadline: tinbai.extract.submission), run the profile's chain of
  rules (tinbai.rules) and build the report. No database, no clock but the time passed in, no
  input changed in place. What the rules need from the history (earlier items with the same
  content) is looked up by the caller between the two and handed in as data.

`check` composes them for `main.py check` and the fuzzers; the daemon (tinbai.ingest.runner)
calls the same three functions with its history in between.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from tinbai.calendar import WorkCalendar
from tinbai.config import Profile
from tinbai.extract.analyse import Analyser, attachment_report
from tinbai.extract.directory import SenderDirectory
from tinbai.extract.submission import DuplicateMatch, Submission, derive
from tinbai.extract.tracking import tracking_code_in
from tinbai.message import ParsedMessage, RawAttachment
from tinbai.report import AttachmentReport, CheckReport, Problem, verdict_of
from tinbai.rules import run_chain


@dataclass(frozen=True)
class Analysed:
    """The slow, history-free half of a check: the parsed message and what each file shows.
    It depends on the raw bytes and the profile's limits only, so the daemon can work it out
    for the next messages (in threads, see tinbai.ingest.runner) while it stores this one."""

    parsed: ParsedMessage
    attachments: list[AttachmentReport]
    texts: dict[str, str]


@dataclass
class CheckOutcome:
    report: CheckReport
    texts: dict[str, str]  # attachment path -> extracted text, for the queue's search and pages
    files: dict[str, bytes]  # sha256 -> bytes of each attached file, for the queue's file store


def analyse_message(raw: bytes, profile: Profile, analyser: Analyser | None = None) -> Analysed:
    """Parse the message and read every attachment (both in the analyser's sandbox workers)."""
    own_analyser = analyser is None
    analyser = analyser or Analyser()
    try:
        parsed, all_facts = analyser.read_message(raw, profile.limits.parse_limits())
    finally:
        if own_analyser:
            analyser.close()
    return _analysed(parsed, all_facts)


def analyse_files(files: list[tuple[str, bytes]], profile: Profile, analyser: Analyser, *, subject: str,
                  text: str, sender_name: str | None, sender_address: str | None, received_at: datetime) -> Analysed:
    """What a submission brought by hand shows (tinbai.ingest.handed): its files read in the
    analyser's sandbox as an email's attachments are, with the secretary's subject and note in
    place of the message. No email is made up: there is no Message-ID, no header, no MIME."""
    parsed = ParsedMessage(message_id=None, subject=subject, from_header=None, from_name=sender_name,
                           from_address=sender_address, date=received_at, in_reply_to=None, references=[], to=[],
                           cc=[], headers=[], plain=text, html="",
                           attachments=[RawAttachment(name, "", data) for name, data in files], defects=[])
    limits = profile.limits.parse_limits()
    return _analysed(parsed, [analyser.analyse(a.filename, a.data, limits) for a in parsed.attachments])


def _analysed(parsed: ParsedMessage, all_facts: list) -> Analysed:
    attachments, texts = [], {}
    for att, facts in zip(parsed.attachments, all_facts, strict=True):
        report, member_texts = attachment_report(att.filename, att.data, facts, att.content_type,
                                                 named=att.named, sha256=att.sha256)
        attachments.append(report)
        texts.update(member_texts)
    return Analysed(parsed, attachments, texts)


def submission_of(analysed: Analysed, profile: Profile, received_at: datetime,
                  calendar: WorkCalendar, directory: SenderDirectory | None = None) -> Submission:
    """Everything the rules look at (pure); `directory`: the board's units and contributors
    (default: the profile's lists in config.toml)."""
    return derive(analysed.parsed, analysed.attachments, analysed.texts, profile, received_at, calendar,
                  directory)


def judge(sub: Submission) -> CheckOutcome:
    """Run the profile's rules and build the report (pure)."""
    problems = run_chain(sub)
    parsed = sub.message
    report = CheckReport(
        profile=sub.profile.id,
        message_id=parsed.message_id,
        received_at=sub.received_at,
        subject=parsed.subject,
        sender=sub.sender,
        category=sub.category,
        anchor=sub.anchor,
        deadline=sub.deadline,
        attachments=[_with_problems(a, problems) for a in sub.attachments],
        problems=problems,
        verdict=verdict_of(problems),
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        body_text=sub.body_text,
        # the quoted reply counts here: a reply to the board's email quotes the item's code
        tracking_code=tracking_code_in("\n".join((parsed.subject, parsed.plain, parsed.html))),
        content_fingerprint=sub.fingerprint,
        provider_unnamed=sub.provider_unnamed,
        original_sender=sub.original_sender,
        addressed_to=sub.profile.address_reached(recipients_of(parsed)),
    )
    return CheckOutcome(report, sub.texts, {a.sha256: a.data for a in parsed.attachments})


def check(raw: bytes, profile: Profile, received_at: datetime, *, calendar: WorkCalendar | None = None,
          analyser: Analyser | None = None, duplicates: list[DuplicateMatch] | None = None) -> CheckReport:
    """Run every check of `profile` on one message and return its report; `duplicates` are the
    earlier items with the same content, when the caller has a history (main.py check has none)."""
    analysed = analyse_message(raw, profile, analyser)
    sub = submission_of(analysed, profile, received_at, calendar or WorkCalendar.for_profile(profile))
    return judge(sub.with_duplicates(duplicates or [])).report


def recipients_of(parsed: ParsedMessage) -> list[str]:
    """The addresses a message was sent to: To, Cc, and the delivery headers a mail server adds
    (Delivered-To, X-Original-To), which name the mailbox a Bcc or an alias reached."""
    delivered = [v.strip() for k, v in parsed.headers if k.lower() in ("delivered-to", "x-original-to")]
    return [*parsed.to, *parsed.cc, *delivered]


def _with_problems(a: AttachmentReport, problems: list[Problem]) -> AttachmentReport:
    """A copy of the file's entry with its own problems (its archive members' too)."""
    where = a.path or a.filename
    return replace(a, problems=[p for p in problems if p.attachment == where],
                   children=[_with_problems(c, problems) for c in a.children])
