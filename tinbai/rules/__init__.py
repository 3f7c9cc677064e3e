"""The regulation as a table of rules: the chain every submission runs through.

Like a GNU Mailman 3 chain, the chain is data: the rules in the order their problems are
listed. No rule decides the verdict; tinbai.report.verdict_of derives it from the severities.
Each rule's module is the one place where its codes, severity, summary and fix text live; the
article each problem cites is the profile's.
"""

from __future__ import annotations

from dataclasses import replace

from tinbai.config import Profile
from tinbai.extract.submission import Submission
from tinbai.report import Problem
from tinbai.rules.approval import ApprovalMissing
from tinbai.rules.attribution import MissingAttribution
from tinbai.rules.base import Code, Rule
from tinbai.rules.classified import Classified
from tinbai.rules.dangerous_files import ArchiveBomb, Executable, Macro, PathTraversal
from tinbai.rules.deadline import LateSubmission
from tinbai.rules.duplicate import Duplicate
from tinbai.rules.file_findings import Encrypted, LegacyEncoding, SignatureInvalid, Unreadable
from tinbai.rules.formats import FormatNotPermitted, TooLarge, TypeMismatch
from tinbai.rules.message import MessageEmpty, MessageMalformed
from tinbai.rules.photo import MissingPhoto
from tinbai.rules.recipients import PortalMissing
from tinbai.rules.sender import MissingContact, MissingName, MissingTitle, MissingUnit, SenderUnknown
from tinbai.rules.sender_auth import AuthFailed
from tinbai.rules.stamp import StampMissing

CHAIN: tuple[Rule, ...] = (
    MessageMalformed(),
    MessageEmpty(),
    Unreadable(),
    Encrypted(),
    Executable(),
    Macro(),
    PathTraversal(),
    ArchiveBomb(),
    Classified(),
    LegacyEncoding(),
    SignatureInvalid(),
    TooLarge(),
    FormatNotPermitted(),
    TypeMismatch(),
    MissingName(),
    MissingTitle(),
    MissingUnit(),
    MissingContact(),
    SenderUnknown(),
    AuthFailed(),
    StampMissing(),
    ApprovalMissing(),
    PortalMissing(),
    MissingPhoto(),
    MissingAttribution(),
    Duplicate(),
    LateSubmission(),
)

CODES: dict[str, Code] = {c.code: c for rule in CHAIN for c in rule.codes}


def rules_for(profile: Profile) -> list[Rule]:
    return [rule for rule in CHAIN if rule.applies(profile)]


def run_chain(sub: Submission) -> list[Problem]:
    """Every problem the profile's rules find, once per code and file, each citing the profile's
    article. Pure: the submission is read, never changed."""
    seen: set[tuple[str, str | None]] = set()
    out: list[Problem] = []
    for rule in rules_for(sub.profile):
        for p in rule.check(sub):
            if (p.code, p.attachment) in seen:
                continue
            seen.add((p.code, p.attachment))
            out.append(p if p.article else replace(p, article=sub.profile.article_for(p.code)))
    return out


DEFAULT_FIX = "Xem lại và gửi lại tin, bài đã chỉnh sửa."


def fix_text(code: str) -> str:
    """What the sender should do about a problem of this code (a code an older version stored,
    and no rule raises any more, gets the general advice)."""
    return CODES[code].fix if code in CODES else DEFAULT_FIX


def problem(code: str, detail: str | None = None, **kw) -> Problem:
    """A problem of `code` as its rule words it (for callers outside the chain, e.g. a reviewer's
    note or a test's fixture)."""
    c = CODES[code]
    return Problem(code=c.code, severity=c.severity, detail=detail or c.summary, **kw)
