"""A secretary's day on the review pages (TestClient): emails to the people an item is given to,
the header's count, step-specific acts, held items, one correction email instead of two, the
working week on the dashboard, the queue's export, print layout and bulk actions."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.web_fixtures import PASSWORD, VN, FileSpec, add_user, make_config, make_engine_for, make_item
from tinbai.calendar import WorkCalendar
from tinbai.notifier.notices import notices_for_new_item
from tinbai.queue.models import Item, Outbox, utcnow
from tinbai.queue.stored_report import load_report
from tinbai.rules import problem
from tinbai.web.app import create_app
from tinbai.web.queue_query import week_last_day, windows

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def env(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    yield config, engine
    engine.dispose()


@pytest.fixture
def app(env):
    app = create_app(*env)
    yield app
    app.state.courier.stop()  # TestClient without `with` runs no shutdown: the delivery thread ends here


def logged_in(app, email: str) -> TestClient:
    client = TestClient(app)
    csrf = CSRF.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"email": email, "password": PASSWORD, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    return client


def post_action(client: TestClient, item_id: int, action: str, **fields):
    csrf = CSRF.search(client.get(f"/items/{item_id}").text).group(1)
    return client.post(f"/items/{item_id}/action", data={"csrf": csrf, "action": action, **fields},
                       follow_redirects=False)


def received(engine, config, item: Item) -> None:
    """The receipt's emails, as the ingest writes them (make_item stores the item only)."""
    with Session(engine, expire_on_commit=False) as s:
        it = s.get(Item, item.id)
        notices_for_new_item(s, it, load_report(it), config.profile(it.profile), config)
        s.commit()


def mails(engine, item_id: int | None = None, kind: str | None = None) -> list[Outbox]:
    with Session(engine) as s:
        q = select(Outbox).order_by(Outbox.id)
        if item_id is not None:
            q = q.where(Outbox.item_id == item_id)
        if kind:
            q = q.where(Outbox.kind == kind)
        return list(s.exec(q))


def test_assignment_tells_the_assignee_and_the_header_counts_what_waits(env, app) -> None:
    config, engine = env
    add_user(engine, "tk@bbt.test", "secretary", name="Lê Thị Thu")
    add_user(engine, "tv@bbt.test", "member", name="Trần Văn Minh")
    add_user(engine, "tv2@bbt.test", "member", name="Ngô Thị Lan")
    add_user(engine, "tt@bbt.test", "head", name="Phạm Quốc Hùng")
    add_user(engine, "ttcq@bbt.test", "agency_head", name="Vũ Đình Nam")
    item = make_item(engine, config, subject="Tin hội thao")
    tk, tv = logged_in(app, "tk@bbt.test"), logged_in(app, "tv@bbt.test")
    assert re.search(r'Chờ tôi xử lý <b class="count">0</b>', tv.get("/").text)
    assert post_action(tk, item.id, "take").status_code == 303
    assert mails(engine, item.id, "assignment") == []  # taking it oneself tells nobody
    r = post_action(tk, item.id, "forward", assignee="tv@bbt.test", comment="Đề nghị kiểm tra số liệu")
    assert r.status_code == 303
    [m] = mails(engine, item.id, "assignment")
    assert m.to_addrs == "tv@bbt.test" and "Tin, bài giao cho đồng chí" in m.subject
    assert "đồng chí Trần Văn Minh" in m.body_text and "Lê Thị Thu <tk@bbt.test>" in m.body_text
    assert "Đề nghị kiểm tra số liệu" in m.body_text and f"/items/{item.id}" in m.body_text
    assert re.search(r'Chờ tôi xử lý <b class="count">1</b>', tv.get("/").text)
    # the history and the page name people, not addresses
    page = tv.get(f"/items/{item.id}").text
    assert "Lê Thị Thu" in page and ">Trần Văn Minh<" in page
    # forwarded to nobody in particular: everyone whose role holds the next step is told
    assert post_action(tv, item.id, "forward").status_code == 303
    [m] = mails(engine, item.id, "assignment")[1:]
    assert m.to_addrs == "tt@bbt.test" and "chờ nhận xử lý" in m.subject
    # escalated to nobody in particular: the agency heads
    tt = logged_in(app, "tt@bbt.test")
    assert post_action(tt, item.id, "escalate", comment="Xin ý kiến về số liệu").status_code == 303
    [m] = mails(engine, item.id, "assignment")[2:]
    assert m.to_addrs == "ttcq@bbt.test" and "Xin ý kiến Thủ trưởng" in m.subject


