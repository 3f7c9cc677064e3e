"""rules.stamp: the red seal (or a digital signature where the profile accepts one)."""

from __future__ import annotations

import pytest

from tests.submissions import PROFILES, file, profile, submission
from tinbai.rules import rules_for
from tinbai.rules.stamp import StampMissing

SCAN = dict(red_stamp=False, pages=1)


@pytest.mark.parametrize(("pid", "category", "files", "fires"), [
    ("haiduong-thads", "directive", [file("qd.pdf", "pdf", **SCAN)], True),
    ("haiduong-thads", "directive", [file("qd.pdf", "pdf", red_stamp=True)], False),
    ("haiduong-thads", "news", [file("qd.pdf", "pdf", **SCAN)], False),  # news needs no seal
    ("haiduong-thads", "directive", [file("qd.pdf", "pdf", red_stamp=False, digital_signature=True)], True),
    ("binhphuoc-stp", "directive", [file("qd.pdf", "pdf", red_stamp=False, digital_signature=True)], False),
    ("binhphuoc-stp", "statistics", [file("tk.pdf", "pdf", **SCAN)], True),  # Art. 9.1.c: statistics too
    ("thainguyen-thads", "directive", [file("qd.docx", "docx")], True),
    ("thainguyen-thads", "directive", [file("qd.zip", "zip", children=[
        file("qd.jpg", "jpg", path="qd.zip/qd.jpg", red_stamp=True)])], False),  # a seal inside an archive
])
def test_seal_required(pid: str, category: str, files: list, fires: bool) -> None:
    problems = StampMissing().check(submission(pid, category=category, attachments=files))
    assert [p.code for p in problems] == (["stamp.missing"] if fires else [])


def test_says_where_it_looked() -> None:
    problems = StampMissing().check(submission(category="directive", attachments=[file("qd.pdf", "pdf", **SCAN)]))
    assert "qd.pdf" in problems[0].detail


@pytest.mark.parametrize("pid", PROFILES)
def test_applies_where_the_regulation_asks(pid: str) -> None:
    assert (StampMissing in {type(r) for r in rules_for(profile(pid))}) == bool(profile(pid).seal_required_for)
