"""The review pages in a real browser: Chromium (headless, driven by Playwright) against the app
served by uvicorn on a free port, emails delivered to a real aiosmtpd server.

One board of Thái Nguyên (secretary, member, head) takes an item found by a search without
diacritics through every step to publication, refuses another on a ground of the regulation and
returns a third for correction; the emails (to the senders, to the board member given an item) leave
over SMTP at once, sent by the pages themselves. Screenshots of
the queue and of an item with its red seal marked go to test-artifacts/.
"""

from __future__ import annotations

import email
from datetime import datetime, timedelta
from email import policy

from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from tests.browser_fixtures import ARTIFACTS, all_sent, log_in, needs_chromium, open_action, patience
from tests.procs import wait_until
from tests.servers import SmtpSink
from tests.web_fixtures import VN, FileSpec, add_user, make_item, seal_pdf, seal_scan
from tinbai.queue.models import Item, ReviewEvent
from tinbai.rules import problem

pytestmark = needs_chromium


def state_of(engine, item_id: int) -> Item:
    with Session(engine, expire_on_commit=False) as s:
        return s.get(Item, item_id)


def test_board_takes_items_through_the_workflow(board, browser: Browser, smtp_sink: SmtpSink) -> None:
    served, config, engine = board
    base = served.url
    for email_, role, name in (("thuky@thads-thainguyen.test", "secretary", "Lê Thị Thu"),
                               ("thanhvien@thads-thainguyen.test", "member", "Trần Văn Minh"),
                               ("totruong@thads-thainguyen.test", "head", "Phạm Quốc Hùng")):
        add_user(engine, email_, role, "thainguyen-thads", name=name)
    now = datetime.now(VN)
    img, mark = seal_scan()
    pdf, pmark = seal_pdf()
    main = make_item(
        engine, config, subject="Hội nghị tổng kết công tác thi hành án dân sự năm 2025", category="directive",
        body="Kính gửi Ban Biên tập,\nVăn phòng Cục gửi Quyết định số 117/QĐ-CTHADS kèm bản chụp có dấu đỏ.",
        sender_address="vanthu@thads-thainguyen.example.vn",
        files=[FileSpec("QD 117-QD-CTHADS.jpg", img, "jpg", seals=[mark], text="QUYẾT ĐỊNH về việc tổ chức hội nghị"),
               FileSpec("QD 117-QD-CTHADS.pdf", pdf, "pdf", seals=[pmark], pages=1)],
        received_at=now - timedelta(hours=2))
    refused = make_item(engine, config, subject="Bài sưu tầm: gương người tốt việc tốt", category="news",
                        sender_address="ctv.phongnv@thads-thainguyen.example.vn", sender_name="Hoàng Văn Bình",
                        sender_unit="Phòng Nghiệp vụ", received_at=now - timedelta(days=2),
                        problems=[problem("content.duplicate", article="Điều 10.2.d")])
    returned = make_item(engine, config, subject="Tin hoạt động chi bộ tháng 5", category="news",
                         sender_address="ctv.chicuc@thads-thainguyen.example.vn", sender_name="Đỗ Thị Mai",
                         sender_title="", sender_unit="Chi cục THADS TP Thái Nguyên",
                         problems=[problem("sender.missing_title", article="Điều 8.2")],
                         received_at=now - timedelta(minutes=30))
    make_item(engine, config, subject="Lịch tiếp công dân tháng 6 năm 2026", category="other",
              sender_unit="Văn phòng", received_at=now - timedelta(hours=5))
    ARTIFACTS.mkdir(exist_ok=True)

    # ---- the secretary finds the item without diacritics, takes it and forwards it to the member
    tk = log_in(browser, base, "thuky@thads-thainguyen.test")
    tk.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)
    tk.get_by_role("searchbox").fill("hoi nghi tong ket")
    tk.get_by_role("button", name="Tìm").click()
    expect(tk.get_by_text("1 mục")).to_be_visible()
    tk.get_by_role("link", name="Hội nghị tổng kết công tác thi hành án dân sự năm 2025").click()
    expect(tk).to_have_url(f"{base}/items/{main.id}")
    # the seal is marked on the picture and on the PDF page, over pictures the browser really drew
    expect(tk.locator("rect.seal")).to_have_count(2)
    tk.wait_for_load_state("networkidle")
    for img_el in tk.locator(".preview img").all():
        img_el.scroll_into_view_if_needed()
        tk.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img_el.element_handle())
    box = tk.locator(".preview .page").first.bounding_box()
    seal = tk.locator("rect.seal").first.bounding_box()
    x, y, w, h = mark.box
    iw, ih = mark.image_size
    assert abs(seal["x"] - (box["x"] + box["width"] * x / iw)) < 4
    assert abs(seal["y"] - (box["y"] + box["height"] * y / ih)) < 4
    assert abs(seal["width"] - box["width"] * w / iw) < 4 and abs(seal["height"] - box["height"] * h / ih) < 4
    tk.screenshot(path=str(ARTIFACTS / "item-seal.png"), full_page=True)
    tk.get_by_role("button", name="Nhận xử lý").click()
    expect(tk.get_by_text("Đã thực hiện: Nhận xử lý")).to_be_visible()
    form = open_action(tk, "forward")
    form.get_by_label("Giao cho").select_option("thanhvien@thads-thainguyen.test")
    form.get_by_label("Ý kiến").fill("Nguồn tin đúng, đề nghị kiểm tra nội dung")
    form.get_by_role("button", name="Chuyển sang “Thành viên Tổ biên tập kiểm tra nội dung”").click()
    expect(tk.get_by_text("Đã thực hiện: Chuyển bước tiếp theo")).to_be_visible()
    assert (state_of(engine, main.id).step, state_of(engine, main.id).holder) == (
        "check", "thanhvien@thads-thainguyen.test")

    # ---- the member finds it under "Tôi đang giữ" and forwards it to the head
    tv = log_in(browser, base, "thanhvien@thads-thainguyen.test", phone=True)
    tv.get_by_role("link", name="Tôi đang giữ").click()
    tv.get_by_role("link", name="Hội nghị tổng kết công tác thi hành án dân sự năm 2025").click()
    form = open_action(tv, "forward")
    form.get_by_role("button", name="Chuyển sang “Tổ trưởng/Tổ phó duyệt đăng”").click()
    expect(tv.get_by_text("Đã thực hiện: Chuyển bước tiếp theo")).to_be_visible()
    tv.screenshot(path=str(ARTIFACTS / "item-phone.png"), full_page=True)
    tv.goto(f"{base}/")
    tv.screenshot(path=str(ARTIFACTS / "queue-phone.png"), full_page=True)

    # ---- the head approves and records the publication
    tt = log_in(browser, base, "totruong@thads-thainguyen.test")
    tt.goto(f"{base}/items/{main.id}")
    open_action(tt, "approve").get_by_role("button", name="Duyệt đăng").click()
    expect(tt.get_by_text("Đã thực hiện: Duyệt đăng")).to_be_visible()
    form = open_action(tt, "publish")
    form.get_by_label("Địa chỉ bài đã đăng").fill("https://thads.thainguyen.gov.vn/tin-tuc/hoi-nghi-tong-ket-2025")
    form.get_by_role("button", name="Đăng tải").click()
    expect(tt.get_by_text("Đã thực hiện: Đăng tải")).to_be_visible()
    expect(tt.locator(".meta .state")).to_have_text("Đã đăng")
    done = state_of(engine, main.id)
    assert done.state == "published" and done.published_url.endswith("hoi-nghi-tong-ket-2025")
    with Session(engine) as s:
        trail = [(e.action, e.actor) for e in s.exec(
            select(ReviewEvent).where(ReviewEvent.item_id == main.id).order_by(ReviewEvent.id))]
    assert trail == [("received", "tinbai"), ("take", "thuky@thads-thainguyen.test"),
                     ("forward", "thuky@thads-thainguyen.test"), ("forward", "thanhvien@thads-thainguyen.test"),
                     ("approve", "totruong@thads-thainguyen.test"), ("publish", "totruong@thads-thainguyen.test")]
    history = tt.locator("ol.history")
    expect(history).to_contain_text("Nguồn tin đúng, đề nghị kiểm tra nội dung")
    expect(history).to_contain_text("Đã đăng: https://thads.thainguyen.gov.vn/tin-tuc/hoi-nghi-tong-ket-2025")

    # ---- the head refuses another item on ground (d): already posted
    tt.goto(f"{base}/items/{refused.id}")
    form = open_action(tt, "refuse")
    form.get_by_label("(d) Thông tin trùng lặp", exact=False).check()
    form.get_by_label("Ý kiến").fill("Nội dung đã đăng ngày 20/11/2026")
    form.get_by_role("button", name="Từ chối đăng").click()
    expect(tt.get_by_text("Đã thực hiện: Từ chối đăng")).to_be_visible()
    assert state_of(engine, refused.id).state == "refused"

    # ---- the secretary returns a third one for correction
    tk.goto(f"{base}/items/{returned.id}")
    expect(tk.get_by_text("Không tìm thấy chức danh người gửi")).to_be_visible()
    form = open_action(tk, "return")
    form.get_by_label("Cần sửa, bổ sung những gì").fill("Đề nghị ghi rõ chức danh của người viết tin.")
    form.get_by_role("button", name="Trả lại người gửi").click()
    expect(tk.get_by_text("Đã thực hiện: Trả lại để người gửi sửa")).to_be_visible()

    # ---- the emails went out over SMTP to the real sink, sent by the pages themselves (no daemon):
    # two to the board (the member given the item, the head whose step it reached), three to senders
    received = {m.rcpt_tos[0]: email.message_from_bytes(m.content, policy=policy.default)
                for m in smtp_sink.wait_for(5, timeout=patience(10))}
    assert "Tin, bài giao cho đồng chí" in received["thanhvien@thads-thainguyen.test"]["Subject"]
    assert "chờ nhận xử lý" in received["totruong@thads-thainguyen.test"]["Subject"]
    correction = received["ctv.chicuc@thads-thainguyen.example.vn"]
    assert "Đề nghị bổ sung, chỉnh sửa" in correction["Subject"] and returned.tracking_code in correction["Subject"]
    text = correction.get_body(preferencelist=("plain",)).get_content()
    assert "Đề nghị ghi rõ chức danh của người viết tin." in text
    assert "Ghi rõ chức danh (chức vụ) của người gửi" in text  # how to fix the report's problem
    refusal = received["ctv.phongnv@thads-thainguyen.example.vn"]
    assert "Không đăng tải" in refusal["Subject"]
    assert "trùng lặp" in refusal.get_body(preferencelist=("plain",)).get_content()
    publication = received["vanthu@thads-thainguyen.example.vn"]
    assert "hoi-nghi-tong-ket-2025" in publication.get_body(preferencelist=("plain",)).get_content()
    wait_until(lambda: all_sent(engine), patience(10), message="the pages did not mark their emails sent")
    tk.reload()
    expect(tk.locator(".emails")).to_contain_text("đã gửi")
