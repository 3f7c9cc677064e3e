"""The regulations' rules on the review pages: an item held for a state-secret mark (the queue lists
it without its subject, its page and files open for the board's head and the agency head only,
behind a warning); kontum's refusal on the reviewer's own reason; binhphuoc's extension of an answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web_fixtures import PASSWORD, FileSpec, add_user, make_config, make_engine_for, make_item
from tinbai.queue.models import Attachment, ReviewEvent
from tinbai.rules import problem
from tinbai.web.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SUBJECT = "Kế hoạch bảo vệ mục tiêu trọng yếu năm 2026"
SCAN = b"\xff\xd8\xff\xe0" + b"\x00" * 300  # the file's bytes only have to come back unchanged


@pytest.fixture
def env(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    app = create_app(config, engine)
    for email, role in (("thuky@bbt.test", "secretary"), ("tv@bbt.test", "member"), ("tb@bbt.test", "head"),
                        ("tt@bbt.test", "agency_head"), ("qt@bbt.test", "admin")):
        add_user(engine, email, role, "*" if role == "admin" else "thainguyen-thads")
    held = problem("content.classified", attachment="kh.jpg")
    item = make_item(engine, config, subject=SUBJECT, files=[FileSpec("kh.jpg", SCAN, "jpg", problems=[held])])
    yield app, engine, item
    engine.dispose()


def client_of(app, email: str) -> TestClient:
    client = TestClient(app)
    page = client.get("/login").text
    r = client.post("/login", data={"email": email, "password": PASSWORD, "csrf": CSRF.search(page).group(1),
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


@pytest.mark.parametrize("email", ["thuky@bbt.test", "tv@bbt.test", "qt@bbt.test"])
def test_others_see_neither_its_page_nor_its_subject(env, email: str) -> None:
    app, engine, item = env
    client = client_of(app, email)
    queue = client.get("/?state=new").text
    assert SUBJECT not in queue and "Tài liệu mật đang tạm giữ" in queue
    r = client.get(f"/items/{item.id}")
    assert r.status_code == 403 and "dấu chỉ độ mật" in r.text and SUBJECT not in r.text
    with Session(engine) as s:
        att = s.exec(select(Attachment).where(Attachment.item_id == item.id)).one()
    assert client.get(f"/attachments/{att.id}/download").status_code == 403


@pytest.mark.parametrize("email", ["tb@bbt.test", "tt@bbt.test"])
def test_the_head_and_the_agency_head_open_it_and_its_files_behind_a_warning(env, email: str) -> None:
    app, engine, item = env
    client = client_of(app, email)
    assert SUBJECT in client.get("/?state=new").text
    page = client.get(f"/items/{item.id}").text
    assert SUBJECT in page and "Tài liệu mang dấu chỉ độ mật" in page
    assert 'value="refuse"' in page and 'value="approve"' not in page and 'value="publish"' not in page
    with Session(engine) as s:
        att = s.exec(select(Attachment).where(Attachment.item_id == item.id)).one()
    warn = client.get(f"/attachments/{att.id}/download")
    assert warn.status_code == 200 and "bí mật nhà nước" in warn.text
    r = client.post(f"/attachments/{att.id}/download", data={"csrf": CSRF.search(warn.text).group(1)})
    assert r.status_code == 200 and r.content == SCAN
    with Session(engine) as s:
        last = s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item.id).order_by(ReviewEvent.id.desc())).first()
    assert last.action == "quarantine_download" and last.actor == email


def post_action(client: TestClient, item_id: int, action: str, **fields):
    page = client.get(f"/items/{item_id}").text
    return client.post(f"/items/{item_id}/action", data={"csrf": CSRF.search(page).group(1), "action": action,
                                                         **fields}, follow_redirects=False)


def test_kontum_refusal_form_takes_the_reviewers_own_reason(env) -> None:
    app, engine, _ = env
    config = app.state.config
    add_user(engine, "tb.kt@bbt.test", "head", "kontum-stp")
    item = make_item(engine, config, profile="kontum-stp", sender_address="tg@stp-kontum.example.vn")
    client = client_of(app, "tb.kt@bbt.test")
    page = client.get(f"/items/{item.id}").text
    assert "Lý do khác của Ban Biên tập" in page
    assert post_action(client, item.id, "refuse", ground="", comment="").status_code == 400
    assert post_action(client, item.id, "refuse", ground="", comment="Ảnh mờ, không đủ chất lượng").status_code == 303


def test_binhphuoc_extension_form(env) -> None:
    app, engine, _ = env
    config = app.state.config
    add_user(engine, "tk.bp@bbt.test", "secretary", "binhphuoc-stp")
    item = make_item(engine, config, profile="binhphuoc-stp", category="answer",
                     sender_address="a@stp-binhphuoc.example.vn")
    client = client_of(app, "tk.bp@bbt.test")
    page = client.get(f"/items/{item.id}").text
    assert "15 → 30" in page and "Điều 9.3.e" in page
    r = post_action(client, item.id, "extend_deadline", comment="Cần xin ý kiến Bộ Tư pháp")
    assert r.status_code == 303
    page = client.get(f"/items/{item.id}").text
    assert "Gia hạn: 15 → 30 ngày làm việc" in page and 'value="extend_deadline"' not in page
