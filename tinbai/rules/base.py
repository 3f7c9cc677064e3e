"""What a rule is: a small class, the one place where its problem codes are defined.

Like a GNU Mailman 3 rule, a rule has a name, a description and `check()`; it never decides
the verdict (tinbai.report.verdict_of derives that from the severities) and never does I/O:
it reads the Submission, which holds every fact the extractors found, and returns problems.

Each code a rule may raise is a `Code`: its severity, a Vietnamese summary (the problem's
default wording, for reviewers and senders) and the "how to fix" text the correction email
gives. The article a problem cites is the profile's (config.toml `[profiles.X.articles]`),
because the same rule stands in a different article of each regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tinbai.config import Profile
from tinbai.extract.submission import Submission
from tinbai.report import ERROR, SECURITY, WARNING, AttachmentReport, Problem

SEVERITIES = (ERROR, WARNING, SECURITY)


@dataclass(frozen=True)
class Code:
    """One problem code of the check report (CHECK-REPORT.md "Problem codes")."""

    code: str
    severity: str
    summary: str  # the default detail: what is wrong, in plain Vietnamese
    fix: str  # what the sender should do about it

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.code}: unknown severity {self.severity!r}")


class Rule:
    """A rule of the regulation. Subclasses set `codes` and `description` and define `check`;
    `applies` says whether the profile has the rule at all (most do)."""

    codes: ClassVar[tuple[Code, ...]] = ()
    description: ClassVar[str] = ""

    @property
    def name(self) -> str:
        return type(self).__name__

    def applies(self, profile: Profile) -> bool:
        return True

    def check(self, sub: Submission) -> list[Problem]:
        raise NotImplementedError

    def code(self, code: str) -> Code:
        for c in self.codes:
            if c.code == code:
                return c
        raise KeyError(f"{self.name} does not raise {code}")

    def problem(self, code: str, detail: str | None = None, *, attachment: str | None = None,
                related_item: int | None = None) -> Problem:
        """A problem of one of this rule's codes; the chain adds the profile's article."""
        c = self.code(code)
        return Problem(code=c.code, severity=c.severity, attachment=attachment, detail=detail or c.summary,
                       related_item=related_item)


def findings_of(a: AttachmentReport) -> list[tuple[str, str]]:
    """(finding, detail) of what reading the file showed: damage, encryption, a program… (the
    findings are named in tinbai.parsers.facts)."""
    return [tuple(f) for f in a.facts.get("findings", [])]


class FileFindingRule(Rule):
    """A rule that turns one finding of the file readers into its problem, on each file."""

    finding: ClassVar[str]

    def check(self, sub: Submission) -> list[Problem]:
        (code,) = self.codes
        out = []
        for a in sub.files():
            for finding, detail in findings_of(a):
                if finding == self.finding:
                    out.append(self.problem(code.code, detail, attachment=a.path or a.filename))
        return out
