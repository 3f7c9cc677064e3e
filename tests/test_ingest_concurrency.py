"""Attachments read ahead in threads while the message before is stored: the guarantees stay.

Every message one item exactly once (a message delivered twice in one pass too), each marked
only after its commit and from the pass's own thread, a lost lease stops the pass, a parser
bug in an analysis thread becomes a `failed` item, a database error leaves the message unmarked.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

import tinbai.ingest.runner as runner
from tests.factories import VN, make_config, news_email
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.ingest.runner import Ingestor
from tinbai.ingest.sources import mailbox_pass
from tinbai.queue.directory import UnitForm, save_unit
from tinbai.queue.models import Item
from tinbai.queue.schema import open_db

T0 = datetime(2026, 4, 28, 9, 0, tzinfo=VN)


@pytest.fixture
def setup(tmp_path):
    cfg = make_config(tmp_path)
    engine = open_db(cfg)
    box = MaildirMailbox(cfg.resolve(cfg.mailboxes["thainguyen"].path))
    ing = Ingestor(cfg, engine)
    yield cfg, engine, box, ing
    ing.close()


def items(engine):
    with Session(engine) as s:
        return list(s.exec(select(Item).order_by(Item.id)))


@pytest.fixture
def marks(monkeypatch, setup):
    """Each mark_done: (key, whether its item was committed then, the marking thread)."""
    _cfg, engine, _box, _ing = setup
    seen: list[tuple[str, bool, threading.Thread]] = []
    real = MaildirMailbox.mark_done

    def recording(self, key):
        with Session(engine) as s:
            stored = s.exec(select(Item).where(Item.source_key == f"maildir:{key}")).first() is not None
        seen.append((key, stored, threading.current_thread()))
        real(self, key)

    monkeypatch.setattr(MaildirMailbox, "mark_done", recording)
    return seen


def test_each_once_marked_after_commit_from_the_pass_thread(setup, marks):
    cfg, engine, box, ing = setup
    raws = [news_email(i, with_photo=i % 2 == 0) for i in range(6)]
    twice = raws[2]
    for i, raw in enumerate([*raws, twice]):  # the same message delivered twice, read ahead together
        box.add(raw, T0 + timedelta(minutes=i))
    r = mailbox_pass(ing, "thainguyen", cfg.mailboxes["thainguyen"])
    assert not r.errors and r.found == 7 and r.created == 6
    got = items(engine)
    assert len(got) == 6 and len({(it.message_id, it.raw_sha256) for it in got}) == 6
    # the duplicate's item is the first delivery's; its own key is marked all the same
    assert len(marks) == 7
    for key, stored, thread in marks:
        assert thread is threading.current_thread()
        assert stored or key not in {it.source_key.removeprefix("maildir:") for it in got}
    # in mailbox order, as before
    assert [it.received_at for it in got] == sorted(it.received_at for it in got)
    assert mailbox_pass(ing, "thainguyen", cfg.mailboxes["thainguyen"]).created == 0


def test_a_lost_lease_stops_the_pass_and_nothing_read_ahead_is_stored(setup, marks):
    cfg, engine, box, ing = setup
    for i in range(6):
        box.add(news_email(i), T0 + timedelta(minutes=i))
    calls = {"n": 0}

    def keep_going():
        calls["n"] += 1
        return calls["n"] <= 2

    r = mailbox_pass(ing, "thainguyen", cfg.mailboxes["thainguyen"], keep_going=keep_going)
    assert r.created == 2 and len(items(engine)) == 2 and len(marks) == 2
    assert all(stored for _k, stored, _t in marks)
    # the next holder goes on from there: the rest once each
    assert mailbox_pass(ing, "thainguyen", cfg.mailboxes["thainguyen"]).created == 4
    assert len(items(engine)) == 6


def test_a_parser_bug_in_an_analysis_thread_is_a_failed_item(setup, monkeypatch):
    cfg, engine, box, ing = setup
    for i in range(3):
        box.add(news_email(i), T0 + timedelta(minutes=i))
    real = runner.analyse_message
    first = box.read(box.keys()[0])[0]

    def flaky(raw, *a, **kw):  # the first message's, whichever thread reads it and when
        if raw == first:
            raise RuntimeError("parser bug")
        return real(raw, *a, **kw)

    monkeypatch.setattr(runner, "analyse_message", flaky)
    r = mailbox_pass(ing, "thainguyen", cfg.mailboxes["thainguyen"])
    assert r.created == 3 and r.failed == 1
    states = [it.state for it in items(engine)]
    assert states == ["failed", "new", "new"]
    assert "parser bug" in items(engine)[0].error


def test_a_database_error_leaves_the_message_unmarked(setup, marks, monkeypatch):
    cfg, engine, box, ing = setup
    for i in range(5):
        box.add(news_email(i), T0 + timedelta(minutes=i))
    real = runner.enqueue
    calls = {"n": 0}

    def busy(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real(*a, **kw)

    monkeypatch.setattr(runner, "enqueue", busy)
    r = mailbox_pass(ing, "thainguyen", cfg.mailboxes["thainguyen"])
    assert r.errors and len(items(engine)) == 2
    assert len(marks) == 2 and all(stored for _k, stored, _t in marks)
    monkeypatch.setattr(runner, "enqueue", real)
    assert mailbox_pass(ing, "thainguyen", cfg.mailboxes["thainguyen"]).created == 3
    assert len(items(engine)) == 5


@pytest.fixture
def judged(monkeypatch):
    """Each submission the rules were given."""
    seen = []
    real = runner.judge

    def recording(sub):
        seen.append(sub)
        return real(sub)

    monkeypatch.setattr(runner, "judge", recording)
    return seen


def test_the_submission_worked_out_ahead_is_used_while_the_directory_is_unchanged(setup, judged):
    cfg, engine, _box, ing = setup
    profile = cfg.profile("thainguyen-thads")
    ing.process("thainguyen", profile, "k1", news_email(1), T0)  # the directory is loaded by the first storing
    ahead = ing.analyse_ahead(profile, news_email(2), T0)
    worked_out = ahead.result().submission
    assert worked_out is not None
    ing.process("thainguyen", profile, "k2", news_email(2), T0, ahead)
    assert judged[-1].fingerprint is worked_out.fingerprint


def test_a_unit_saved_while_a_message_was_read_ahead_is_seen_by_its_checks(setup, judged):
    cfg, engine, _box, ing = setup
    profile = cfg.profile("thainguyen-thads")
    ing.process("thainguyen", profile, "k1", news_email(1), T0)
    ahead = ing.analyse_ahead(profile, news_email(2), T0)
    assert ahead.result().submission is not None  # worked out with the directory before the unit
    with Session(engine) as s:
        save_unit(s, "thainguyen-thads", UnitForm(name="Phòng Thi hành án dân sự khu vực 9",
                                                  domains="thads-thainguyen.example.vn"))
        s.commit()
    ing.process("thainguyen", profile, "k2", news_email(2), T0, ahead)
    assert "Phòng Thi hành án dân sự khu vực 9" in {u.name for u in judged[-1].directory.units}
    assert judged[-1].fingerprint is not ahead.result().submission.fingerprint


def test_without_a_time_of_receipt_nothing_is_worked_out_ahead(setup):
    cfg, _engine, _box, ing = setup
    profile = cfg.profile("thainguyen-thads")
    ing.process("thainguyen", profile, "k1", news_email(1), T0)
    assert ing.analyse_ahead(profile, news_email(2)).result().submission is None
