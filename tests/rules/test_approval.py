"""rules.approval: the sending unit's leader approved the item (its own rule, not the seal's)."""

from __future__ import annotations

import pytest

from tests.submissions import complete_sender, profile, submission
from tinbai.config import Unit
from tinbai.rules.approval import ApprovalMissing


@pytest.mark.parametrize(("title", "body", "fires"), [
    ("Chuyên viên", "Văn phòng gửi Quyết định số 117.", True),
    ("Phó Chánh Văn phòng", "Văn phòng gửi Quyết định số 117.", False),  # a leader sends it
    ("Chuyên viên", "Văn bản đã được lãnh đạo phòng duyệt, đề nghị đăng tải.", False),
    ("Chuyên viên", "Đồng chí Giám đốc đã phê duyệt nội dung.", False),
    ("Chuyên viên", "Đề nghị lãnh đạo xem xét.", True),  # a request, not an approval
])
def test_leader_approval_in_the_message(title: str, body: str, fires: bool) -> None:
    sub = submission("thainguyen-thads", category="directive", body=body, sender=complete_sender(title=title))
    assert [p.code for p in ApprovalMissing().check(sub)] == (["approval.missing"] if fires else [])


def test_a_leader_among_the_recipients_shows_approval() -> None:
    prof = profile("thainguyen-thads").model_copy(update={"units": [
        Unit(name="Văn phòng", leaders=["chanhvp@thads-thainguyen.example.vn"])]})
    sub = submission(prof, category="directive", body="Gửi Quyết định.", cc=["chanhvp@thads-thainguyen.example.vn"])
    assert ApprovalMissing().check(sub) == []


def test_only_for_the_categories_the_profile_names() -> None:
    assert ApprovalMissing().check(submission("thainguyen-thads", category="news", body="Tin.")) == []
    assert ApprovalMissing().applies(profile("thainguyen-thads"))
    assert not ApprovalMissing().applies(profile("kontum-stp").model_copy(update={"approval_required_for": []}))
