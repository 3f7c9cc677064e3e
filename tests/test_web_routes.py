"""Every route of the app, from FastAPI's own route table, as an anonymous visitor, a viewer, a
user of another profile and the right user, with the status each must get.

A route missing from EXPECTED fails the test: a new page cannot be added without saying who
may see it. POSTs carry the visitor's own valid CSRF token (a forged one is test_web_security's).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
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
from tinbai.queue.models import Attachment, PasswordReset, UnitRow, User, utcnow
from tinbai.web.app import create_app
from tinbai.web.sessions import token_hash

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROLES = ("anonymous", "viewer", "other", "right")
# (method, path) -> (the form POSTed, the status for anonymous, viewer, other profile's user, right user)
EXPECTED: dict[tuple[str, str], tuple[dict, tuple[int, int, int, int]]] = {
    ("GET", "/login"): ({}, (200, 303, 303, 303)),
    # a wrong password for an account nobody here signs in with: four failures in a row make the next
    # try of the same account wait (tinbai.web.throttle), and the right user signs in again at once
    ("POST", "/login"): ({"email": "sua@bbt.test", "password": "sai-mat-khau"}, (401, 401, 401, 401)),
    ("POST", "/logout"): ({}, (303, 303, 303, 303)),
    ("GET", "/password"): ({}, (303, 200, 200, 200)),
    ("POST", "/password"): ({"current": "sai", "new": "x", "confirm": "x"}, (403, 400, 400, 400)),
    ("GET", "/forgot"): ({}, (200, 200, 200, 200)),
    ("POST", "/forgot"): ({"email": "khong-co{n}@bbt.test"}, (200, 200, 200, 200)),
    ("GET", "/reset/{token}"): ({}, (200, 200, 200, 200)),
    ("POST", "/reset/{token}"): ({"new": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"}, (400, 400, 400, 400)),
    ("GET", "/"): ({}, (303, 200, 200, 200)),
    ("GET", "/dashboard"): ({}, (303, 200, 200, 200)),
    ("GET", "/export.csv"): ({}, (303, 200, 200, 200)),
    ("GET", "/export.xlsx"): ({}, (303, 200, 200, 200)),
    ("POST", "/items/bulk"): ({"action": "take", "ids": "{item_id}"}, (403, 403, 403, 200)),
    ("GET", "/items/{item_id}"): ({}, (303, 200, 403, 200)),
    ("GET", "/items/{item_id}/print"): ({}, (303, 200, 403, 200)),
    ("POST", "/items/{item_id}/action"): ({"action": "comment", "comment": "Ý kiến"}, (403, 403, 403, 303)),
    ("GET", "/attachments/{att_id}/download"): ({}, (303, 200, 403, 200)),
    ("POST", "/attachments/{att_id}/download"): ({}, (403, 200, 403, 200)),
    ("GET", "/attachments/{att_id}/image"): ({}, (303, 200, 403, 200)),
    ("GET", "/attachments/{att_id}/pages/{page_no}"): ({}, (303, 200, 403, 200)),
    ("GET", "/admin/users"): ({}, (303, 403, 403, 200)),
    ("POST", "/admin/users"): ({"email": "moi{n}@bbt.test", "role": "member", "profiles": "kontum-stp"},
                               (403, 403, 403, 200)),
    ("GET", "/admin/users/{account_id}"): ({}, (303, 403, 403, 200)),
    ("POST", "/admin/users/{account_id}"): ({"do": "save", "role": "member", "profiles": "kontum-stp"},
                                            (403, 403, 403, 200)),
    # statistics, the directory, an item's credit, registering what was brought by hand (issues 15, 16)
    ("GET", "/stats"): ({}, (303, 200, 200, 200)),
    ("GET", "/stats/download"): ({}, (303, 200, 200, 200)),
    ("GET", "/stats/royalties"): ({}, (303, 200, 200, 200)),
    ("GET", "/items/{item_id}/credit"): ({}, (303, 200, 403, 200)),
    ("POST", "/items/{item_id}/credit"): ({"authors": "Nguyễn Văn An", "kind": "", "words": "", "photos": ""},
                                         (403, 403, 403, 303)),
    ("GET", "/directory"): ({}, (303, 403, 403, 200)),
    ("POST", "/directory/units"): ({"profile": "thainguyen-thads", "name": "Phòng {n}"}, (403, 403, 403, 303)),
    ("POST", "/directory/contributors"): ({"profile": "thainguyen-thads", "name": "Cộng tác viên {n}",
                                           "email": "ctv{n}@bbt.test"}, (403, 403, 403, 303)),
    ("POST", "/directory/{kind}/{row_id}/retire"): ({"profile": "thainguyen-thads", "retired": "1"},
                                                    (403, 403, 403, 303)),
    ("GET", "/register"): ({}, (303, 403, 403, 200)),
    ("POST", "/register"): ({"profile": "thainguyen-thads", "channel": "paper"}, (403, 403, 403, 400)),
}


def api_routes(routes) -> list[APIRoute]:
    """The app's routes, flattened: this FastAPI keeps each included router as one entry."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            assert not getattr(route.include_context, "prefix", ""), "a prefix would change the paths"
            out += api_routes(inner.routes)
        elif isinstance(route, APIRoute):
            out.append(route)
    return out