def test_each_step_shows_its_own_act(env, app) -> None:
    config, engine = env
    for email, role in (("tk@bbt.test", "secretary"), ("tv@bbt.test", "member"), ("tt@bbt.test", "head")):
        add_user(engine, email, role, "binhphuoc-stp")
    item = make_item(engine, config, profile="binhphuoc-stp", subject="Tin Bình Phước",
                     sender_address="vanthu@stp-binhphuoc.example.vn")
    tk, tv, tt = (logged_in(app, e) for e in ("tk@bbt.test", "tv@bbt.test", "tt@bbt.test"))
    page = tk.get(f"/items/{item.id}").text
    assert "Chuyển sang “Kiểm chứng thông tin”" in page and 'value="approve"' not in page
    assert post_action(tk, item.id, "forward").status_code == 303
    assert post_action(tt, item.id, "forward").status_code == 303
    page = tt.get(f"/items/{item.id}").text  # step 3, "Kiểm tra lần cuối": the head's act is the approval
    assert 'value="approve"' in page and 'value="forward"' not in page and 'value="publish"' not in page
    assert "Sau khi duyệt, tin, bài chuyển sang bước “Thư ký đăng tải”" in page
    assert tv.get(f"/items/{item.id}").text.count('name="action"') == 1  # the member may only comment
    assert post_action(tt, item.id, "approve").status_code == 303
    page = tk.get(f"/items/{item.id}").text  # step 4, "Thư ký đăng tải": posting, nothing else
    assert 'value="publish"' in page and 'value="approve"' not in page and 'value="forward"' not in page
    marks = re.findall(r'<li class="(\w*)">([^<]+)</li>', page.split('class="steps"')[1].split("</ol>")[0])
    assert [label for _, label in marks] == ["Tập hợp, biên tập", "Kiểm chứng thông tin", "Kiểm tra lần cuối",
                                             "Thư ký đăng tải"]  # no second "Đăng tải" after it
    assert marks[3][0] == "current"
    assert "<summary>" in page and "▶" in (Path(__file__).parent.parent / "tinbai/web/static/style.css").read_text()


def test_a_held_item_offers_only_what_a_held_item_allows_and_its_sender_gets_one_email(env, app) -> None:
    config, engine = env
    add_user(engine, "tk@bbt.test", "secretary")
    exe = b"MZ\x90\x00" + b"\x00" * 200
    item = make_item(engine, config, subject="Báo cáo mật số 12", files=[FileSpec(
        "baocao.exe", exe, "exe", problems=[problem("attachment.executable", attachment="baocao.exe")])])
    received(engine, config, item)
    [held] = mails(engine, item.id)
    assert held.kind == "held" and "tạm giữ" in held.subject
    assert "Báo cáo mật số 12" not in held.subject + held.body_text  # nothing of the content is quoted
    assert "chương trình hoặc tập lệnh" in held.body_text and "baocao.exe" in held.body_text
    tk = logged_in(app, "tk@bbt.test")
    page = tk.get(f"/items/{item.id}").text
    acts = re.findall(r'name="action" value="(\w+)"', page)
    # the review's acts of a held item; keeping its provider unnamed stays offered (the sender's card)
    assert acts == ["return", "refuse", "comment", "mark_unnamed"] and "Chuyển sang" not in page
    assert "Tin, bài đang tạm giữ" in page
    assert post_action(tk, item.id, "take").status_code == 403
    assert post_action(tk, item.id, "return", comment="Xin gửi lại bản PDF").status_code == 303
    again = mails(engine, item.id)[1]
    assert again.kind == "held" and "Xin gửi lại bản PDF" in again.body_text


