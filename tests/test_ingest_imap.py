"""The IMAP path end to end against a real Dovecot: exactly-once items, IDLE pickup,
restarts, UIDVALIDITY changes and messages deleted by another client."""

from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import Session, func, select

from tests.factories import make_config, news_email
from tinbai.daemon import Daemon
from tinbai.ingest.runner import Ingestor
from tinbai.ingest.sources import imap_pass, open_imap
from tinbai.queue.models import Item
from tinbai.queue.schema import open_db


def imap_config(tmp_path, dovecot, user="alice", password="alicepw", **box):
    env = f"TB_TEST_IMAP_PW_{user.upper()}"
    import os

    os.environ[env] = password
    mailbox = {"kind": "imap", "host": "127.0.0.1", "port": dovecot.imap_port, "security": "plain",
               "username": user, "password_env": env, "poll_seconds": 2, **box}
    return make_config(tmp_path, mailboxes={"thainguyen": mailbox})


def count(engine) -> int:
    """Items stored, all of them fully processed (a `failed` item would hide a broken path)."""
    with Session(engine) as s:
        states = set(s.exec(select(Item.state)))
        assert states <= {"new"}, f"items not processed: {states}"
        return s.exec(select(func.count()).select_from(Item)).one()


@pytest.fixture
def imap_setup(tmp_path, dovecot):
    cfg = imap_config(tmp_path, dovecot)
    return cfg, open_db(cfg), dovecot


def test_append_run_once_one_item_then_none(imap_setup):
    cfg, engine, dovecot = imap_setup
    uid = dovecot.append("alice", "INBOX", news_email(1))
    assert Daemon(cfg, engine).run_once()["created"] == 1
    assert "\\Seen" in dovecot.flags("alice", "INBOX", uid)  # marked only after the commit
    assert Daemon(cfg, engine).run_once()["created"] == 0
    assert count(engine) == 1
    with Session(engine) as s:
        item = s.exec(select(Item)).one()
    assert item.source_key.startswith("imap:") and item.source_key.endswith(f":{uid}")


def test_200_messages_200_items_and_again_200(imap_setup):
    cfg, engine, dovecot = imap_setup
    raws = [news_email(i, with_photo=i % 10 == 0) for i in range(200)]
    with dovecot.session("alice") as c:
        for raw in raws:
            c.append("INBOX", raw)
    assert Daemon(cfg, engine).run_once()["created"] == 200
    assert count(engine) == 200
    assert Daemon(cfg, engine).run_once()["created"] == 0
    assert count(engine) == 200


def test_a_message_already_read_in_a_mail_client_is_still_new(imap_setup):
    cfg, engine, dovecot = imap_setup
    dovecot.append("alice", "INBOX", news_email(1), flags=["\\Seen"])
    assert Daemon(cfg, engine).run_once()["created"] == 1


def test_move_after_processing(tmp_path, dovecot):
    cfg = imap_config(tmp_path, dovecot, after="move", move_to="Da xu ly")
    engine = open_db(cfg)
    dovecot.append("alice", "INBOX", news_email(1))
    assert Daemon(cfg, engine).run_once()["created"] == 1
    assert dovecot.uids("alice", "INBOX") == []
    assert len(dovecot.uids("alice", "Da xu ly")) == 1


def test_uidvalidity_change_resyncs_without_duplicates(imap_setup):
    cfg, engine, dovecot = imap_setup
    dovecot.create_folder("alice", "Tin bai")
    cfg.mailboxes["thainguyen"].folder = "Tin bai"
    raws = [news_email(i) for i in range(3)]
    for raw in raws:
        dovecot.append("alice", "Tin bai", raw)
    assert Daemon(cfg, engine).run_once()["created"] == 3
    before = dovecot.folder_state("alice", "Tin bai")["UIDVALIDITY"]
    dovecot.delete_folder("alice", "Tin bai")  # the mailbox is recreated: UIDs start over
    dovecot.create_folder("alice", "Tin bai")
    assert dovecot.folder_state("alice", "Tin bai")["UIDVALIDITY"] != before
    for raw in raws + [news_email(9)]:  # the old messages come back, with one new one
        dovecot.append("alice", "Tin bai", raw)
    assert Daemon(cfg, engine).run_once()["created"] == 1
    assert count(engine) == 4


def test_message_deleted_by_another_client_mid_run(imap_setup):
    cfg, engine, dovecot = imap_setup
    uids = [dovecot.append("alice", "INBOX", news_email(i)) for i in range(3)]
    ing = Ingestor(cfg, engine)
    box = cfg.mailboxes["thainguyen"]
    client = open_imap(box)
    try:
        real = client.uids_after

        def then_delete(n):  # another client expunges one message between SEARCH and FETCH
            found = real(n)
            dovecot.delete_message("alice", "INBOX", uids[1])
            return found

        client.uids_after = then_delete
        result = imap_pass(ing, "thainguyen", box, client)
    finally:
        client.close()
        ing.close()
    assert result.created == 2 and result.skipped == 1
    assert count(engine) == 2


def test_idle_pickup_and_reconnect_after_a_server_restart(imap_setup):
    cfg, engine, dovecot = imap_setup
    daemon = Daemon(cfg, engine)
    t = threading.Thread(target=daemon.run_forever, daemon=True)
    t.start()
    try:
        dovecot.append("alice", "INBOX", news_email(1))
        assert wait_for(lambda: count(engine) == 1, 20), "IDLE did not pick up the message"
        dovecot.restart(grace=0)  # the server goes away mid-session and comes back
        dovecot.append("alice", "INBOX", news_email(2))
        assert wait_for(lambda: count(engine) == 2, 40), "no reconnect after the restart"
    finally:
        daemon.stop_event.set()
        t.join(timeout=15)
    assert not t.is_alive()


def test_wrong_password_is_recorded_not_raised(tmp_path, dovecot):
    cfg = imap_config(tmp_path, dovecot, password="wrong")
    engine = open_db(cfg)
    totals = Daemon(cfg, engine).run_once()
    assert totals["errors"] == 1 and totals["created"] == 0
    from tinbai.queue.models import MailboxState

    with Session(engine) as s:
        st = s.get(MailboxState, "thainguyen")
    assert st.last_error and "login failed" in st.last_error


def wait_for(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False
