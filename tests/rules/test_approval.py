"""rules.approval: the sending unit's leader approved the item (its own rule, not the seal's), per
profile: which categories, whose items, and what shows the approval."""

from __future__ import annotations

import pytest

from tests.submissions import cited, complete_sender, file, profile, submission
from tinbai.config import Unit
from tinbai.report import DocumentHeader
from tinbai.rules import rules_for
from tinbai.rules.approval import ApprovalMissing

BP = complete_sender(address="lan.ht@stp-binhphuoc.example.vn", unit="Phòng Tư pháp huyện Bù Đăng")
KT_DISTRICT = complete_sender(address="hung.nv@stp-kontum.example.vn", unit="Phòng Tư pháp huyện Đắk Hà")
KT_DEPARTMENT = complete_sender(address="thang.dq@stp-kontum.example.vn", unit="Văn phòng Sở")
HY = complete_sender(address="nga.nd@snv-hungyen.example.vn", unit="Phòng Công chức, viên chức")
CITIZEN = complete_sender(address="nguyenvana@mail.example.com", title=None, unit=None)


def fires(sub) -> bool:
    return [p.code for p in ApprovalMissing().check(sub)] == ["approval.missing"]


@pytest.mark.parametrize(("title", "body", "expected"), [
    ("Chuyên viên", "Văn phòng gửi Quyết định số 117.", True),
    ("Phó Chánh Văn phòng", "Văn phòng gửi Quyết định số 117.", False),  # a leader sends it
    ("Chuyên viên", "Văn bản đã được lãnh đạo phòng duyệt, đề nghị đăng tải.", False),
    ("Chuyên viên", "Tin bài đã được Trưởng phòng kiểm tra, xét duyệt.", False),  # thainguyen Art. 9.1's words
    ("Chuyên viên", "Đồng chí Giám đốc đã phê duyệt nội dung.", False),
    ("Chuyên viên", "Đề nghị lãnh đạo xem xét.", True),  # a request, not an approval
    ("Chuyên viên", "Kính đề nghị lãnh đạo phê duyệt nội dung.", True),  # asking is not approving
    ("Chuyên viên", "Bài viết lãnh đạo phòng chưa phê duyệt.", True),
])
def test_what_the_message_says(title: str, body: str, expected: bool) -> None:
    sub = submission("thainguyen-thads", category="directive", body=body, sender=complete_sender(title=title))
    assert fires(sub) is expected


@pytest.mark.parametrize(("attachment", "expected"), [
    (file("qd.jpg", "jpg", red_stamp=True), False),  # a sealed document: the leader signed it
    (file("qd.pdf", "pdf", red_stamp=False, digital_signature=True), False),
    (file("qd.pdf", "pdf", red_stamp=False, document=DocumentHeader(signer_title="KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC")), False),
    (file("qd.pdf", "pdf", red_stamp=False, document=DocumentHeader(signer_title="CHUYÊN VIÊN")), True),
    (file("qd.pdf", "pdf", red_stamp=False), True),
])
def test_a_signed_or_sealed_document_shows_it(attachment, expected: bool) -> None:
    sub = submission("haiduong-thads", category="directive", body="Gửi văn bản.", attachments=[attachment],
                     sender=complete_sender(address="mai.lt@thads-haiduong.example.vn"))
    assert fires(sub) is expected


def test_a_leader_among_the_recipients_shows_approval() -> None:
    prof = profile("thainguyen-thads").model_copy(update={"units": [
        Unit(name="Văn phòng", leaders=["chanhvp@thads-thainguyen.example.vn"])]})
    sub = submission(prof, category="directive", body="Gửi Quyết định.", cc=["chanhvp@thads-thainguyen.example.vn"])
    assert ApprovalMissing().check(sub) == []


@pytest.mark.parametrize(("category", "expected"), [("directive", True), ("news", True), ("other", False)])
def test_thainguyen_news_by_staff_and_the_documents_of_art_8_2(category: str, expected: bool) -> None:
    assert fires(submission("thainguyen-thads", category=category, body="Gửi tin bài.")) is expected


def test_not_asked_of_citizens_and_other_bodies() -> None:
    assert not fires(submission("thainguyen-thads", category="news", body="Gửi tin bài.", sender=CITIZEN))


@pytest.mark.parametrize(("body", "from_name", "expected"), [
    ("Phòng Tư pháp huyện Bù Đăng gửi tin bài về hoạt động của phòng.", "Hồ Thùy Lan", True),
    ("Kính gửi Ban Biên tập, Phòng gửi tin bài đính kèm.", "Hồ Thùy Lan", True),
    ("Kính gửi Ban Biên tập, em gửi bài viết của em về pháp luật hôn nhân.", "Hồ Thùy Lan", False),  # her own
    ("Kính gửi Ban Biên tập, gửi tin bài.", "Phòng Tư pháp huyện Bù Đăng", True),  # the unit's mailbox
    ("Phòng Tư pháp huyện Bù Đăng gửi tin, đã được Trưởng phòng duyệt.", "Hồ Thùy Lan", False),
])
def test_binhphuoc_what_a_unit_supplies_not_a_staff_members_own_item(body: str, from_name: str,
                                                                       expected: bool) -> None:
    assert fires(submission("binhphuoc-stp", category="news", body=body, sender=BP, from_name=from_name)) is expected


@pytest.mark.parametrize("category", ["news", "statistics", "monthly_report", "answer", "other"])
def test_binhphuoc_every_kind_of_item(category: str) -> None:
    assert fires(submission("binhphuoc-stp", category=category, body="Phòng gửi văn bản.", sender=BP))


@pytest.mark.parametrize(("sender", "expected"), [(KT_DISTRICT, True), (KT_DEPARTMENT, False)])
def test_kontum_the_district_justice_offices(sender, expected: bool) -> None:
    assert fires(submission("kontum-stp", category="news", body="Gửi tin hoạt động.", sender=sender)) is expected


@pytest.mark.parametrize(("category", "expected"), [("update", True), ("news", True), ("directive", True)])
def test_hungyen_every_item_of_the_units_staff(category: str, expected: bool) -> None:
    assert fires(submission("hungyen-snv", category=category, body="Gửi tin.", sender=HY)) is expected


@pytest.mark.parametrize(("pid", "sender", "article"), [
    ("thainguyen-thads", None, "Điều 8.2, Điều 9.1"),
    ("haiduong-thads", complete_sender(address="a@thads-haiduong.example.vn"), "Điều 8.2, Điều 9.1"),
    ("binhphuoc-stp", BP, "Điều 9.1.a"),
    ("kontum-stp", KT_DISTRICT, "Điều 18.2"),
    ("hungyen-snv", HY, "Điều 11.3, Điều 11.4"),
])
def test_cites_the_profiles_article(pid: str, sender, article: str) -> None:
    assert cited(pid, "approval.missing", category="news", body="Phòng gửi tin.", sender=sender) == [article]
    assert ApprovalMissing in {type(r) for r in rules_for(profile(pid))}


def test_only_for_the_categories_the_profile_names() -> None:
    assert not ApprovalMissing().applies(profile("kontum-stp").model_copy(update={"approval_required_for": []}))