def test_a_return_rewrites_the_unsent_correction_request_or_adds_to_a_sent_one(env, app) -> None:
    config, engine = env
    add_user(engine, "tk@bbt.test", "secretary")
    items = []
    for subject in ("Tin thiếu chức danh", "Tin thiếu chức danh nữa"):
        item = make_item(engine, config, subject=subject, problems=[problem("sender.missing_title")])
        received(engine, config, item)
        items.append(item)
    unsent, sent = items
    with Session(engine) as s:  # the second one's automatic request went out already
        row = s.exec(select(Outbox).where(Outbox.dedupe_key == f"correction:{sent.id}:auto")).one()
        row.status, row.sent_at = "sent", utcnow()
        s.add(row)
        s.commit()
    tk = logged_in(app, "tk@bbt.test")
    for item in items:
        assert post_action(tk, item.id, "return", comment="Ghi rõ chức danh người viết").status_code == 303
    [first] = mails(engine, unsent.id, "correction")  # one email: the list and the board's words
    assert "Ghi rõ chức danh người viết" in first.body_text and "Cách khắc phục" in first.body_text
    auto, more = mails(engine, sent.id, "correction")
    assert "Ghi rõ chức danh người viết" not in auto.body_text
    assert "ngoài những điểm cần sửa đã nêu" in more.body_text and "Cách khắc phục" not in more.body_text
    assert "bổ sung thêm" in more.subject


def test_a_citizens_held_feedback_and_second_request_are_written_to_the_citizen(env, app) -> None:
    """Feedback is answered in the citizen's tone (Ông/Bà, signed by the agency): the held email
    and the board's added request too, as the acknowledgement and the first request are."""
    config, engine = env
    add_user(engine, "tk@bp.test", "secretary", "binhphuoc-stp")
    exe = b"MZ\x90\x00" + b"\x00" * 200
    held_item = make_item(engine, config, profile="binhphuoc-stp", category="feedback", sender_name="Lê Thị Cúc",
                          subject="Hỏi về lý lịch tư pháp", files=[FileSpec("hoso.exe", exe, "exe", problems=[
                              problem("attachment.executable", attachment="hoso.exe")])])
    received(engine, config, held_item)
    [held] = mails(engine, held_item.id)
    assert held.kind == "held" and "Kính gửi Ông/Bà Lê Thị Cúc" in held.body_text
    assert "đồng chí" not in held.body_text + held.subject and "hoso.exe" in held.body_text
    asked = make_item(engine, config, profile="binhphuoc-stp", category="feedback", sender_name="Lê Thị Cúc",
                      subject="Hỏi về chứng thực", problems=[problem("sender.missing_title")])
    received(engine, config, asked)
    with Session(engine) as s:  # the automatic request went out already
        row = s.exec(select(Outbox).where(Outbox.dedupe_key == f"correction:{asked.id}:auto")).one()
        assert "Kính gửi Ông/Bà" in row.body_text
        row.status, row.sent_at = "sent", utcnow()
        s.add(row)
        s.commit()
    tk = logged_in(app, "tk@bp.test")
    assert post_action(tk, asked.id, "return", comment="Xin cho biết số điện thoại").status_code == 303
    _auto, more = mails(engine, asked.id, "correction")
    assert "Xin cho biết số điện thoại" in more.body_text and "Kính gửi Ông/Bà Lê Thị Cúc" in more.body_text
    assert "đồng chí" not in more.body_text


@pytest.mark.parametrize(("today", "last"), [
    (date(2026, 6, 6), date(2026, 6, 12)),  # a Saturday: the coming week, to Friday
    (date(2026, 6, 3), date(2026, 6, 5)),  # a Wednesday: to this Friday
    (date(2026, 6, 5), date(2026, 6, 12)),  # a Friday: nothing left this week, the next one
    (date(2026, 8, 27), date(2026, 8, 28)),  # Thu 27/8: Fri 28/8; 31/8–2/9 are days off (2026's swap)
    (date(2026, 8, 28), date(2026, 9, 4)),
])
def test_this_week_is_a_working_week(today: date, last: date) -> None:
    assert week_last_day(today, WorkCalendar()) == last


