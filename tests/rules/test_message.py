"""rules.message: message.empty and message.malformed."""

from __future__ import annotations

import pytest

from tests.submissions import codes, submission
from tinbai.message import RawAttachment
from tinbai.rules.message import MessageEmpty, MessageMalformed


@pytest.mark.parametrize(("body", "raw_files", "fires"), [
    ("", [], True),
    ("   \n ", [], True),
    ("", [RawAttachment("a.docx", "application/octet-stream", b"")], True),  # only a 0-byte file
    ("Nội dung", [], False),
    ("", [RawAttachment("a.docx", "application/octet-stream", b"PK..")], False),
])
def test_empty(body: str, raw_files: list, fires: bool) -> None:
    sub = submission(body=body, raw_files=raw_files)
    assert codes(MessageEmpty().check(sub)) == (["message.empty"] if fires else [])


@pytest.mark.parametrize(("defects", "fires"), [
    (["CloseBoundaryNotFoundDefect"], True),
    (["InvalidBase64PaddingDefect", "ParserFailure"], True),
    (["CharsetError"], False),  # an odd charset label that still decodes is no damage
    ([], False),
])
def test_malformed(defects: list[str], fires: bool) -> None:
    problems = MessageMalformed().check(submission(defects=defects))
    assert codes(problems) == (["message.malformed"] if fires else [])
    if fires:
        assert defects[0] in problems[0].detail
