"""Submissions built from facts, for testing one rule at a time.

A rule reads a Submission (tinbai.extract.submission); these builders make one with only the
facts a test names, on the real profiles of config.toml, so that a rule's test needs no email,
no parser and no database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from tinbai.config import Config, Profile, load_config
from tinbai.extract.directory import SenderDirectory
from tinbai.extract.submission import DuplicateMatch, Submission
from tinbai.message import ParsedMessage, RawAttachment
from tinbai.report import Anchor, AttachmentReport, DocumentHeader, Sender
from tinbai.rules import run_chain

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime(2026, 4, 28, 9, 0, tzinfo=VN)  # a Tuesday
PROFILES = ("thainguyen-thads", "haiduong-thads", "binhphuoc-stp", "kontum-stp", "hungyen-snv")


@cache
def config() -> Config:
    return load_config()


def profile(pid: str) -> Profile:
    return config().profile(pid)


def complete_sender(**kw: str | None) -> Sender:
    """A sender who stated everything every regulation asks, from a registered domain."""
    values = dict(address="hoa.nt@thads-thainguyen.example.vn", name="Nguyễn Thị Hoa", title="Chuyên viên",
                  unit="Văn phòng Cục", phone="0208.3854.376", postal_address=None)
    values.update(kw)
    return Sender(**values)


def file(filename: str, detected_type: str | None = None, *, size: int = 20_000,
         findings: list[tuple[str, str]] | None = None, children: list[AttachmentReport] | None = None,
         **kw) -> AttachmentReport:
    """One attached file as the analyser reports it; `findings`: (finding, detail) the file
    readers recorded on it (the findings of tinbai.parsers.facts)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else None
    facts = {"findings": list(findings or []), "named": True, **kw.pop("facts", {})}
    return AttachmentReport(filename=filename, extension=ext, detected_type=detected_type or ext or "unknown",
                            size=size, path=kw.pop("path", filename), children=list(children or []),
                            facts=facts, **kw)


def submission(pid: str | Profile = "thainguyen-thads", *, body: str = "Nội dung tin bài.", subject: str = "Tin bài",
               sender: Sender | None = None, category: str = "news",
               attachments: list[AttachmentReport] | None = None, texts: dict[str, str] | None = None,
               document: DocumentHeader | None = None, received_at: datetime = RECEIVED,
               deadline: datetime | None = None, duplicates: list[DuplicateMatch] | None = None,
               headers: list[tuple[str, str]] | None = None, to: list[str] | None = None,
               cc: list[str] | None = None, raw_files: list[RawAttachment] | None = None,
               defects: list[str] | None = None, from_name: str | None = None) -> Submission:
    attachments = list(attachments or [])
    sender = sender or complete_sender()
    parsed = ParsedMessage(
        message_id="<t@example.vn>", subject=subject, from_header=sender.address, from_name=from_name or sender.name,
        from_address=sender.address, date=received_at, in_reply_to=None, references=[], to=list(to or []),
        cc=list(cc or []), headers=list(headers or []), plain=body, html="",
        attachments=raw_files if raw_files is not None else [
            RawAttachment(a.filename, "application/octet-stream", b"x" * min(a.size, 16)) for a in attachments],
        defects=list(defects or []))
    prof = pid if isinstance(pid, Profile) else profile(pid)
    return Submission(
        message=parsed, profile=prof, received_at=received_at, body_text=body,
        attachments=tuple(attachments), texts=dict(texts or {}), sender=sender, category=category,
        document=document, documents=((document and (("doc", document),)) or ()),
        anchor=Anchor(kind="received", at=received_at), deadline=deadline or received_at + timedelta(days=1),
        duplicates=tuple(duplicates or ()), directory=SenderDirectory.of_profile(prof))


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def cited(pid: str | Profile, code: str, **kw) -> list[str | None]:
    """The articles the chain cites for `code` on a submission of profile `pid` built from kw."""
    return [p.article for p in run_chain(submission(pid, **kw)) if p.code == code]