def test_dashboard_tiles_and_rows_link_to_the_filtered_queue(env, app) -> None:
    config, engine = env
    add_user(engine, "tt@bbt.test", "head", "*", name="Phạm Quốc Hùng")
    w = windows(utcnow(), config)
    inside = make_item(engine, config, subject="Tin hạn trong tuần", sender_unit="Phòng Nghiệp vụ")
    later = make_item(engine, config, subject="Tin hạn tuần sau")
    with Session(engine) as s:
        for it_id, due in ((inside.id, w.week_end - timedelta(hours=1)), (later.id, w.week_end + timedelta(days=3))):
            it = s.get(Item, it_id)
            it.deadline, it.holder = due, "tt@bbt.test"
            s.add(it)
        s.commit()
    client = logged_in(app, "tt@bbt.test")
    dash = client.get("/dashboard").text
    week_link = re.search(r'<a class="tile" href="([^"]+)"><b>(\d+)</b>', dash)
    assert week_link.group(2) == ("1" if w.week_end - timedelta(hours=1) >= w.tomorrow else "0")
    queue = client.get(week_link.group(1).replace("&amp;", "&")).text
    assert ("Tin hạn trong tuần" in queue) == (week_link.group(2) == "1") and "Tin hạn tuần sau" not in queue
    later_link = re.search(r'<a class="tile grey" href="([^"]+)">', dash).group(1).replace("&amp;", "&")
    assert "Tin hạn tuần sau" in client.get(later_link).text
    assert "Phạm Quốc Hùng" in dash  # rows by holder are named
    unit_link = re.search(r'href="([^"]*unit=Ph[^"]*)">Phòng Nghiệp vụ', dash).group(1).replace("&amp;", "&")
    page = client.get(unit_link).text
    assert "Tin hạn trong tuần" in page and "Tin hạn tuần sau" not in page


def test_export_print_bulk_and_searchable_file_names(env, app) -> None:
    config, engine = env
    add_user(engine, "tk@bbt.test", "secretary", name="Lê Thị Thu")
    add_user(engine, "tk2@bbt.test", "secretary", name="Đỗ Thị Mai")
    mine = [make_item(engine, config, subject=f"Tin số {n}", received_at=datetime.now(VN) - timedelta(hours=n))
            for n in range(1, 4)]
    evil = make_item(engine, config, subject="=HYPERLINK(\"http://x\")", files=[FileSpec(
        "Kế hoạch tuyên truyền.pdf", b"%PDF-1.4 x", "pdf")])
    theirs = make_item(engine, config, profile="haiduong-thads", subject="Tin của Hải Dương")
    tk = logged_in(app, "tk@bbt.test")
    assert "Tin số 1" not in tk.get("/", params={"q": "ke hoach tuyen truyen"}).text
    assert "HYPERLINK" in tk.get("/", params={"q": "ke hoach tuyen truyen"}).text  # the file's name

    r = tk.get("/export.xlsx", params={"state": "all"})
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã theo dõi", "Tiêu đề") and len(rows) == 1 + 4
    subjects = {row[1] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://x\")" in subjects and "Tin của Hải Dương" not in subjects
    assert isinstance(rows[1][7], datetime)
    text = tk.get("/export.csv", params={"q": "tin so"}).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Mã theo dõi,Tiêu đề") and text.count("Tin số") == 3

    page = tk.get(f"/items/{mine[0].id}/print").text
    assert "Tin số 1" in page and "Lịch sử xử lý" in page and "<form" not in page and 'class="top"' not in page

    queue = tk.get("/").text
    csrf = CSRF.search(queue).group(1)
    ids = [str(it.id) for it in mine] + [str(theirs.id)]
    r = tk.post("/items/bulk", data={"csrf": csrf, "action": "assign", "assignee": "tk2@bbt.test", "ids": ids,
                                     "back": "/?sort=received"})
    assert r.status_code == 200 and "3/4 mục" in r.text and "Tin của Hải Dương" not in r.text
    assert 'href="/?sort=received"' in r.text
    with Session(engine) as s:
        holders = {s.get(Item, it.id).holder for it in mine}
        assert holders == {"tk2@bbt.test"} and s.get(Item, theirs.id).holder is None
    assert sorted(m.to_addrs for m in mails(engine, kind="assignment")) == ["tk2@bbt.test"] * 3
    assert evil.id
