"""rules.deadline: the item arrived after the regulation's deadline, citing the category's article."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.submissions import RECEIVED, VN, profile, submission
from tinbai.calendar import WorkCalendar, compute_deadline
from tinbai.rules.deadline import LateSubmission


@pytest.mark.parametrize(("deadline", "fires"), [
    (RECEIVED - timedelta(minutes=1), True),
    (RECEIVED, False),  # exactly at the deadline is in time
    (RECEIVED + timedelta(days=1), False),
])
def test_late_on_arrival(deadline, fires: bool) -> None:
    problems = LateSubmission().check(submission(deadline=deadline))
    assert [p.code for p in problems] == (["deadline.late_submission"] if fires else [])
    if fires:
        assert deadline.strftime("%H:%M %d/%m/%Y") in problems[0].detail


# ---- the categories the first version missed, each with its own rule and article

@pytest.mark.parametrize(("pid", "category", "anchor", "expected_deadline", "article"), [
    # kontum Art. 9.2.c, read as 9.2.b's 3 days from issuance: Fri 24/4/2026 -> Mon 27/4
    ("kontum-stp", "public_disclosure", datetime(2026, 4, 24, tzinfo=VN), datetime(2026, 4, 27, 17, tzinfo=VN),
     "Điều 9.2.c"),
    # hungyen Art. 12.1 "ngay khi có sự thay đổi", read as the next working day: Fri 24/4 -> Tue 28/4
    # (Mon 27/4/2026 is the Hùng Kings' day off)
    ("hungyen-snv", "update", datetime(2026, 4, 24, 10, tzinfo=VN), datetime(2026, 4, 28, 17, tzinfo=VN),
     "Điều 12.1"),
    # binhphuoc Art. 9.3.đ: a monthly report for March 2026 is due in the first week of April
    ("binhphuoc-stp", "monthly_report", datetime(2026, 3, 31, tzinfo=VN), datetime(2026, 4, 7, 17, tzinfo=VN),
     "Điều 9.3.đ"),
    # a closing report, 15 days from the programme's end
    ("binhphuoc-stp", "closing_report", datetime(2026, 4, 1, tzinfo=VN), datetime(2026, 4, 16, 17, tzinfo=VN),
     "Điều 9.3.đ"),
    # an answer, 15 working days from the petition's receipt (30/4, 1/5 off)
    ("binhphuoc-stp", "answer", datetime(2026, 4, 6, tzinfo=VN), datetime(2026, 4, 28, 17, tzinfo=VN), "Điều 9.3.e"),
])
def test_new_categories_deadlines_and_articles(pid: str, category: str, anchor: datetime,
                                               expected_deadline: datetime, article: str) -> None:
    prof = profile(pid)
    rule = prof.categories[category]
    deadline = compute_deadline(rule, anchor, anchor.hour != 0, WorkCalendar.for_profile(prof))
    assert deadline == expected_deadline
    late = submission(pid, category=category, deadline=deadline, received_at=deadline + timedelta(hours=20))
    assert [p.article for p in LateSubmission().check(late)] == [article]
