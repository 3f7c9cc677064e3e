"""rules.duplicate: the same content as an earlier item (the matches are handed in as data)."""

from __future__ import annotations

from tests.submissions import submission
from tinbai.extract.submission import DuplicateMatch
from tinbai.rules.duplicate import Duplicate


def test_names_the_earliest_match() -> None:
    sub = submission(duplicates=[DuplicateMatch(3, "cùng tệp đính kèm", 1.0), DuplicateMatch(9, "nội dung gần giống", 0.9)])
    problems = Duplicate().check(sub)
    assert [(p.code, p.related_item) for p in problems] == [("content.duplicate", 3)]
    assert "#3" in problems[0].detail and "100%" in problems[0].detail


def test_no_match_no_problem() -> None:
    assert Duplicate().check(submission(duplicates=[])) == []
