"""rules.file_findings and rules.dangerous_files: what the file readers found, on each file."""

from __future__ import annotations

import pytest

from tests.submissions import file, submission
from tinbai.parsers import facts
from tinbai.report import ERROR, SECURITY
from tinbai.rules import CHAIN
from tinbai.rules.dangerous_files import ArchiveBomb, Executable, Macro, PathTraversal
from tinbai.rules.file_findings import Encrypted, LegacyEncoding, SignatureInvalid, Unreadable

CASES = [
    (Unreadable, facts.UNREADABLE, "attachment.unreadable", ERROR),
    (Encrypted, facts.ENCRYPTED, "attachment.encrypted", ERROR),
    (LegacyEncoding, facts.LEGACY_ENCODING, "attachment.legacy_encoding", ERROR),
    (SignatureInvalid, facts.SIGNATURE_BROKEN, "signature.invalid", ERROR),
    (Executable, facts.EXECUTABLE, "attachment.executable", SECURITY),
    (Macro, facts.MACRO, "attachment.macro", SECURITY),
    (PathTraversal, facts.PATH_TRAVERSAL, "archive.path_traversal", SECURITY),
    (ArchiveBomb, facts.ARCHIVE_BOMB, "archive.bomb", SECURITY),
]


@pytest.mark.parametrize(("rule", "finding", "code", "severity"), CASES)
def test_fires_on_its_finding_only(rule, finding: str, code: str, severity: str) -> None:
    found = file("a.docx", findings=[(finding, "chi tiết của tệp")])
    clean = file("b.docx")
    problems = rule().check(submission(attachments=[found, clean]))
    assert [(p.code, p.severity, p.attachment, p.detail) for p in problems] == [
        (code, severity, "a.docx", "chi tiết của tệp")]
    others = [other for other, _f, _c, _s in CASES if other is not rule]
    assert all(other().check(submission(attachments=[found])) == [] for other in others)


def test_members_of_an_archive_are_named_by_their_path() -> None:
    member = file("doc.docm", path="tin.zip/doc.docm", findings=[(facts.MACRO, "macro AutoOpen")])
    problems = Macro().check(submission(attachments=[file("tin.zip", "zip", children=[member])]))
    assert [p.attachment for p in problems] == ["tin.zip/doc.docm"]


def test_each_rule_is_in_the_chain_once() -> None:
    names = [type(r) for r in CHAIN]
    for rule, _finding, _code, _sev in CASES:
        assert names.count(rule) == 1
