"""The review pages through FastAPI's TestClient: login, sessions and CSRF, access per
role and profile, quarantine, search without diacritics, previews with the seal marked."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from tests.web_fixtures import (
    PASSWORD,
    FileSpec,
    add_user,
    make_config,
    make_engine_for,
    make_item,
    seal_pdf,
    seal_scan,
)
from tinbai.queue.models import Attachment, Item, Outbox, ReviewEvent, utcnow
from tinbai.rules import problem
from tinbai.web.app import create_app
from tinbai.web.queue_query import windows
from tinbai.web.users import UserError, ensure_demo_account, user_add, user_disable, user_list

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


def token(client: TestClient, path: str = "/login") -> str:
    m = CSRF.search(client.get(path).text)
    assert m, f"no CSRF token on {path}"
    return m.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password, "csrf": token(client),
                                       "next": "/"}, follow_redirects=False)


def logged_in(app, email: str) -> TestClient:
    client = TestClient(app)
    r = login(client, email)
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return client


def post_action(client: TestClient, item_id: int, action: str, **fields):
    return client.post(f"/items/{item_id}/action", data={"csrf": token(client, f"/items/{item_id}"),
                                                         "action": action, **fields}, follow_redirects=False)


def test_login_session_cookie_and_logout(env, app) -> None:
    _, engine = env
    add_user(engine, "thuky@bbt.test", "secretary")
    client = TestClient(app)
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")
    r = login(client, "thuky@bbt.test", "sai-mat-khau")
    assert r.status_code == 401 and "Email hoặc mật khẩu không đúng" in r.text
    r = login(client, "THUKY@bbt.test ")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()
    assert "strict-transport-security" not in r.headers
    page = client.get("/")
    assert page.status_code == 200 and "Hàng đợi tin, bài" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    r = client.post("/logout", data={"csrf": token(client, "/")}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_secure_cookie_and_hsts_when_base_url_is_https(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    config.web.base_url = "https://bbt.example.gov.vn"
    engine = make_engine_for(tmp_path)
    add_user(engine, "a@bbt.test", "head")
    client = TestClient(create_app(config, engine), base_url="https://testserver")
    r = login(client, "a@bbt.test")
    assert "secure" in r.headers["set-cookie"].lower()
    assert r.headers["strict-transport-security"].startswith("max-age=")


def test_open_redirect_is_refused(env, app) -> None:
    _, engine = env
    add_user(engine, "a@bbt.test", "head")
    client = TestClient(app)
    r = client.post("/login", data={"email": "a@bbt.test", "password": PASSWORD, "csrf": token(client),
                                    "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_forced_password_change(env, app) -> None:
    _, engine = env
    add_user(engine, "moi@bbt.test", "member", must_change=True)
    client = TestClient(app)
    r = login(client, "moi@bbt.test")
    assert r.headers["location"] == "/password"
    assert client.get("/", follow_redirects=False).headers["location"] == "/password"
    page = client.get("/password")
    assert "mật khẩu được cấp một lần" in page.text
    csrf = CSRF.search(page.text).group(1)
    r = client.post("/password", data={"csrf": csrf, "current": PASSWORD, "new": "ngan", "confirm": "ngan"})
    assert r.status_code == 400 and "ít nhất 10 ký tự" in r.text
    r = client.post("/password", data={"csrf": csrf, "current": PASSWORD, "new": "Mot-mat-khau-dai", "confirm":
                                       "Mot-mat-khau-dai"})
    assert r.status_code == 200 and "Đã đổi mật khẩu" in r.text
    assert client.get("/").status_code == 200
    # the old password no longer works, the new one does
    other = TestClient(app)
    assert login(other, "moi@bbt.test").status_code == 401
    assert login(other, "moi@bbt.test", "Mot-mat-khau-dai").status_code == 303


def test_csrf_missing_or_wrong_is_403(env, app) -> None:
    config, engine = env
    add_user(engine, "head@bbt.test", "head")
    item = make_item(engine, config)
    client = TestClient(app)
    client.get("/login")
    r = client.post("/login", data={"email": "head@bbt.test", "password": PASSWORD})
    assert r.status_code == 403
    client = logged_in(app, "head@bbt.test")
    r = client.post(f"/items/{item.id}/action", data={"action": "take"})
    assert r.status_code == 403 and "Phiên làm việc không hợp lệ" in r.text
    r = client.post(f"/items/{item.id}/action", data={"action": "take", "csrf": "x" * 43})
    assert r.status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    with Session(engine) as s:
        assert s.get(Item, item.id).state == "new"
    r = post_action(client, item.id, "take")
    assert r.status_code == 303
    with Session(engine) as s:
        assert s.get(Item, item.id).holder == "head@bbt.test"


def test_other_profile_is_403_and_viewer_cannot_act(env, app) -> None:
    config, engine = env
    add_user(engine, "tv.thainguyen@bbt.test", "member", "thainguyen-thads")
    add_user(engine, "xem@bbt.test", "viewer", "thainguyen-thads,haiduong-thads")
    img, mark = seal_scan()
    theirs = make_item(engine, config, profile="haiduong-thads", subject="Tin của Hải Dương",
                       files=[FileSpec("anh.jpg", img, "jpg", seals=[mark])])
    ours = make_item(engine, config, subject="Tin của Thái Nguyên")
    member = logged_in(app, "tv.thainguyen@bbt.test")
    assert member.get(f"/items/{ours.id}").status_code == 200
    r = member.get(f"/items/{theirs.id}")
    assert r.status_code == 403 and "Không có quyền" in r.text
    with Session(engine) as s:
        att = s.exec(select(Attachment).where(Attachment.item_id == theirs.id)).one()
    assert member.get(f"/attachments/{att.id}/download").status_code == 403
    assert member.get(f"/attachments/{att.id}/image").status_code == 403
    r = member.post(f"/items/{theirs.id}/action", data={"csrf": token(member, "/"), "action": "comment",
                                                          "comment": "x"})
    assert r.status_code == 403
    queue = member.get("/?state=all").text
    assert "Tin của Thái Nguyên" in queue and "Tin của Hải Dương" not in queue

    viewer = logged_in(app, "xem@bbt.test")
    page = viewer.get(f"/items/{theirs.id}")
    assert page.status_code == 200 and 'name="action"' not in page.text
    r = viewer.post(f"/items/{theirs.id}/action", data={"csrf": token(viewer, "/"), "action": "take",
                                                          "expected_state": "new", "expected_step": "triage"})
    assert r.status_code == 403 and "không được" in r.text
    with Session(engine) as s:
        assert s.get(Item, theirs.id).holder is None
        assert [e.action for e in s.exec(select(ReviewEvent).where(ReviewEvent.item_id == theirs.id))] == ["received"]


def test_quarantined_files_only_for_the_admin_behind_a_warning(env, app) -> None:
    config, engine = env
    add_user(engine, "head@bbt.test", "head")
    add_user(engine, "qt@bbt.test", "admin", "*")
    exe = b"MZ\x90\x00" + b"\x00" * 200
    item = make_item(engine, config, subject="Tệp lạ", files=[FileSpec(
        "baocao.exe", exe, "exe", problems=[problem("attachment.executable", attachment="baocao.exe")])])
    with Session(engine) as s:
        att = s.exec(select(Attachment).where(Attachment.item_id == item.id)).one()
    assert att.quarantined
    head = logged_in(app, "head@bbt.test")
    page = head.get(f"/items/{item.id}").text
    assert "bị cách ly" in page and f"/attachments/{att.id}/download" not in page
    r = head.get(f"/attachments/{att.id}/download")
    assert r.status_code == 403 and "cách ly" in r.text
    assert head.post(f"/attachments/{att.id}/download", data={"csrf": token(head, "/")}).status_code == 403

    admin = logged_in(app, "qt@bbt.test")
    warn = admin.get(f"/attachments/{att.id}/download")
    assert warn.status_code == 200 and "Cảnh báo" in warn.text and warn.content != exe
    assert admin.post(f"/attachments/{att.id}/download", data={}).status_code == 403  # CSRF still applies
    r = admin.post(f"/attachments/{att.id}/download", data={"csrf": CSRF.search(warn.text).group(1)})
    assert r.status_code == 200 and r.content == exe
    assert r.headers["content-type"] == "application/octet-stream"
    assert "attachment;" in r.headers["content-disposition"]
    with Session(engine) as s:
        last = s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item.id).order_by(ReviewEvent.id.desc())).first()
    assert last.action == "quarantine_download" and last.actor == "qt@bbt.test"


def test_search_finds_vietnamese_words_with_or_without_diacritics(env, app) -> None:
    config, engine = env
    add_user(engine, "tk@bbt.test", "secretary")
    make_item(engine, config, subject="Hội nghị tổng kết công tác thi hành án năm 2025")
    make_item(engine, config, subject="Lịch tiếp công dân tháng 6", body="Đồng chí Phó Cục trưởng tiếp dân.")
    make_item(engine, config, subject="Tin ảnh", sender_name="Đặng Thùy Linh", body="Ảnh hoạt động đoàn thanh niên.")
    client = logged_in(app, "tk@bbt.test")
    for q in ("hoi nghi", "Hội nghị", "HOI NGHI tong ket", "hội nghi"):
        page = client.get("/", params={"q": q}).text
        assert "Hội nghị tổng kết" in page and "Lịch tiếp công dân" not in page, q
    page = client.get("/", params={"q": "pho cuc truong"}).text  # the body's text
    assert "Lịch tiếp công dân" in page and "Hội nghị tổng kết" not in page
    page = client.get("/", params={"q": "dang thuy"}).text  # the sender
    assert "Tin ảnh" in page and "1 mục" in page
    assert "0 mục" in client.get("/", params={"q": "100%"}).text  # LIKE's wildcards are literal


def test_queue_filters_and_quick_filters(env, app) -> None:
    config, engine = env
    add_user(engine, "head@bbt.test", "head", "*")
    late = make_item(engine, config, subject="Tin đã quá hạn", sender_unit="Phòng Nghiệp vụ")
    soon = make_item(engine, config, subject="Tin đến hạn hôm nay")
    fresh = make_item(engine, config, subject="Tin còn hạn", category="other")
    with Session(engine) as s:
        for it_id, delta in ((late.id, -timedelta(hours=5)), (soon.id, timedelta(minutes=1))):
            it = s.get(Item, it_id)
            it.deadline = utcnow() + delta
            s.add(it)
        s.commit()
    client = logged_in(app, "head@bbt.test")
    overdue = client.get("/?quick=overdue").text
    assert "Tin đã quá hạn" in overdue and "Tin còn hạn" not in overdue and "Quá hạn" in overdue
    today = client.get("/?quick=today").text
    if utcnow() + timedelta(minutes=1) < windows(utcnow(), config).tomorrow:  # not in the last minute of the day
        assert "Tin đến hạn hôm nay" in today
    assert "Tin đã quá hạn" not in today and "Tin còn hạn" not in today
    by_unit = client.get("/", params={"unit": "Phòng Nghiệp vụ"}).text
    assert "Tin đã quá hạn" in by_unit and "Tin còn hạn" not in by_unit
    all_rows = client.get("/").text
    assert all_rows.index("Tin đã quá hạn") < all_rows.index("Tin còn hạn")  # sorted by deadline
    dash = client.get("/dashboard")
    assert dash.status_code == 200 and "Quá hạn (1)" in dash.text and "Phòng Nghiệp vụ" in dash.text
    assert fresh.id


def test_item_page_shows_report_message_and_marked_seal(env, app) -> None:
    config, engine = env
    add_user(engine, "tv@bbt.test", "member")
    img, mark = seal_scan()
    pdf, pmark = seal_pdf()
    item = make_item(engine, config, subject="Quyết định số 117/QĐ-CTHADS", category="directive",
                     body="Kính gửi Ban Biên tập, đơn vị gửi Quyết định số 117.",
                     problems=[problem("sender.missing_title", article="Điều 8.2")],
                     files=[FileSpec("QD 117.jpg", img, "jpg", seals=[mark], text="QUYẾT ĐỊNH về việc ban hành"),
                            FileSpec("QD 117.pdf", pdf, "pdf", seals=[pmark], pages=1)])
    client = logged_in(app, "tv@bbt.test")
    page = client.get(f"/items/{item.id}").text
    for text in ("Không tìm thấy chức danh người gửi", "Điều 8.2", "Cách khắc phục", "Văn bản chỉ đạo, điều hành",
                 "thời điểm nhận thư", "Kính gửi Ban Biên tập",
                 "vanthu@thads-thainguyen.example.vn", "0208.3854.376", "QUYẾT ĐỊNH về việc ban hành",
                 "Tiếp nhận tự động", "Lịch sử xử lý"):
        assert text in page, text
    assert page.count('class="seal"') == 2
    x, _, _, h = mark.box
    assert f'x="{100 * x / mark.image_size[0]:.3f}"' in page
    assert f'height="{100 * h / mark.image_size[1]:.3f}"' in page
    ids = re.findall(r"/attachments/(\d+)/download", page)
    assert len(ids) == 2
    r = client.get(f"/attachments/{ids[0]}/image")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(r.content)).size[0] <= 1600
    r = client.get(f"/attachments/{ids[1]}/pages/1")
    assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).format == "JPEG"
    assert client.get(f"/attachments/{ids[1]}/pages/2").status_code == 404
    r = client.get(f"/attachments/{ids[1]}/download")
    assert r.content == pdf and "QD%20117.pdf" in r.headers["content-disposition"]


def test_actions_through_the_pages(env, app) -> None:
    config, engine = env
    add_user(engine, "tk@bbt.test", "secretary")
    add_user(engine, "tv@bbt.test", "member")
    add_user(engine, "tt@bbt.test", "head")
    item = make_item(engine, config, subject="Tin hội thao", sender_address="ctv@thads-thainguyen.example.vn")
    tk, tv, tt = (logged_in(app, e) for e in ("tk@bbt.test", "tv@bbt.test", "tt@bbt.test"))
    assert post_action(tk, item.id, "take", expected_state="new", expected_step="triage").status_code == 303
    assert post_action(tk, item.id, "forward", assignee="tv@bbt.test", expected_state="in_review",
                       expected_step="triage").headers["location"] == f"/items/{item.id}?done=forward"
    r = post_action(tk, item.id, "forward", expected_state="in_review", expected_step="triage")
    assert r.status_code == 409 and "vừa được người khác xử lý" in r.text  # a stale page
    assert post_action(tv, item.id, "forward", expected_state="in_review", expected_step="check").status_code == 303
    r = post_action(tt, item.id, "publish", url="https://thainguyen.moj.gov.vn/tin/1")
    assert r.status_code == 403  # posting is the act after approval, not of the approving step
    assert post_action(tt, item.id, "approve").status_code == 303
    r = post_action(tk, item.id, "publish", url="không phải địa chỉ")
    assert r.status_code == 400 and "http" in r.text
    r = post_action(tk, item.id, "publish", url="https://thainguyen.moj.gov.vn/tin/1", published_at="2026-01-05T08:30")
    assert r.status_code == 303
    page = tk.get(r.headers["location"]).text
    assert "Đã thực hiện: Đăng tải" in page and "08:30 05/01/2026" in page
    with Session(engine) as s:
        it = s.get(Item, item.id)
        assert it.state == "published" and it.published_url == "https://thainguyen.moj.gov.vn/tin/1"
        mails = [(m.kind, m.to_addrs) for m in s.exec(select(Outbox).where(Outbox.item_id == item.id))]
    # the member was told the item is theirs; the head, that it reached their step; the sender, the post
    assert mails == [("assignment", "tv@bbt.test"), ("assignment", "tt@bbt.test"),
                     ("publication", "ctv@thads-thainguyen.example.vn")]


def test_user_commands(env) -> None:
    config, engine = env
    pw = user_add(config, engine, "Moi@BBT.test", "member", ["thainguyen-thads", "kontum-stp"])
    assert len(pw) >= 12
    [u] = [u for u in user_list(config, engine) if u.email == "moi@bbt.test"]
    assert u.must_change_password and u.profiles == "thainguyen-thads,kontum-stp" and u.password_hash != pw
    with pytest.raises(UserError):
        user_add(config, engine, "moi@bbt.test", "member", ["kontum-stp"])
    with pytest.raises(UserError):
        user_add(config, engine, "x@bbt.test", "member", ["khong-co"])
    with pytest.raises(UserError):
        user_add(config, engine, "x@bbt.test", "boss", ["kontum-stp"])
    with pytest.raises(UserError):
        user_add(config, engine, "x@bbt.test", "member", [])
    assert user_add(config, engine, "qt@bbt.test", "admin", None, password="mot-mat-khau-x") == "mot-mat-khau-x"
    user_disable(config, engine, "moi@bbt.test")
    assert [u.disabled for u in user_list(config, engine) if u.email == "moi@bbt.test"] == [True]
    email, password = ensure_demo_account(config, engine)
    client = TestClient(create_app(config, engine))
    assert login(client, email, password).headers["location"] == "/"
