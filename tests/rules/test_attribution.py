"""rules.attribution: quoted or collected material names author, source and date."""

from __future__ import annotations

import pytest

from tests.submissions import PROFILES, profile, submission
from tinbai.rules.attribution import MissingAttribution

COLLECTED = "Luật Thi hành án dân sự sửa đổi có hiệu lực từ ngày 01/7/2026, gồm nhiều điểm mới.\n(Sưu tầm)"
ATTRIBUTED = ("Luật Thi hành án dân sự sửa đổi có hiệu lực từ ngày 01/7/2026, gồm nhiều điểm mới.\n"
              "Nguyễn Văn An (Theo Báo Pháp luật Việt Nam, ngày 20/4/2026)")


@pytest.mark.parametrize(("body", "texts", "fires"), [
    (COLLECTED, {}, True),
    (ATTRIBUTED, {}, False),
    ("Sáng 27/4, Cục tổ chức hội nghị sơ kết quý I.", {}, False),  # the unit's own news
    ("Xem tệp đính kèm.", {"tin.docx": COLLECTED}, True),  # in an attached file too
])
def test_fires_on_unattributed_quotes(body: str, texts: dict, fires: bool) -> None:
    problems = MissingAttribution().check(submission(body=body, texts=texts))
    assert [p.code for p in problems] == (["source.missing_attribution"] if fires else [])


@pytest.mark.parametrize("pid", PROFILES)
def test_applies_where_the_regulation_asks(pid: str) -> None:
    assert MissingAttribution().applies(profile(pid)) == profile(pid).attribution_required
