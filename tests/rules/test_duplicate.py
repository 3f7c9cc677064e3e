"""rules.duplicate: the same content as an earlier item or a posted one (the matches are handed in as data)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.submissions import cited, submission
from tinbai.extract.submission import DuplicateMatch
from tinbai.rules.duplicate import Duplicate


def test_names_the_earliest_match() -> None:
    sub = submission(duplicates=[DuplicateMatch(3, "cùng tệp đính kèm", 1.0), DuplicateMatch(9, "nội dung gần giống", 0.9)])
    problems = Duplicate().check(sub)
    assert [(p.code, p.related_item) for p in problems] == [("content.duplicate", 3)]
    assert "#3" in problems[0].detail and "100%" in problems[0].detail


def test_no_match_no_problem() -> None:
    assert Duplicate().check(submission(duplicates=[])) == []


def test_a_posted_item_is_named_with_when_and_where() -> None:
    posted = DuplicateMatch(7, "nội dung gần giống", 0.9, published_at=datetime(2026, 5, 2, 3, 0, tzinfo=UTC),
                            published_url="https://thads.example.vn/tin/7")
    sub = submission(duplicates=[DuplicateMatch(3, "cùng tệp đính kèm", 1.0), posted])
    [p] = Duplicate().check(sub)
    assert p.related_item == 7  # the posted one, though an earlier submission matched too
    assert "đã đăng trên Trang ngày 02/05/2026" in p.detail and "https://thads.example.vn/tin/7" in p.detail


def test_an_unposted_match_says_so() -> None:
    [p] = Duplicate().check(submission(duplicates=[DuplicateMatch(3, "cùng nội dung", 1.0)]))
    assert "chưa đăng" in p.detail


@pytest.mark.parametrize(("pid", "article"), [("thainguyen-thads", "Điều 10.2.d"), ("haiduong-thads", "Điều 10.2.d"),
                                              ("binhphuoc-stp", "Điều 12.1"), ("kontum-stp", "Điều 14.4"),
                                              ("hungyen-snv", "Điều 14.2")])
def test_cites_the_profiles_article_and_no_invented_refusal_letter(pid: str, article: str) -> None:
    assert cited(pid, "content.duplicate", duplicates=[DuplicateMatch(3, "cùng nội dung", 1.0)]) == [article]
