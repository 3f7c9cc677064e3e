"""rules.deadline: the item arrived after the regulation's deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.submissions import RECEIVED, submission
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
