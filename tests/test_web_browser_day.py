"""A secretary's day and an attacker's tries, in a real browser (headless Chromium through
Playwright) against the pages under uvicorn, with emails to a real aiosmtpd server and no daemon:
the pages deliver what their actions queue. Screenshots and the printed item go to test-artifacts/.
"""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlmodel import Session

from tests.browser_fixtures import (
    ARTIFACTS,
    Served,
    all_sent,
    log_in,
    needs_chromium,
    open_action,
    patience,
)
from tests.procs import wait_until
from tests.servers import SmtpSink
from tests.web_fixtures import PASSWORD, VN, add_user, make_config, make_engine_for, make_item
from tinbai.queue.models import Item
from tinbai.web.app import create_app

pytestmark = needs_chromium
WRONG = "Email hoặc mật khẩu không đúng."


@pytest.fixture
def board(tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[tuple[Served, object, object]]:
    config = make_config(tmp_path, smtp_port=smtp_sink.port)
    engine = make_engine_for(tmp_path)
    for email_, role, name in (("thuky@thads-thainguyen.test", "secretary", "Lê Thị Thu"),
                               ("thuky2@thads-thainguyen.test", "secretary", "Đỗ Thị Mai"),
                               ("totruong@thads-thainguyen.test", "head", "Phạm Quốc Hùng")):
        add_user(engine, email_, role, "thainguyen-thads", name=name)
    with Served(create_app(config, engine)) as served:
        yield served, config, engine
    engine.dispose()


def try_login(page: Page, base: str, email_: str, password: str) -> str:
    """One sign-in through the form; what the page then says ("" when it let us in)."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email_)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    alert = page.locator("p.alert")
    return alert.inner_text() if alert.count() else ""


def test_logout_ends_the_session_and_a_copied_cookie_opens_nothing(board, browser: Browser) -> None:
    served, config, engine = board
    base = served.url
    tk = log_in(browser, base, "thuky@thads-thainguyen.test")
    copied = tk.context.cookies()
    assert [c["name"] for c in copied if c["name"] == "tinbai_session"]
    tk.get_by_role("button", name="Đăng xuất").click()
    expect(tk).to_have_url(f"{base}/login")
    replay = browser.new_context()
    replay.add_cookies(copied)  # the cookie as it was before the logout
    page = replay.new_page()
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login?next=/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    replay.close()


def test_quick_failed_logins_slow_down_but_the_real_user_gets_in_and_nothing_tells_who_exists(
        board, browser: Browser) -> None:
    served, config, engine = board
    base = served.url
    attacker = browser.new_context().new_page()
    said: dict[str, list[str]] = {}
    for target in ("totruong@thads-thainguyen.test", "khong-co-ai@thads-thainguyen.test"):
        said[target] = []
        # quick tries until the answer is a wait (the waits double: one soon outlasts a try)
        for _ in range(10):
            said[target].append(try_login(attacker, base, target, "doan-mo-123"))
            if "xin chờ" in said[target][-1]:
                break
    words = {t: {re.sub(r"\d+", "N", s) for s in answers} for t, answers in said.items()}
    assert words["totruong@thads-thainguyen.test"] == words["khong-co-ai@thads-thainguyen.test"] == {
        WRONG, "Đăng nhập sai nhiều lần liên tiếp: xin chờ N giây rồi thử lại."}
    assert sum(len(a) for a in said.values()) >= 8
    # the head, from the same address, is told how long to wait; after that, they are in
    real = browser.new_context().new_page()
    for _ in range(4):
        answer = try_login(real, base, "totruong@thads-thainguyen.test", PASSWORD)
        if not answer:
            break
        wait = re.search(r"xin chờ (\d+) giây", answer)
        assert wait, answer
        time.sleep(int(wait.group(1)) + 0.2)
    expect(real).to_have_url(f"{base}/")
    expect(real.get_by_role("heading", name="Hàng đợi tin, bài")).to_be_visible()


def test_assignment_emails_the_assignee_at_once_and_bulk_assigns_three(board, browser: Browser,
                                                                        smtp_sink: SmtpSink) -> None:
    served, config, engine = board
    base = served.url
    now = datetime.now(VN)
    items = [make_item(engine, config, subject=f"Tin hoạt động số {n} của Văn phòng Cục", received_at=now -
                       timedelta(hours=n)) for n in range(1, 5)]
    tk = log_in(browser, base, "thuky@thads-thainguyen.test")
    tk.goto(f"{base}/items/{items[0].id}")
    form = open_action(tk, "assign")
    form.get_by_label("Giao cho").select_option("thuky2@thads-thainguyen.test")
    form.get_by_label("Ý kiến").fill("Nhờ chị xem giúp")
    form.get_by_role("button", name="Giao").click()
    expect(tk.get_by_text("Đã thực hiện: Giao cho người khác")).to_be_visible()
    # no daemon runs: the pages send it themselves, within seconds
    [mail] = smtp_sink.wait_for(1, timeout=patience(10))
    msg = email.message_from_bytes(mail.content, policy=policy.default)
    assert list(mail.rcpt_tos) == ["thuky2@thads-thainguyen.test"] and "Tin, bài giao cho đồng chí" in msg["Subject"]
    assert "Nhờ chị xem giúp" in msg.get_body(preferencelist=("plain",)).get_content()
    expect(tk.locator("dd", has_text="Đỗ Thị Mai")).to_be_visible()  # the holder by name
    wait_until(lambda: all_sent(engine), patience(10), message="the pages did not mark their email sent")
    tk.reload()
    expect(tk.locator(".emails")).to_contain_text("đã gửi")

    # ---- three more at once from the queue
    tk.goto(f"{base}/")
    for it in items[1:]:
        tk.get_by_role("checkbox", name=f"Chọn {it.tracking_code}").check()
    bulk = tk.locator("form#bulk")
    bulk.get_by_label("Thao tác").select_option("assign")
    bulk.get_by_label("Giao cho (khi giao hoặc chuyển bước)").select_option("thuky2@thads-thainguyen.test")
    ARTIFACTS.mkdir(exist_ok=True)
    tk.screenshot(path=str(ARTIFACTS / "queue-bulk.png"), full_page=True)
    bulk.get_by_role("button", name="Thực hiện với các mục đã chọn").click()
    expect(tk.get_by_role("heading", name="Giao cho người khác: 3/3 mục")).to_be_visible()
    with Session(engine) as s:
        assert {s.get(Item, it.id).holder for it in items} == {"thuky2@thads-thainguyen.test"}
    got = smtp_sink.wait_for(4, timeout=patience(10))
    assert [list(m.rcpt_tos) for m in got[1:]] == [["thuky2@thads-thainguyen.test"]] * 3
    tk2 = log_in(browser, base, "thuky2@thads-thainguyen.test")
    expect(tk2.locator(".waiting .count")).to_have_text("4")


def test_the_queue_exports_to_a_workbook_and_an_item_prints(board, browser: Browser) -> None:
    served, config, engine = board
    base = served.url
    long_subject = "Hội nghị " + "tổng kết công tác thi hành án dân sự, hành chính " * 6 + "năm 2025"
    item = make_item(engine, config, subject=long_subject, sender_unit="Chi cục THADS TP Thái Nguyên")
    make_item(engine, config, subject="Lịch tiếp công dân tháng 6")
    tk = log_in(browser, base, "thuky@thads-thainguyen.test")
    link = tk.get_by_role("link", name=re.compile("^Hội nghị tổng kết"))
    assert link.get_attribute("title") == long_subject  # the whole subject on hover
    assert link.evaluate("a => a.scrollWidth > a.clientWidth")  # cut on the page
    with tk.expect_download() as download:
        tk.get_by_role("link", name="Excel (.xlsx)").click()
    path = ARTIFACTS / "queue-export.xlsx"
    ARTIFACTS.mkdir(exist_ok=True)
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã theo dõi", "Tiêu đề", "Cơ quan (hồ sơ)") and len(rows) == 3
    assert {r[1] for r in rows[1:]} == {long_subject, "Lịch tiếp công dân tháng 6"}

    tk.goto(f"{base}/items/{item.id}")
    tk.get_by_role("link", name="Bản in").click()
    expect(tk).to_have_url(f"{base}/items/{item.id}/print")
    assert tk.locator("form").count() == 0 and tk.locator("header.top").count() == 0
    pdf = ARTIFACTS / "item-print.pdf"
    tk.pdf(path=str(pdf), format="A4")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert item.tracking_code in text and "Lịch sử xử lý" in text and "Chi cục THADS TP Thái Nguyên" in text
