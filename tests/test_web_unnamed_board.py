"""An unnamed provider (tinbai.queue.privacy) on the pages issue 17 brought: the filtered queue's
Excel and CSV exports, the print layout, the dashboard's rows and links, the bulk actions' page and
the emails to the board. A member, a viewer and the administrator never get the provider's name,
unit, address or phone from any of them; the head does, and the item's history says so."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.web_fixtures import PASSWORD, add_user, make_config, make_engine_for, make_item
from tinbai.queue.directory import import_from_config
from tinbai.queue.models import Item, Outbox, ReviewEvent
from tinbai.queue.privacy import HIDDEN, UNNAMED
from tinbai.web.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
NAME, UNIT, ADDRESS, PHONE = "Đinh Công Tráng", "Tổ dân phố Đồng Tâm", "trang.dc@mail.example.com", "0987 654 321"


@pytest.fixture
def env(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    import_from_config(engine, config)
    app = create_app(config, engine)
    yield config, engine, app
    app.state.courier.stop()
    engine.dispose()


def client_for(app, email: str) -> TestClient:
    client = TestClient(app)
    token = CSRF.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"email": email, "password": PASSWORD, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def post_action(client: TestClient, item_id: int, action: str, **fields) -> None:
    csrf = CSRF.search(client.get(f"/items/{item_id}").text).group(1)
    r = client.post(f"/items/{item_id}/action", data={"csrf": csrf, "action": action, **fields},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def shown(text: str) -> list[str]:
    """Which of the provider's details a text shows (the phone in any spacing)."""
    digits = re.sub(r"\D", "", text)
    return [v for v in (NAME, UNIT, ADDRESS) if v.lower() in text.lower()] + (["phone"] if "0987654321" in digits else [])


def sheet_text(content: bytes) -> str:
    rows = load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)


def test_an_unnamed_provider_stays_hidden_on_the_queue_tools_and_the_head_sees_it_on_record(env) -> None:
    config, engine, app = env
    people = {role: add_user(engine, f"{role}@tn.test", role, "thainguyen-thads")
              for role in ("secretary", "member", "head", "viewer")}
    add_user(engine, "qt@tn.test", "admin", "*")
    item = make_item(engine, config, subject=f"Phản ánh của ông {NAME} về việc cưỡng chế", sender_name=NAME,
                     sender_unit=UNIT, sender_address=ADDRESS, phone=PHONE, body="Đề nghị giữ bí mật.")
    make_item(engine, config, subject="Tin hoạt động của Văn phòng", sender_unit="Văn phòng")
    secretary = client_for(app, people["secretary"].email)
    post_action(secretary, item.id, "mark_unnamed")

    # ---- the member: not in the exports, the print layout, the dashboard or a unit filter
    member = client_for(app, people["member"].email)
    book = member.get("/export.xlsx", params={"state": "all"})
    text = sheet_text(book.content)
    assert "Phản ánh của ông" in text and HIDDEN in text and shown(text) == []
    csv_text = member.get("/export.csv", params={"state": "all"}).content.decode("utf-8-sig")
    assert "Phản ánh của ông" in csv_text and shown(csv_text) == []
    printed = member.get(f"/items/{item.id}/print").text
    assert "Phản ánh của ông" in printed and UNNAMED in printed and shown(printed) == []
    dash = member.get("/dashboard").text
    assert f"({UNNAMED.lower()})" in dash and shown(dash) == []
    assert "unit=~" in dash  # the row of unnamed providers links to them
    assert "1 mục" in member.get("/", params={"unit": "~"}).text
    assert "0 mục" in member.get("/", params={"unit": UNIT}).text  # their unit would name them
    assert UNIT not in member.get("/").text
    for client in (client_for(app, people["viewer"].email), client_for(app, "qt@tn.test")):
        assert shown(sheet_text(client.get("/export.xlsx", params={"state": "all"}).content)) == []
        assert shown(client.get(f"/items/{item.id}/print").text) == []

    # ---- the email that gives the member the item (at the next step) does not name the provider either
    post_action(secretary, item.id, "forward", assignee=people["member"].email)
    with Session(engine) as s:
        [mail] = s.exec(select(Outbox).where(Outbox.kind == "assignment")).all()
    assert mail.to_addrs == people["member"].email and UNNAMED in mail.body_text
    assert shown(mail.subject + mail.body_text + (mail.body_html or "")) == []

    # ---- the administrator steps in from the queue: the bulk page names the item without its provider
    admin = client_for(app, "qt@tn.test")
    csrf = CSRF.search(admin.get("/").text).group(1)
    r = admin.post("/items/bulk", data={"csrf": csrf, "action": "take", "ids": [str(item.id)], "back": "/"})
    assert r.status_code == 200 and "1/1 mục" in r.text and "Phản ánh của ông" in r.text and shown(r.text) == []

    # ---- the head sees them in the export and the print layout, and each look is recorded
    head = client_for(app, people["head"].email)
    assert "unit=~" not in head.get("/dashboard").text
    assert "1 mục" in head.get("/", params={"unit": UNIT}).text
    text = sheet_text(head.get("/export.xlsx", params={"state": "all"}).content)
    assert set(shown(text)) == {NAME, UNIT, ADDRESS, "phone"}
    assert set(shown(head.get(f"/items/{item.id}/print").text)) >= {NAME, ADDRESS}
    with Session(engine) as s:
        seen = [(e.action, e.actor, e.comment) for e in s.exec(
            select(ReviewEvent).where(ReviewEvent.item_id == item.id).order_by(ReviewEvent.id))]
        assert s.get(Item, item.id).provider_unnamed
    assert ("identity_export", people["head"].email, "Xuất danh sách (Excel) có thông tin người cung cấp") in seen
    assert ("identity_view", people["head"].email) in [(a, b) for a, b, _ in seen]
    others = {people["member"].email, people["viewer"].email, "qt@tn.test"}
    assert not [e for e in seen if e[0].startswith("identity") and e[1] in others]
