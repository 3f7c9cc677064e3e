"""Readers' feedback (category_feedback, contact_form), requests to stay unnamed (unnamed), who is
on the agency's side (origin), and what derive makes of a citizen's message on the real profiles."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from tests.submissions import config, profile
from tinbai.calendar import WorkCalendar
from tinbai.extract.category_feedback import is_feedback, writes_as_reader
from tinbai.extract.contact_form import read_contact_form
from tinbai.extract.directory import SenderDirectory
from tinbai.extract.origin import domain_allowed, from_agency
from tinbai.extract.submission import derive
from tinbai.extract.unnamed import asks_to_stay_unnamed
from tinbai.message import parse_message

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime(2026, 4, 28, 9, 0, tzinfo=VN)  # a Tuesday

COMPLAINT = ("Kính gửi Sở Tư pháp tỉnh Bình Phước,\n\n"
             "Tôi là Trần Văn Bình, trú tại ấp 3, xã Tân Lập, huyện Đồng Phú. Tôi xin phản ánh việc "
             "hồ sơ chứng thực của tôi nộp từ ngày 2/4 đến nay chưa được trả kết quả. Đề nghị quý cơ quan "
             "xem xét giải quyết.\n\nTrân trọng,\nTrần Văn Bình\n")


@pytest.mark.parametrize(("subject", "body"), [
    ("Khiếu nại về việc thi hành án", "Kính gửi Cục, ..."),
    ("Hỏi về thủ tục chứng thực bản sao", ""),
    ("", "Kính gửi Sở Tư pháp,\nTôi muốn hỏi về thủ tục đăng ký kết hôn có yếu tố nước ngoài.\nXin cảm ơn."),
    ("Câu hỏi", "Thủ tục ly hôn cần những giấy tờ gì?\n"),
    ("Re: Góp ý dự thảo quy chế", "Chúng tôi góp ý như sau: ..."),
    ("", COMPLAINT),
])
def test_a_reader_asks_complains_or_comments(subject: str, body: str) -> None:
    assert writes_as_reader(subject, body)


@pytest.mark.parametrize(("subject", "body"), [
    # a unit's news about the agency meeting citizens uses the same words in the third person
    ("Gửi tin: Lãnh đạo Cục tiếp công dân định kỳ",
     "Sáng ngày 15/7, Lãnh đạo Cục tiếp công dân, giải đáp kiến nghị, khiếu nại của người dân."),
    ("V/v gửi tin tập huấn", "Đề nghị Ban Biên tập xem xét, đăng tải. Vụ việc dẫn tới khiếu nại kéo dài."),
    ("Kế hoạch tuyên truyền", "Chị em Hội phụ nữ xã tham gia hỏi đáp pháp luật."),
])
def test_third_person_words_and_the_units_requests_are_not_a_reader(subject: str, body: str) -> None:
    assert not writes_as_reader(subject, body)


def test_only_an_outsider_or_the_contact_form_writes_feedback() -> None:
    assert is_feedback("Khiếu nại", COMPLAINT, outsider=True, contact_form=False)
    assert not is_feedback("Khiếu nại", COMPLAINT, outsider=False, contact_form=False)  # a unit's staff
    assert not is_feedback("[Tin] Tiếp công dân", COMPLAINT, outsider=True, contact_form=False)  # an outsider's news
    assert is_feedback("Liên hệ từ website", "", outsider=False, contact_form=True)


FORM = ("Thư gửi từ trang Liên hệ - Hỏi đáp của Website Sở Tư pháp\n\n"
        "Họ và tên: Lê Thị Cúc\nEmail: lethicuc.bp@mail.example.com\nĐiện thoại: 0912 345 678\n"
        "Địa chỉ: Số 12 đường Phú Riềng Đỏ, TP Đồng Xoài\nTiêu đề: Hỏi về lý lịch tư pháp\n"
        "Nội dung: Tôi cần cấp phiếu lý lịch tư pháp số 2\nthì nộp hồ sơ ở đâu?\n")


def test_the_contact_form_names_the_reader() -> None:
    form = read_contact_form(FORM)
    assert form is not None
    assert (form.name, form.email, form.phone) == ("Lê Thị Cúc", "lethicuc.bp@mail.example.com", "0912 345 678")
    assert form.postal_address == "Số 12 đường Phú Riềng Đỏ, TP Đồng Xoài"
    assert form.message == "Tôi cần cấp phiếu lý lịch tư pháp số 2\nthì nộp hồ sơ ở đâu?"
    sender = form.sender()
    assert (sender.address, sender.name, sender.title) == ("lethicuc.bp@mail.example.com", "Lê Thị Cúc", None)


def test_a_signature_with_labels_is_not_a_form() -> None:
    signature = "Kính gửi Ban Biên tập,\nGửi tin hội nghị.\n\nHọ và tên: Nguyễn Thị Hoa\nĐiện thoại: 0208 3854 376\n"
    assert read_contact_form(signature) is None
    assert read_contact_form(signature + "Email: hoa@thads-thainguyen.example.vn\n") is None  # no message field


@pytest.mark.parametrize(("text", "asks"), [
    ("Đề nghị giữ bí mật danh tính người cung cấp.", True),
    ("Không nêu tên người cung cấp", True),
    ("Tôi xin được giấu tên.", True),
    ("Đề nghị Ban Biên tập không công khai họ tên", True),
    ("Tôi không cần giữ bí mật danh tính.", False),
    ("Bài viết không nêu tên tác giả.", False),
    ("Đổi mật khẩu bí mật của hộp thư.", False),
])
def test_a_request_to_stay_unnamed(text: str, asks: bool) -> None:
    assert asks_to_stay_unnamed(text) is asks


def test_who_writes_from_the_agency() -> None:
    bp = profile("binhphuoc-stp")
    directory = SenderDirectory.of_profile(bp)

    def agency(address: str | None) -> bool:
        return from_agency(directory, bp.allowed_domains, address)

    assert agency("lan.ht@stp-binhphuoc.example.vn")
    assert agency("vanthu@phong.binhphuoc.gov.vn")
    assert not agency("namlt.82@mail.example.com")
    assert not agency(None) and not agency("not an address")


@pytest.mark.parametrize(("address", "domains", "allowed"), [
    ("a@x.vn", ["x.vn"], True), ("a@b.x.vn", ["@x.vn"], True), ("a@X.VN.", [".x.vn"], True),
    ("a@bx.vn", ["x.vn"], False), ("a@x.vn", [""], False),
])
def test_domain_allowed(address: str, domains: list[str], allowed: bool) -> None:
    assert domain_allowed(address, domains) is allowed



def _citizen_email(subject: str, body: str, sender: str = "Trần Văn Bình <tranvanbinh.dp@mail.example.com>") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "banbientapstp.bp@binhphuoc.gov.vn"
    msg["Subject"] = subject
    msg["Message-ID"] = "<c1@mail.example.com>"
    msg.set_content(body)
    return msg.as_bytes()


def _derive(pid: str, raw: bytes):
    prof = profile(pid)
    return derive(parse_message(raw), [], {}, prof, RECEIVED, WorkCalendar.for_profile(prof, config()))


def test_a_citizens_complaint_to_binhphuoc_is_feedback_answered_within_15_working_days() -> None:
    sub = _derive("binhphuoc-stp", _citizen_email("Phản ánh chậm trả kết quả chứng thực", COMPLAINT))
    assert sub.category == "feedback"
    assert sub.anchor.kind == "received"
    # binhphuoc Art. 11.2: 15 working days from Tue 28/4/2026 (29/4, then 30/4 and 1/5 off, then 4/5…)
    assert sub.deadline == datetime(2026, 5, 21, 17, 0, tzinfo=VN)
    assert (sub.sender.name, sub.sender.title) == ("Trần Văn Bình", None)


def test_hungyen_feedback_is_due_the_same_working_day() -> None:
    sub = _derive("hungyen-snv", _citizen_email("Góp ý về thủ tục", COMPLAINT))
    assert sub.category == "feedback" and sub.deadline == datetime(2026, 4, 28, 17, 0, tzinfo=VN)


def test_the_contact_form_gives_the_sender_even_from_the_portals_own_address() -> None:
    sub = _derive("binhphuoc-stp", _citizen_email("Liên hệ từ website", FORM, "Website <noreply@binhphuoc.gov.vn>"))
    assert sub.category == "feedback"
    assert (sub.sender.address, sub.sender.name) == ("lethicuc.bp@mail.example.com", "Lê Thị Cúc")


def test_an_outsider_sending_news_keeps_the_news() -> None:
    body = "Sáng ngày 27/4/2026, xã Tân Lập tổ chức hội nghị tuyên truyền pháp luật.\n\nTrần Văn Bình"
    assert _derive("binhphuoc-stp", _citizen_email("[Tin] Hội nghị tuyên truyền", body)).category == "news"


def test_the_request_to_stay_unnamed_is_kept_where_the_profile_keeps_it() -> None:
    body = COMPLAINT + "\nĐề nghị giữ bí mật danh tính người cung cấp.\n"
    assert _derive("thainguyen-thads", _citizen_email("Phản ánh", body)).provider_unnamed  # Art. 4.2
    assert not _derive("binhphuoc-stp", _citizen_email("Phản ánh", body)).provider_unnamed
