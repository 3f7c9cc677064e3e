"""The review pages under attack and misuse (TestClient): sessions that end on the server,
throttled sign-in without a lock, the Origin check, password strength, 400/404 instead of 500,
the forgotten-password link, and the administrator's account pages."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web_fixtures import PASSWORD, FileSpec, add_user, make_config, make_engine_for, make_item, seal_pdf
from tinbai.queue.models import Attachment, LoginThrottle, Outbox, PasswordReset, User, WebSession, utcnow
from tinbai.web.app import create_app
from tinbai.web.auth import SESSION_COOKIE, attempt_login
from tinbai.web.throttle import FREE_FAILURES, MAX_DELAY, delay_after

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
STRONG = "gio mua dong bac ve som"


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
    return client.post("/login", data={"email": email, "password": password, "csrf": token(client), "next": "/"},
                       follow_redirects=False)


def logged_in(app, email: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    r = login(client, email, password)
    assert r.status_code == 303, r.text
    return client


def sessions_of(engine, email: str) -> int:
    with Session(engine) as s:
        user = s.exec(select(User).where(User.email == email)).one()
        return len(s.exec(select(WebSession).where(WebSession.user_id == user.id)).all())


def test_the_cookie_is_a_random_token_and_logout_ends_the_session_on_the_server(env, app) -> None:
    config, engine = env
    add_user(engine, "tk@bbt.test", "secretary")
    item = make_item(engine, config)
    client = logged_in(app, "tk@bbt.test")
    stolen = client.cookies.get(SESSION_COOKIE)
    assert stolen and len(stolen) >= 40 and "tk@bbt.test" not in stolen and "." not in stolen
    csrf = token(client, f"/items/{item.id}")
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert sessions_of(engine, "tk@bbt.test") == 0
    thief = TestClient(app, cookies={SESSION_COOKIE: stolen})
    assert thief.get("/", follow_redirects=False).headers["location"].startswith("/login")
    r = thief.post(f"/items/{item.id}/action", data={"csrf": csrf, "action": "take"}, follow_redirects=False)
    assert r.status_code == 403
    with Session(engine) as s:
        assert s.get(type(item), item.id).holder is None


def test_password_change_disable_and_idle_end_sessions(env, app) -> None:
    config, engine = env
    add_user(engine, "tv@bbt.test", "member")
    add_user(engine, "qt@bbt.test", "admin", "*")
    laptop, phone = logged_in(app, "tv@bbt.test"), logged_in(app, "tv@bbt.test")
    r = laptop.post("/password", data={"csrf": token(laptop, "/password"), "current": PASSWORD, "new": STRONG,
                                       "confirm": STRONG})
    assert "Đã đổi mật khẩu" in r.text
    assert laptop.get("/", follow_redirects=False).status_code == 200  # the session that changed it stays
    assert phone.get("/", follow_redirects=False).status_code == 303  # every other one ended

    admin = logged_in(app, "qt@bbt.test")
    with Session(engine) as s:
        tv = s.exec(select(User).where(User.email == "tv@bbt.test")).one()
    r = admin.post(f"/admin/users/{tv.id}", data={"csrf": token(admin, f"/admin/users/{tv.id}"), "do": "disable"})
    assert r.status_code == 200 and "phiên đăng nhập của tài khoản đã kết thúc" in r.text
    assert laptop.get("/", follow_redirects=False).status_code == 303
    assert login(TestClient(app), "tv@bbt.test", STRONG).status_code == 401

    # idle: a session unused for longer than web.session_idle_minutes is gone
    with Session(engine) as s:
        for row in s.exec(select(WebSession)):
            row.seen_at = utcnow() - timedelta(minutes=config.web.session_idle_minutes + 1)
            s.add(row)
        s.commit()
    assert admin.get("/", follow_redirects=False).status_code == 303
    assert sessions_of(engine, "qt@bbt.test") == 0


def test_sign_in_throttle_counts_and_waits_without_a_lock(env) -> None:
    """attempt_login with a clock of its own: failures past the free ones make the next try wait
    longer and longer; tries during a wait are not checked nor counted; an unknown account is
    answered exactly as an existing one; after the wait the right password works."""
    _, engine = env
    add_user(engine, "tt@bbt.test", "head")
    t0 = utcnow()

    def run(email: str, address: str) -> list[str]:
        answers, now = [], t0
        with Session(engine) as s:
            for _ in range(FREE_FAILURES["account"] + 2):
                answers.append(attempt_login(s, email, "doan-mo-123", address, now)[1])
                now += timedelta(milliseconds=100)  # quicker than any wait
            s.commit()
            # the wait after the 4th failure is 1 s: the 5th try at +0.4 s was not counted
            assert s.get(LoginThrottle, f"account:{email}").failures == FREE_FAILURES["account"] + 1
            assert attempt_login(s, email, PASSWORD, address, now)[0] is None
            later = t0 + timedelta(seconds=2)
            user, said = attempt_login(s, email, PASSWORD, address, later)
            answers.append(said if user is None else "OK")
            s.commit()
        return answers

    known, unknown = run("tt@bbt.test", "10.0.0.8"), run("khong-co@bbt.test", "10.0.0.9")
    wrong = "Email hoặc mật khẩu không đúng."
    assert known[:-1] == unknown[:-1] == [wrong] * (FREE_FAILURES["account"] + 1) + [
        "Đăng nhập sai nhiều lần liên tiếp: xin chờ 1 giây rồi thử lại."]
    assert known[-1] == "OK" and unknown[-1] == wrong
    assert delay_after("account", FREE_FAILURES["account"] + 3) == timedelta(seconds=4)
    assert delay_after("account", 1000) == MAX_DELAY  # it grows, up to a cap: never a lock


def test_failed_logins_through_the_pages_say_the_same_words(env, app) -> None:
    _, engine = env
    add_user(engine, "tt@bbt.test", "head")
    attacker = TestClient(app)

    def said(email: str, password: str = "doan-mo-123") -> str:
        r = login(attacker, email, password)
        assert r.status_code == 401
        return re.search(r'role="alert">([^<]+)<', r.text).group(1)

    assert said("tt@bbt.test") == said("khong-co@bbt.test") == "Email hoặc mật khẩu không đúng."
    # a wait runs for both names (set here as the failures would leave it): the same words again
    with Session(engine) as s:
        for name in ("account:tt@bbt.test", "account:khong-co@bbt.test"):
            s.merge(LoginThrottle(key=name, failures=9, last_failure_at=utcnow(),
                                  next_try_at=utcnow() + timedelta(seconds=30)))
        s.commit()
    known, unknown = said("tt@bbt.test", PASSWORD), said("khong-co@bbt.test")
    assert re.sub(r"\d+", "N", known) == re.sub(r"\d+", "N", unknown)
    assert "xin chờ" in known and "khóa" not in known


def test_a_post_from_another_site_is_refused_even_with_a_token(env, app) -> None:
    config, engine = env
    add_user(engine, "tt@bbt.test", "head")
    item = make_item(engine, config)
    client = logged_in(app, "tt@bbt.test")
    csrf = token(client, f"/items/{item.id}")
    for headers in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/x"}, {"Origin": "null"}):
        r = client.post(f"/items/{item.id}/action", data={"csrf": csrf, "action": "take"}, headers=headers,
                        follow_redirects=False)
        assert r.status_code == 403, headers
    r = client.post(f"/items/{item.id}/action", data={"csrf": csrf, "action": "take"},
                    headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert r.status_code == 303


@pytest.mark.parametrize("weak", ["aaaaaaaaaa", "12345678901", "password123", "tv@bbt.test1"])
def test_weak_passwords_are_refused_with_the_reason(env, app, weak: str) -> None:
    _, engine = env
    add_user(engine, "tv@bbt.test", "member", must_change=True)
    client = logged_in(app, "tv@bbt.test")
    r = client.post("/password", data={"csrf": token(client, "/password"), "current": PASSWORD, "new": weak,
                                       "confirm": weak})
    assert r.status_code == 400 and "Mật khẩu mới quá dễ đoán" in r.text
    assert login(TestClient(app), "tv@bbt.test", weak).status_code == 401  # not taken


def test_errors_a_user_can_cause_are_400_or_404_in_vietnamese(env, app) -> None:
    config, engine = env
    add_user(engine, "tt@bbt.test", "head")
    pdf, mark = seal_pdf()
    item = make_item(engine, config, files=[FileSpec("a.pdf", pdf, "pdf", seals=[mark], pages=1)])
    with Session(engine) as s:
        att = s.exec(select(Attachment)).one()
    client = logged_in(app, "tt@bbt.test")
    huge = "99999999999999999999"
    for path in (f"/items/{huge}", f"/items/{huge}/print", f"/attachments/{huge}/download",
                 f"/attachments/{huge}/image", f"/attachments/{att.id}/pages/{huge}", "/items/0", "/items/abc"):
        r = client.get(path)
        assert r.status_code == 404 and "Không tìm thấy" in r.text, path
    assert client.get(f"/?page_no={huge}").status_code == 400
    r = client.get("/", params={"q": " ".join(["tin"] * 1000)})
    assert r.status_code == 400 and "Tìm kiếm dài quá" in r.text
    csrf = token(client, f"/items/{item.id}")
    r = client.post(f"/items/{item.id}/action", data={"csrf": csrf, "action": "change_category", "category": "news",
                                                       "anchor_date": "9999-12-31"})
    assert r.status_code == 400 and "nằm ngoài khoảng" in r.text
    r = client.post(f"/items/{huge}/action", data={"csrf": csrf, "action": "comment", "comment": "x"})
    assert r.status_code == 404


def test_the_statistics_directory_credit_and_registration_pages_answer_400_or_404_too(env, app) -> None:
    """The pages of issues 15 and 16 hold to the same rule: numbers past what the database holds,
    years out of range, counts no one means."""
    config, engine = env
    add_user(engine, "tt@bbt.test", "head", "*")
    item = make_item(engine, config)
    client = logged_in(app, "tt@bbt.test")
    huge = "9" * 30
    assert client.get(f"/items/{huge}/credit").status_code == 404
    for params in ({"period": "0001-01"}, {"period": "2200"}, {"period": "1900-01-01..2026-01-01"}):
        for path in ("/stats", "/stats/download", "/stats/royalties"):
            r = client.get(path, params={"profile": "binhphuoc-stp", **params})
            assert r.status_code == 400 and "nằm ngoài khoảng" in r.text, (path, params)
    csrf = token(client, "/directory")
    profile = {"csrf": csrf, "profile": "binhphuoc-stp"}
    for url, form, status, words in (
            ("/directory/units", {"name": "Phòng A", "id": huge}, 404, "Không có mục này"),
            ("/directory/units", {"name": "Phòng B", "quota_per_month": huge}, 400, "Định mức riêng"),
            ("/directory/contributors", {"name": "A", "email": "a@bp.test", "id": huge}, 404, "Không có mục này"),
            ("/directory/contributors", {"name": "B", "email": "b@bp.test", "unit_id": huge}, 400, "Hãy chọn một đơn vị"),
            (f"/directory/units/{huge}/retire", {"retired": "1"}, 404, "Không tìm thấy"),
            (f"/items/{item.id}/credit", {"authors": "A", "words": huge}, 400, "Số chữ và số ảnh"),
            ("/register", {"token": "t", "channel": "cd", "day": "9999-12-31", "clock": "10:00", "name": "A",
                           "subject": "Tin"}, 400, "nằm ngoài khoảng")):
        r = client.post(url, data={**profile, **form})
        assert r.status_code == status and words in r.text, (url, form, r.status_code)


def test_forgotten_password_by_a_one_time_link(env, app) -> None:
    config, engine = env
    add_user(engine, "tk@bbt.test", "secretary", name="Lê Thị Thu")
    old = logged_in(app, "tk@bbt.test")
    client = TestClient(app)
    answers = []
    for email in ("tk@bbt.test", "khong-co@bbt.test"):
        r = client.post("/forgot", data={"email": email, "csrf": token(client, "/forgot")})
        assert r.status_code == 200
        answers.append(re.search(r'role="status">([^<]+)<', r.text).group(1))
    assert answers[0] == answers[1]  # nothing tells whether the account exists
    with Session(engine) as s:
        [mail] = s.exec(select(Outbox).where(Outbox.kind == "password_reset")).all()
    assert mail.to_addrs == "tk@bbt.test" and "Lê Thị Thu" in mail.body_text
    link = re.search(r"http://\S+/reset/(\S+)", mail.body_text)
    path = f"/reset/{link.group(1)}"
    page = client.get(path)
    assert page.status_code == 200 and "tk@bbt.test" in page.text
    csrf = CSRF.search(page.text).group(1)
    r = client.post(path, data={"csrf": csrf, "new": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"})
    assert r.status_code == 400 and "dễ đoán" in r.text
    r = client.post(path, data={"csrf": csrf, "new": STRONG, "confirm": STRONG}, follow_redirects=False)
    assert r.headers["location"] == "/login?reset=1"
    assert old.get("/", follow_redirects=False).status_code == 303  # the sessions of before ended
    assert login(TestClient(app), "tk@bbt.test", STRONG).status_code == 303
    r = client.get(path)
    assert r.status_code == 404 and "không còn hiệu lực" in r.text  # one use
    with Session(engine) as s:
        assert all(row.used_at for row in s.exec(select(PasswordReset)))
        row = PasswordReset(token_hash="x" * 64, user_id=1, created_at=utcnow() - timedelta(hours=1),
                            expires_at=utcnow() - timedelta(minutes=1))
        s.add(row)
        s.commit()
    assert client.get("/reset/" + "y" * 43).status_code == 404


def test_admin_manages_accounts_in_the_pages(env, app) -> None:
    _, engine = env
    add_user(engine, "qt@bbt.test", "admin", "*")
    add_user(engine, "tk@bbt.test", "secretary")
    admin = logged_in(app, "qt@bbt.test")
    assert logged_in(app, "tk@bbt.test").get("/admin/users").status_code == 403
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "tk@bbt.test" in page.text
    r = admin.post("/admin/users", data={"csrf": CSRF.search(page.text).group(1), "email": "Moi@BBT.test",
                                         "name": "Trần Mới", "role": "member",
                                         "profiles": ["thainguyen-thads", "kontum-stp"]})
    otp = re.search(r'<code class="otp">([^<]+)</code>', r.text).group(1)
    r = admin.post("/admin/users", data={"csrf": CSRF.search(page.text).group(1), "email": "x@bbt.test",
                                         "role": "member"})
    assert r.status_code == 400 and "Hãy chọn ít nhất một hồ sơ" in r.text
    newcomer = TestClient(app)
    assert login(newcomer, "moi@bbt.test", otp).headers["location"] == "/password"
    with Session(engine) as s:
        moi = s.exec(select(User).where(User.email == "moi@bbt.test")).one()
        me = s.exec(select(User).where(User.email == "qt@bbt.test")).one()
    assert moi.profiles == "thainguyen-thads,kontum-stp" and moi.name == "Trần Mới"
    csrf = token(admin, f"/admin/users/{moi.id}")
    r = admin.post(f"/admin/users/{moi.id}", data={"csrf": csrf, "do": "save", "role": "head", "name": "Trần Mới",
                                                   "profiles": ["kontum-stp"]})
    assert r.status_code == 200 and "Đã lưu" in r.text
    r = admin.post(f"/admin/users/{moi.id}", data={"csrf": csrf, "do": "reset"})
    fresh = re.search(r'<code class="otp">([^<]+)</code>', r.text).group(1)
    assert newcomer.get("/password", follow_redirects=False).status_code == 303  # its session ended
    assert login(TestClient(app), "moi@bbt.test", fresh).status_code == 303
    with Session(engine) as s:
        moi = s.get(User, moi.id)
    assert (moi.role, moi.profiles) == ("head", "kontum-stp")
    # an administrator keeps their own account and role
    r = admin.post(f"/admin/users/{me.id}", data={"csrf": csrf, "do": "save", "role": "member", "profiles": ["*"]})
    assert r.status_code == 400 and "quản trị của chính mình" in r.text
    assert admin.post(f"/admin/users/{me.id}", data={"csrf": csrf, "do": "disable"}).status_code == 400
