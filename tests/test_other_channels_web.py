"""The other channels through the pages (FastAPI's TestClient) and the workflow: registering by hand
(who may, what is refused, a form sent twice), feedback forwarded and answered from the item page,
an unnamed provider kept secret by a secretary, and the redaction itself."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web_fixtures import PASSWORD, VN, add_user, make_config, make_engine_for, make_item
from tinbai.demo_samples import docx
from tinbai.queue.directory import import_from_config
from tinbai.queue.models import Item, Outbox, ReviewEvent, UnitForward, User
from tinbai.queue.permissions import allowed_actions, secrecy_actions
from tinbai.queue.privacy import HIDDEN, redact
from tinbai.web.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def env(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    import_from_config(engine, config)  # the units the board forwards feedback to, as on a first start
    yield config, engine, create_app(config, engine)
    engine.dispose()


def client_for(app, email: str) -> TestClient:
    client = TestClient(app)
    token = CSRF.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"email": email, "password": PASSWORD, "csrf": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def registration(client: TestClient, **overrides) -> dict:
    page = client.get("/register").text
    fields = {"csrf": CSRF.search(page).group(1), "token": TOKEN.search(page).group(1), "profile": "binhphuoc-stp",
              "channel": "cd", "day": (datetime.now(VN) - timedelta(days=1)).strftime("%Y-%m-%d"), "clock": "14:00",
              "name": "Phạm Thị Hạnh", "unit": "Phòng Tư pháp thị xã Phước Long", "phone": "0271 3778 123",
              "subject": "Bài tuyên truyền Luật Hòa giải ở cơ sở", "note": ""}
    fields.update(overrides)
    return fields


def items(engine) -> list[Item]:
    with Session(engine) as s:
        return list(s.exec(select(Item).order_by(Item.id)))


def test_who_registers_by_hand_and_what_is_refused(env) -> None:
    config, engine, app = env
    add_user(engine, "thuky@bp.test", "secretary", "binhphuoc-stp")
    add_user(engine, "thanhvien@bp.test", "member", "binhphuoc-stp")
    add_user(engine, "thuky@hy.test", "secretary", "hungyen-snv")  # hungyen's regulation names no such channel
    assert client_for(app, "thanhvien@bp.test").get("/register").status_code == 403
    assert client_for(app, "thuky@hy.test").get("/register").status_code == 403
    secretary = client_for(app, "thuky@bp.test")
    files = [("files", ("Bai tuyen truyen.docx", docx(["Bài tuyên truyền Luật Hòa giải ở cơ sở."]), "application/x"))]
    for bad, message in ((dict(channel="paper2"), "không quy định nhận thông tin theo hình thức này"),
                         (dict(day=(datetime.now(VN) + timedelta(days=2)).strftime("%Y-%m-%d")), "tương lai"),
                         (dict(name="", unit=""), "họ tên hoặc đơn vị"),
                         (dict(day="hôm qua"), "ngày, giờ nhận hợp lệ")):
        r = secretary.post("/register", data=registration(secretary, **bad), files=files)
        assert r.status_code == 400 and message in r.text, bad
        assert "Các tệp cần chọn lại" in r.text
    r = secretary.post("/register", data=registration(secretary), files=[])
    assert r.status_code == 400 and "Hãy chọn tệp đã nhận" in r.text
    assert items(engine) == []
    # the same form sent twice (a double click, a reload) is one item
    fields = registration(secretary)
    first = secretary.post("/register", data=fields, files=files, follow_redirects=False)
    again = secretary.post("/register", data=fields, files=files, follow_redirects=False)
    assert first.status_code == again.status_code == 303 and first.headers["location"] == again.headers["location"]
    (item,) = items(engine)
    assert (item.channel, item.mailbox, item.sender_name) == ("cd", "binhphuoc", "Phạm Thị Hạnh")
    assert item.received_at == (datetime.now(VN) - timedelta(days=1)).replace(hour=14, minute=0, second=0,
                                                                               microsecond=0)


def _staff(engine, profile: str) -> dict[str, User]:
    short = profile.split("-")[0]
    return {role: add_user(engine, f"{role}@{short}.test", role, profile)
            for role in ("secretary", "member", "head", "viewer")}


def test_feedback_is_forwarded_and_answered_in_the_qa_section_from_its_page(env) -> None:
    config, engine, app = env
    people = _staff(engine, "binhphuoc-stp")
    item = make_item(engine, config, profile="binhphuoc-stp", category="feedback", subject="Hỏi về lý lịch tư pháp",
                     body="Tôi muốn hỏi thủ tục cấp phiếu lý lịch tư pháp số 2?", sender_address="cuc.lt@mail.example.com",
                     sender_name="Lê Thị Cúc", sender_title="", sender_unit="")
    news = make_item(engine, config, profile="binhphuoc-stp", category="news")
    secretary = people["secretary"]
    assert {"forward_unit", "answer", "answer_online"} <= set(allowed_actions(item, secretary, config.profile("binhphuoc-stp")))
    assert not {"forward_unit", "answer", "answer_online"} & set(
        allowed_actions(news, secretary, config.profile("binhphuoc-stp")))
    client = client_for(app, secretary.email)
    page = client.get(f"/items/{item.id}").text
    assert "Phòng Hành chính tư pháp" in page and "Chuyển đơn vị" in page and "Hỏi đáp" in page
    csrf = CSRF.search(page).group(1)
    form = {"csrf": csrf, "expected_state": "new", "expected_step": item.step or ""}
    r = client.post(f"/items/{item.id}/action", data={**form, "action": "forward_unit", "unit": "Không có phòng này"})
    assert r.status_code == 400 and "Hãy chọn đơn vị phụ trách" in r.text
    # Art. 11.3: a legal question gets its own reply date
    due = (datetime.now(VN) + timedelta(days=20)).date()
    r = client.post(f"/items/{item.id}/action", data={**form, "action": "forward_unit", "due": due.isoformat(),
                                                      "unit": "Phòng Hành chính tư pháp"}, follow_redirects=False)
    assert r.status_code == 303
    with Session(engine) as s:
        fwd = s.exec(select(UnitForward)).one()
        stored = s.get(Item, item.id)
        mails = [(o.kind, o.to_addrs) for o in s.exec(select(Outbox).where(Outbox.item_id == item.id))]
    assert fwd.due_at.astimezone(VN).date() == due and stored.deadline == fwd.due_at
    assert ("unit_forward", "truongphong.hctp@stp-binhphuoc.example.vn") in mails
    r = client.post(f"/items/{item.id}/action", data={**form, "expected_state": "in_review", "action": "answer_online",
                                                      "url": "https://stp.binhphuoc.gov.vn/hoi-dap/123"},
                    follow_redirects=False)
    assert r.status_code == 303
    with Session(engine) as s:
        done = s.get(Item, item.id)
        answer = s.exec(select(Outbox).where(Outbox.item_id == item.id, Outbox.kind == "answer_online")).one()
    assert (done.state, done.published_url) == ("answered", "https://stp.binhphuoc.gov.vn/hoi-dap/123")
    assert answer.to_addrs == "cuc.lt@mail.example.com" and "hoi-dap/123" in answer.body_text
    assert "Hỏi đáp" in answer.body_text and "Kính gửi Ông/Bà Lê Thị Cúc" in answer.body_text


def test_a_secretary_keeps_a_provider_unnamed_and_a_member_then_cannot_find_them(env) -> None:
    config, engine, app = env
    people = _staff(engine, "thainguyen-thads")
    profile = config.profile("thainguyen-thads")
    item = make_item(engine, config, subject="Tin phản ánh của người dân", sender_name="Đinh Công Tráng",
                     sender_address="trang.dc@mail.example.com", phone="0987 654 321",
                     body="Người dân phản ánh, đề nghị không công khai tên người phản ánh.")
    assert secrecy_actions(item, people["secretary"], profile) == ["mark_unnamed"]
    assert secrecy_actions(item, people["member"], profile) == secrecy_actions(item, people["viewer"], profile) == []
    assert secrecy_actions(item, people["secretary"], config.profile("kontum-stp")) == []  # no such duty there
    member = client_for(app, people["member"].email)
    assert "Đinh Công Tráng" in member.get(f"/items/{item.id}").text
    assert "1 mục" in member.get("/?q=dinh cong trang").text

    secretary = client_for(app, people["secretary"].email)
    csrf = CSRF.search(secretary.get(f"/items/{item.id}").text).group(1)
    r = secretary.post(f"/items/{item.id}/action", data={"csrf": csrf, "action": "mark_unnamed"},
                       follow_redirects=False)
    assert r.status_code == 303
    page = member.get(f"/items/{item.id}").text
    assert "Đinh Công Tráng" not in page and "0987 654 321" not in page and "trang.dc@" not in page
    assert "0 mục" in member.get("/?q=dinh cong trang").text
    assert "Đinh Công Tráng" not in member.get("/export.csv?state=all").text
    assert "1 mục" in client_for(app, people["head"].email).get("/?q=dinh cong trang").text
    viewer = client_for(app, people["viewer"].email)
    assert "Đinh Công Tráng" not in viewer.get(f"/items/{item.id}").text
    with Session(engine) as s:
        marked = s.exec(select(ReviewEvent).where(ReviewEvent.action == "mark_unnamed")).one()
    assert marked.actor == people["secretary"].email

    # no longer: found again by name
    csrf = CSRF.search(secretary.get(f"/items/{item.id}").text).group(1)
    secretary.post(f"/items/{item.id}/action", data={"csrf": csrf, "action": "unmark_unnamed"})
    assert "1 mục" in member.get("/?q=dinh cong trang").text


@pytest.mark.parametrize(("text", "values", "expected"), [
    ("Gọi 0912.345.678 hoặc +84 912 345 678", ["0912 345 678"], f"Gọi {HIDDEN} hoặc {HIDDEN}"),
    ("Tôi là NGUYỄN VĂN AN, ở Hà Nội", ["Nguyễn Văn An"], f"Tôi là {HIDDEN}, ở Hà Nội"),
    ("Thư từ an.nv@mail.example.com", ["an.nv@mail.example.com"], f"Thư từ {HIDDEN}"),
    ("Không có gì để ẩn", ["Nguyễn Văn An"], "Không có gì để ẩn"),
    ("Hạn 17:00 ngày 12/05/2026", [], "Hạn 17:00 ngày 12/05/2026"),
])
def test_redact(text: str, values: list[str], expected: str) -> None:
    assert redact(text, values) == expected