@pytest.fixture
def board(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    add_user(engine, "xem@bbt.test", "viewer", "thainguyen-thads")
    add_user(engine, "tv.haiduong@bbt.test", "member", "haiduong-thads")
    add_user(engine, "tt@bbt.test", "head", "thainguyen-thads")
    add_user(engine, "qt@bbt.test", "admin", "*")
    edited = add_user(engine, "sua@bbt.test", "member", "kontum-stp")  # the account the admin's pages change
    img, mark = seal_scan()
    pdf, pmark = seal_pdf()
    item = make_item(engine, config, files=[FileSpec("anh.jpg", img, "jpg", seals=[mark]),
                                            FileSpec("qd.pdf", pdf, "pdf", seals=[pmark], pages=1)])
    token = secrets.token_urlsafe(32)
    with Session(engine, expire_on_commit=False) as s:
        atts = {a.detected_type: a.id for a in s.exec(select(Attachment))}
        someone = s.exec(select(User).where(User.email == "xem@bbt.test")).one()
        s.add(PasswordReset(token_hash=token_hash(token), user_id=someone.id, created_at=utcnow(),
                            expires_at=utcnow() + timedelta(hours=1)))
        unit = UnitRow(profile="thainguyen-thads", name="Văn phòng", created_at=utcnow(), updated_at=utcnow())
        s.add(unit)
        s.commit()
    params = {"item_id": item.id, "att_id": atts["jpg"], "page_no": 1, "account_id": edited.id, "token": token,
              "kind": "units", "row_id": unit.id}
    app = create_app(config, engine)
    yield app, params, atts
    app.state.courier.stop()
    engine.dispose()


def visitor(app, role: str, admin_route: bool) -> TestClient:
    client = TestClient(app)
    email = {"viewer": "xem@bbt.test", "other": "tv.haiduong@bbt.test",
             "right": "qt@bbt.test" if admin_route else "tt@bbt.test"}.get(role)
    if email:
        csrf = CSRF.search(client.get("/login").text).group(1)
        r = client.post("/login", data={"email": email, "password": PASSWORD, "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
    return client


def test_every_route_gives_each_visitor_the_status_it_must(board) -> None:
    app, params, atts = board
    routes = {(m, r.path) for r in api_routes(app.routes) for m in r.methods if m != "HEAD"}
    assert routes == set(EXPECTED), ("routes without an expectation", routes - set(EXPECTED),
                                     "expectations without a route", set(EXPECTED) - routes)
    got, want, n = {}, {}, 0
    signed_in: dict[tuple[str, bool], TestClient] = {}
    for (method, path), (form, statuses) in sorted(EXPECTED.items()):
        values = dict(params, att_id=atts["pdf"]) if path.endswith("{page_no}") else params
        url = path.format(**values)
        for role, status in zip(ROLES, statuses, strict=True):
            key = (role, path.startswith("/admin"))
            if role == "anonymous" or path == "/logout":  # a sign-out must not leak into the next request
                client = visitor(app, *key)
            else:
                client = signed_in.get(key) or signed_in.setdefault(key, visitor(app, *key))
            if method == "GET":
                r = client.get(url, follow_redirects=False)
            else:
                n += 1
                page = client.get("/" if role != "anonymous" else "/login", follow_redirects=False).text
                data = {k: v.format(right="tt@bbt.test", n=n, **values) for k, v in form.items()}
                r = client.post(url, data={**data, "csrf": CSRF.search(page).group(1)}, follow_redirects=False)
            got[(method, path, role)] = r.status_code
            want[(method, path, role)] = status
            assert r.status_code < 500, (method, url, role, r.text[:300])
    wrong = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not wrong, wrong
