"""What reaches the board other than by a unit's email, in a real browser (Chromium via Playwright,
the app under uvicorn; tests/browser_fixtures.py):

- a secretary registers a USB stick's two files (binhphuoc Art. 9.1.a); the submission is checked
  as an email's attachments are and appears in the queue with its check report, its deadline and
  its channel;
- a provider who asked to stay unnamed (thainguyen Art. 4.2): a member never sees their name,
  address or phone, on the item page, in the queue, by a search or in the export; the head does,
  and the history records it.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.browser_fixtures import ARTIFACTS, log_in, needs_chromium
from tests.web_fixtures import VN, add_user
from tinbai.demo_samples import docx, photo
from tinbai.ingest.runner import Ingestor
from tinbai.queue.models import Attachment, Item, ProblemRow, ReviewEvent

pytestmark = needs_chromium


def test_a_secretary_registers_a_usb_submission_with_two_files(board, browser: Browser) -> None:
    served, config, engine = board
    base = served.url
    add_user(engine, "thuky@stp-binhphuoc.example.vn", "secretary", "binhphuoc-stp", name="Vũ Thị Thư")
    article = docx(["HỘI NGHỊ TẬP HUẤN NGHIỆP VỤ CHỨNG THỰC",
                    "Sáng ngày 3/12/2026, Phòng Tư pháp huyện Đồng Phú tổ chức hội nghị tập huấn nghiệp vụ "
                    "chứng thực cho cán bộ tư pháp các xã.",
                    "Tin: Phòng Tư pháp huyện Đồng Phú"])
    picture = photo(3, (640, 480))

    page = log_in(browser, base, "thuky@stp-binhphuoc.example.vn")
    page.get_by_role("link", name="Tiếp nhận trực tiếp").click()
    expect(page.get_by_role("heading", name="Tiếp nhận tin, bài nhận trực tiếp")).to_be_visible()
    page.get_by_label("Hình thức nhận").select_option("usb")
    yesterday = datetime.now(VN) - timedelta(days=1)
    page.get_by_label("Ngày nhận").fill(yesterday.strftime("%Y-%m-%d"))
    page.get_by_label("Giờ nhận").fill("09:15")
    page.get_by_label("Họ tên").fill("Nguyễn Văn Hải")
    page.get_by_label("Chức danh").fill("Chuyên viên")
    page.get_by_label("Cơ quan, đơn vị").fill("Phòng Tư pháp huyện Đồng Phú")
    page.get_by_label("Email").fill("hai.nv@stp-binhphuoc.example.vn")
    page.get_by_label("Điện thoại").fill("0271 3881 234")
    page.get_by_label("Tiêu đề, trích yếu").fill("Tin hội nghị tập huấn nghiệp vụ chứng thực")
    page.get_by_label("Ghi chú").fill("Chép từ USB do Phòng Tư pháp huyện Đồng Phú mang đến.")
    page.get_by_label("Tệp đã nhận").set_input_files([
        {"name": "Tin tap huan.docx", "mimeType": "application/octet-stream", "buffer": article},
        {"name": "anh hoi nghi.jpg", "mimeType": "image/jpeg", "buffer": picture},
    ])
    page.get_by_role("button", name="Ghi nhận").click()

    # the item page: checked like an email's attachments, with its tracking code and deadline
    expect(page.get_by_text("Đã ghi nhận tin, bài nhận trực tiếp")).to_be_visible()
    with Session(engine) as s:
        item = s.exec(select(Item)).one()
        atts = {a.filename: a for a in s.exec(select(Attachment).where(Attachment.item_id == item.id))}
        problems = [p.code for p in s.exec(select(ProblemRow).where(ProblemRow.item_id == item.id))]
        events = [(e.action, e.actor) for e in s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item.id))]
    assert item.channel == "usb" and item.tracking_code and item.deadline is not None
    assert item.received_at == yesterday.replace(hour=9, minute=15, second=0, microsecond=0)
    assert item.sender_unit == "Phòng Tư pháp huyện Đồng Phú"  # as the secretary wrote it
    assert atts["Tin tap huan.docx"].detected_type == "docx" and atts["Tin tap huan.docx"].text_encoding == "unicode"
    assert atts["anh hoi nghi.jpg"].detected_type == "jpg"
    assert "sender.missing_title" not in problems and "sender.missing_name" not in problems
    assert ("registered", "thuky@stp-binhphuoc.example.vn") in events
    expect(page.locator(".meta")).to_contain_text("Nhận trực tiếp: USB")
    expect(page.locator(".meta")).to_contain_text(item.tracking_code)
    deadline = item.deadline.astimezone(VN).strftime("%H:%M %d/%m/%Y")
    expect(page.locator(".facts")).to_contain_text(deadline)
    expect(page.get_by_role("heading", name="Kết quả kiểm tra theo Quy chế")).to_be_visible()
    expect(page.get_by_role("heading", name="Tệp đính kèm (2)")).to_be_visible()
    expect(page.get_by_role("heading", name="Tiếp nhận trực tiếp")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "registered-usb.png"), full_page=True)

    # the queue: the item, its channel, its deadline and its check report's count
    page.goto(f"{base}/?channel=usb")
    row = page.locator("table.items tbody tr", has_text="Tin hội nghị tập huấn nghiệp vụ chứng thực")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("USB")
    expect(row).to_contain_text(deadline)
    expect(row).to_contain_text(item.tracking_code)
    page.goto(f"{base}/?channel=paper")
    expect(page.get_by_text("Không có tin, bài nào khớp.")).to_be_visible()


UNNAMED_NAME = "Hoàng Văn Minh"
UNNAMED_PHONE = "0912 345 678"
UNNAMED_ADDRESS = "Số 12 đường Hoàng Văn Thụ, phường Phan Đình Phùng, thành phố Thái Nguyên"
UNNAMED_EMAIL = "minh.hv1975@mail.example.com"


def _unnamed_complaint(when: datetime) -> bytes:
    msg = EmailMessage(policy=default_policy.clone(max_line_length=998))
    msg["From"] = f"{UNNAMED_NAME} <{UNNAMED_EMAIL}>"
    msg["To"] = "thainguyen@moj.gov.vn"
    msg["Subject"] = "Phản ánh việc cưỡng chế thi hành án tại xã Tân Cương"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = "<phan-anh-tc@mail.example.com>"
    msg.set_content(
        "Kính gửi Thi hành án dân sự tỉnh Thái Nguyên,\n\n"
        f"Tôi là {UNNAMED_NAME}. Tôi xin phản ánh việc cưỡng chế thi hành án tại xã Tân Cương ngày 1/12 "
        "không thông báo trước cho các hộ liền kề. Đề nghị giữ bí mật danh tính người cung cấp.\n\n"
        f"{UNNAMED_NAME}\nĐiện thoại: {UNNAMED_PHONE}\nĐịa chỉ: {UNNAMED_ADDRESS}\n")
    return msg.as_bytes()


def _identity_shown(text: str) -> list[str]:
    """Which of the provider's details a text shows (the phone in any spacing)."""
    digits = "".join(text.split()).replace(".", "")
    shown = [v for v in (UNNAMED_NAME, UNNAMED_ADDRESS, UNNAMED_EMAIL, "Hoang Van Minh") if v.lower() in text.lower()]
    return shown + (["phone"] if "0912345678" in digits else [])


