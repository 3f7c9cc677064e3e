"""The review pages read without the write lock: while another process holds SQLite's write lock
(as the daemon does while it stores a message), the queue and an item's page are served; the
first look at a citizen's feedback, which writes its history entry, waits for the lock instead
(and then writes). The item's page shows an email given up with its error and the command that
sends it again, and an email waiting with the reason of its last try."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.test_web import logged_in
from tests.web_fixtures import add_user, make_config, make_engine_for, make_item
from tinbai.notifier.outbox import queue_email
from tinbai.queue.models import Outbox, ReviewEvent
from tinbai.web.app import create_app

# well inside the 30 s busy_timeout: a page that waited for the lock would not be back in time
ANSWER_WITHIN = 15.0


@pytest.fixture
def env(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    yield config, engine, tmp_path / "queue.db"
    engine.dispose()


@pytest.fixture
def app(env):
    app = create_app(*env[:2])
    yield app
    app.state.courier.stop()


def get_while_locked(client: TestClient, db_file: Path, paths: list[str]) -> tuple[dict[str, int], bool]:
    """GET each path from a thread while this test holds the write lock; the answers got while
    it was held, and whether every request ended before the lock was let go."""
    writer = sqlite3.connect(db_file, isolation_level=None, timeout=1)
    writer.execute("BEGIN IMMEDIATE")  # the daemon in the middle of storing a message
    got: dict[str, int] = {}

    def fetch() -> None:
        for path in paths:
            got[path] = client.get(path).status_code

    t = threading.Thread(target=fetch)
    try:
        t.start()
        t.join(ANSWER_WITHIN)
        in_time = not t.is_alive()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        t.join(60)
    return got, in_time


def test_queue_and_item_pages_are_served_while_another_process_writes(env, app) -> None:
    config, engine, db_file = env
    add_user(engine, "tv@bbt.test", "member")
    item = make_item(engine, config, subject="Hội nghị tổng kết")
    client = logged_in(app, "tv@bbt.test")
    got, in_time = get_while_locked(client, db_file, ["/", f"/items/{item.id}", f"/items/{item.id}/print"])
    assert in_time, "a page waited for the write lock"
    assert got == {"/": 200, f"/items/{item.id}": 200, f"/items/{item.id}/print": 200}


def test_a_first_look_that_writes_history_waits_for_the_lock_then_writes(env, app) -> None:
    config, engine, db_file = env
    add_user(engine, "tv@bbt.test", "member")
    item = make_item(engine, config, subject="Phản ánh của công dân", category="feedback")
    client = logged_in(app, "tv@bbt.test")
    got, in_time = get_while_locked(client, db_file, [f"/items/{item.id}"])
    assert not in_time  # it has a history entry to write: it waited for the writer
    assert got == {f"/items/{item.id}": 200}
    with Session(engine) as s:
        opened = list(s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item.id,
                                                       ReviewEvent.action == "opened")))
    assert [e.actor for e in opened] == ["tv@bbt.test"]


def test_the_item_page_shows_emails_given_up_and_waiting(env, app) -> None:
    config, engine, _ = env
    add_user(engine, "tv@bbt.test", "member")
    item = make_item(engine, config, subject="Hội nghị tổng kết")
    with Session(engine, expire_on_commit=False) as s:
        failed = queue_email(s, kind="acknowledgement", to=["khongton@thads-thainguyen.example.vn"],
                             subject="Đã tiếp nhận", body_text="…", item_id=item.id, dedupe_key="ack:x")
        waiting = queue_email(s, kind="correction", to=["vanthu@thads-thainguyen.example.vn"],
                              subject="Đề nghị bổ sung", body_text="…", item_id=item.id, dedupe_key="corr:x")
        failed.status, failed.last_error = "failed", "khongton@…: 550 5.1.1 No such user"
        waiting.last_error = "451 4.2.2 Mailbox full"
        s.commit()
    page = logged_in(app, "tv@bbt.test").get(f"/items/{item.id}").text
    assert "550 5.1.1 No such user" in page and f"main.py outbox retry {failed.id}" in page
    assert "451 4.2.2 Mailbox full" in page and "sẽ gửi lại" in page
    with Session(engine) as s:
        assert s.get(Outbox, waiting.id).status == "pending"


