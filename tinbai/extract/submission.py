"""The Submission: every fact about one message that the rules look at, worked out once.

`derive` is pure: from the parsed message and what each file showed (read in the sandbox
workers: tinbai.extract.reading), the profile, the time it was received and the working
calendar (whose zone, the config's settings.timezone, the texts' dates are read in), it
works out the sender, the category, the deadline's anchor and the deadline, and the content
fingerprint. It reads no database and no clock and changes none of its inputs. What the rules
need from the history (earlier items with the same content) is looked up by the caller with
the fingerprint and handed in with `with_duplicates`; the board's directory of units and
contributors (tinbai.extract.directory) is read by the caller and handed to `derive`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo

from tinbai.calendar import WorkCalendar, compute_deadline
from tinbai.config import FEEDBACK, Profile
from tinbai.extract.category import classify
from tinbai.extract.category_feedback import is_feedback
from tinbai.extract.contact_form import read_contact_form
from tinbai.extract.dates import (
    find_conference,
    find_event,
    find_issued_date,
    find_period,
    find_petition_received,
)
from tinbai.extract.directory import SenderDirectory
from tinbai.extract.duplicates import MIN_FILE_BYTES, text_fingerprint
from tinbai.extract.origin import from_agency
from tinbai.extract.secrecy import marks_in_body, marks_in_document, marks_in_subject
from tinbai.extract.sender import extract_original_sender, extract_sender
from tinbai.extract.unnamed import asks_to_stay_unnamed
from tinbai.message import ParsedMessage, is_forward_subject, without_quoted_reply
from tinbai.report import Anchor, AttachmentReport, DocumentHeader, SecrecyMark, Sender
from tinbai.textutil import html_to_text


@dataclass(frozen=True)
class DuplicateMatch:
    """An earlier item of the profile with the same content (found in the queue's history)."""

    item_id: int
    what: str  # which content matched, in Vietnamese ("cùng tệp đính kèm", "nội dung gần giống")
    similarity: float
    # when the earlier item was posted on the portal, and where (thainguyen/haiduong Art. 10.2.d:
    # content "đã được đăng tải"); None while it is only a submission
    published_at: datetime | None = None
    published_url: str | None = None


@dataclass(frozen=True)
class Submission:
    """What the rules look at. Frozen: a rule reads facts, it never changes them."""

    message: ParsedMessage
    profile: Profile
    received_at: datetime
    body_text: str
    attachments: tuple[AttachmentReport, ...]
    texts: dict[str, str]  # attachment path -> extracted text (NFC Unicode)
    sender: Sender
    category: str
    document: DocumentHeader | None  # the document that decided the category
    documents: tuple[tuple[str, DocumentHeader], ...]
    anchor: Anchor
    deadline: datetime | None
    fingerprint: dict = field(default_factory=dict)
    duplicates: tuple[DuplicateMatch, ...] = ()
    directory: SenderDirectory = SenderDirectory()  # the board's units and contributors
    # the provider asked to stay unnamed, where the profile keeps such requests (thainguyen Art. 4.2)
    provider_unnamed: bool = False
    original_sender: Sender | None = None  # the author of a forwarded message, apart from the sender
    secrecy: tuple[SecrecyMark, ...] = ()  # state-secret marks: in the subject, the body, the files' headers, stamps

    def files(self) -> list[AttachmentReport]:
        """Every attached file, archive members after their archive."""
        return _flat(self.attachments)

    def with_duplicates(self, matches: list[DuplicateMatch]) -> Submission:
        return replace(self, duplicates=tuple(matches))


def body_text_of(parsed: ParsedMessage) -> str:
    """The message's own text as a reviewer reads it (CHECK-REPORT body_text): the plain part,
    else the HTML as text, without the quoted message below its first reply header; what it
    forwards stays (forwarding an item is sending it)."""
    text = parsed.plain.strip() or html_to_text(parsed.html).strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a body's line ends as its client wrote them
    return without_quoted_reply(text, forwarding=is_forward_subject(parsed.subject))


def derive(parsed: ParsedMessage, attachments: list[AttachmentReport], texts: dict[str, str],
           profile: Profile, received_at: datetime, calendar: WorkCalendar,
           directory: SenderDirectory | None = None) -> Submission:
    """`directory`: the board's (from the database); without one, the profile's lists in config.toml."""
    body = body_text_of(parsed)
    directory = directory if directory is not None else SenderDirectory.of_profile(profile)
    form = read_contact_form(body)  # the portal's contact form writes on a reader's behalf
    forwarding = is_forward_subject(parsed.subject)
    sender = form.sender() if form else directory.fill(
        extract_sender(parsed.from_name, parsed.from_address, parsed.plain, parsed.html, forwarding=forwarding))
    original = extract_original_sender(parsed.plain, parsed.html, sender, forwarding=forwarding)
    files = _flat(attachments)
    documents = tuple((a.path, a.document) for a in files if a.document is not None)
    category, document = classify(parsed.subject, body, [d for _p, d in documents], profile)
    if FEEDBACK in profile.categories and is_feedback(parsed.subject, body, contact_form=form is not None,
                                                      outsider=not from_agency(directory, profile.allowed_domains, parsed.from_address)):
        category, document = FEEDBACK, None
    rule = profile.categories.get(category) or profile.categories["other"]
    anchor = find_anchor(rule.anchor, parsed.subject, body, texts, document, received_at, calendar.tz,
                         window=rule.window)
    deadline = compute_deadline(rule, anchor.at, anchor.has_time, calendar)
    return Submission(message=parsed, profile=profile, received_at=received_at, body_text=body,
                      attachments=tuple(attachments), texts=texts, sender=sender, category=category,
                      document=document, documents=documents, anchor=anchor, deadline=deadline,
                      fingerprint=fingerprint(body, texts, files), directory=directory,
                      provider_unnamed=profile.unnamed_providers and asks_to_stay_unnamed(f"{parsed.subject}\n{body}"),
                      original_sender=original, secrecy=secrecy_marks(parsed.subject, body, texts, files))


def secrecy_marks(subject: str, body: str, texts: dict[str, str], files: list[AttachmentReport]
                  ) -> tuple[SecrecyMark, ...]:
    """Every state-secret mark the message shows: in its subject and body, in each file's header
    (text or OCR), and the boxed stamps the workers saw on the files' pages."""
    return (*marks_in_subject(subject), *marks_in_body(body),
            *(m for path, text in texts.items() for m in marks_in_document(text, path)),
            *(m for a in files for m in a.secrecy_stamps))


def find_anchor(kind: str, subject: str, body: str, texts: dict[str, str], document: DocumentHeader | None,
                received_at: datetime, tz: tzinfo, *, window: str | None = None) -> Anchor:
    """What the deadline counts from (CHECK-REPORT "anchor"): the event for news, the issuance
    date for documents, the end of the reported period (`window`: "month", "quarter"; none: a
    programme's end), the review conference or the petition's receipt for binhphuoc's reports and
    answers (Art. 9.3.đ, 9.3.e), else the receipt; `received` whenever the text states nothing.
    Dates the text states are wall-clock dates in `tz`, the working time zone (the calendar's,
    from the config's settings.timezone)."""
    ref = received_at.astimezone(tz).date()
    if kind in ("period", "conference", "petition"):
        # the subject and the report's own title first: the body may name other months and meetings
        title = " ".join(filter(None, [document.kind, document.summary])) if document else ""
        for text in [subject, title, body, *texts.values()]:
            if kind == "period":
                period = find_period(text, window or "programme", ref)
                found = (period.end, period.source) if period else None
            elif kind == "conference":
                found = find_conference(text, ref)
            else:
                found = find_petition_received(text, ref)
            if found is not None:
                day, source = found
                return Anchor(kind=kind, at=datetime(day.year, day.month, day.day, tzinfo=tz), has_time=False,
                              source=source)
    if kind in ("event", "event_end"):
        for text in [subject + "\n" + body, *texts.values()]:
            ev = find_event(text, received_at, tz)
            if ev is not None:
                return ev.anchor(kind)  # kontum Art. 9.2: "event_end" counts from the end
    if kind in ("issued", "approved"):
        issued = None
        if document is not None and document.issued_on:
            issued = datetime.fromisoformat(document.issued_on).date()
        if issued is None:
            for text in [*texts.values(), body, subject]:
                issued = find_issued_date(text)
                if issued:
                    break
        if issued is not None:
            at = datetime(issued.year, issued.month, issued.day, tzinfo=tz)
            return Anchor(kind="issued", at=at, has_time=False, source=issued.isoformat())
    return Anchor(kind="received", at=received_at, has_time=True)


def fingerprint(body: str, texts: dict[str, str], files: list[AttachmentReport]) -> dict:
    """Hashes of the files and of the normalised text, for content.duplicate."""
    hashes = sorted({a.sha256 for a in files if a.sha256 and a.size >= MIN_FILE_BYTES and not a.children})
    return {"files": hashes, **text_fingerprint(body, list(texts.values()))}


def _flat(items: Iterable[AttachmentReport]) -> list[AttachmentReport]:
    out: list[AttachmentReport] = []
    for a in items:
        out.append(a)
        out.extend(_flat(a.children))
    return out