def _export(page: Page, base: str, query: str = "") -> str:
    with page.expect_download() as got:
        page.goto(f"{base}/") if not query else page.goto(f"{base}/?{query}")
        page.get_by_role("link", name="CSV", exact=True).click()  # the filtered queue's CSV
    return got.value.path().read_bytes().decode("utf-8-sig")


def test_a_member_never_sees_an_unnamed_provider_and_the_head_does(board, browser: Browser) -> None:
    served, config, engine = board
    base = served.url
    for address, role in (("thanhvien@thads-thainguyen.test", "member"), ("totruong@thads-thainguyen.test", "head")):
        add_user(engine, address, role, "thainguyen-thads")
    received = datetime.now(VN) - timedelta(hours=3)
    ingestor = Ingestor(config, engine)
    try:
        ingestor.process("thainguyen", config.profile("thainguyen-thads"), "maildir:unnamed-1",
                         _unnamed_complaint(received), received)
    finally:
        ingestor.close()
    with Session(engine) as s:
        item = s.exec(select(Item)).one()
    assert item.provider_unnamed and item.category == "feedback"
    assert item.sender_name == UNNAMED_NAME  # kept, for those who may see it

    # ---- a member: nowhere
    member = log_in(browser, base, "thanhvien@thads-thainguyen.test")
    row = member.locator("table.items tbody tr", has_text="Phản ánh việc cưỡng chế")
    expect(row).to_contain_text("Giấu tên")
    assert _identity_shown(member.content()) == []
    for words in (UNNAMED_NAME, "hoang van minh", UNNAMED_PHONE, "0912345678", "Hoàng Văn Thụ", UNNAMED_EMAIL):
        member.goto(f"{base}/?q={words}")
        expect(member.get_by_text("0 mục")).to_be_visible()
    member.goto(f"{base}/?q=cuong che tan cuong")
    expect(member.get_by_text("1 mục")).to_be_visible()
    member.get_by_role("link", name="Phản ánh việc cưỡng chế thi hành án tại xã Tân Cương").click()
    expect(member.locator("#sender")).to_contain_text("đề nghị giữ bí mật danh tính")
    expect(member.locator(".body").first).to_contain_text("không thông báo trước cho các hộ liền kề")
    expect(member.locator(".facts")).to_contain_text("Không nêu tên")
    assert _identity_shown(member.content()) == []
    exported = _export(member, base, "state=all")
    assert "Phản ánh việc cưỡng chế" in exported and _identity_shown(exported) == []
    ARTIFACTS.mkdir(exist_ok=True)
    member.goto(f"{base}/items/{item.id}")
    member.screenshot(path=str(ARTIFACTS / "unnamed-member.png"), full_page=True)

    # ---- the head: everywhere, and the history says so
    head = log_in(browser, base, "totruong@thads-thainguyen.test")
    expect(head.locator("table.items tbody tr", has_text="Phản ánh việc cưỡng chế")).to_contain_text(UNNAMED_NAME)
    head.goto(f"{base}/?q=hoang van minh")
    expect(head.get_by_text("1 mục")).to_be_visible()
    head.goto(f"{base}/items/{item.id}")
    sender = head.locator("#sender")
    for value in (UNNAMED_NAME, UNNAMED_PHONE, UNNAMED_ADDRESS, UNNAMED_EMAIL):
        expect(sender).to_contain_text(value)
    rows = list(csv.reader(io.StringIO(_export(head, base, "state=all"))))
    assert UNNAMED_NAME in rows[1] and UNNAMED_PHONE in rows[1] and UNNAMED_ADDRESS in rows[1]
    with Session(engine) as s:
        seen = [(e.action, e.actor) for e in s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item.id))]
    assert ("identity_view", "totruong@thads-thainguyen.test") in seen
    assert ("identity_export", "totruong@thads-thainguyen.test") in seen
    assert all(actor != "thanhvien@thads-thainguyen.test" for action, actor in seen if action.startswith("identity"))
    head.goto(f"{base}/items/{item.id}")
    expect(head.locator("ol.history")).to_contain_text("Xem danh tính người cung cấp")
