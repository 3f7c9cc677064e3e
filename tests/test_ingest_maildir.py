"""The local Maildir path end to end: mail in, items out, exactly once; failures kept and retried."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from sqlmodel import Session, select

from tests.factories import VN, make_config, news_email
from tinbai.daemon import Daemon
from tinbai.ingest import sources
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.ingest.runner import Ingestor, analysis_threads
from tinbai.queue.models import Item, Outbox, ReviewEvent
from tinbai.queue.schema import open_db


@pytest.fixture
def setup(tmp_path):
    cfg = make_config(tmp_path)
    engine = open_db(cfg)
    box = MaildirMailbox(cfg.resolve(cfg.mailboxes["thainguyen"].path))
    return cfg, engine, box


def items(engine):
    with Session(engine) as s:
        return list(s.exec(select(Item).order_by(Item.id)))


def test_mail_in_items_out_once(setup):
    cfg, engine, box = setup
    received = datetime(2026, 4, 28, 9, 0, tzinfo=VN)
    for i in range(3):
        box.add(news_email(i), received)
    totals = Daemon(cfg, engine).run_once()
    assert totals["created"] == 3
    got = items(engine)
    assert [it.state for it in got] == ["new"] * 3
    assert all(it.tracking_code and it.tracking_code.startswith("TB-2026-") for it in got)
    rep = json.loads(got[0].report_json)
    assert rep["sender"]["name"] == "Nguyễn Thị Hoa"
    assert rep["category"] == "news"
    # processed messages are flagged Seen and moved to cur/, as a mail client would
    assert not list((box.path / "new").iterdir())
    # a second run finds nothing new, even though the messages are still in the mailbox
    assert Daemon(cfg, engine).run_once()["created"] == 0
    assert len(items(engine)) == 3
    # every item got its acknowledgement, written as an .eml in the outbox folder
    with Session(engine) as s:
        acks = s.exec(select(Outbox).where(Outbox.kind == "acknowledgement")).all()
    assert len(acks) == 3 and all(a.status == "sent" for a in acks)
    files = list(cfg.resolve(cfg.smtp.directory).glob("*.eml"))
    assert len(files) == 3
    assert got[0].tracking_code in files[0].read_bytes().decode("utf-8", "replace") or any(
        it.tracking_code in f.read_text(encoding="utf-8", errors="replace") for f in files for it in got)


def test_a_message_seen_in_a_mail_client_is_still_new(setup):
    cfg, engine, box = setup
    key = box.add(news_email(1), datetime(2026, 4, 28, 9, 0, tzinfo=VN))
    box.mark_done(key)  # someone opened it in their mail client first
    assert Daemon(cfg, engine).run_once()["created"] == 1


def test_malformed_message_becomes_an_item_and_the_run_goes_on(setup):
    cfg, engine, box = setup
    raw = news_email(1)
    boundary = raw.split(b'boundary="', 1)[1].split(b'"', 1)[0]
    broken = raw.replace(b"--" + boundary + b"--", b"")  # the closing boundary is lost
    box.add(broken, datetime(2026, 4, 28, 9, 0, tzinfo=VN))
    box.add(b"\x00\xff garbage that is no email at all \r\n\r\n\xfe", datetime(2026, 4, 28, 9, 1, tzinfo=VN))
    box.add(news_email(2), datetime(2026, 4, 28, 9, 2, tzinfo=VN))
    assert Daemon(cfg, engine).run_once()["created"] == 3
    reps = [json.loads(it.report_json) for it in items(engine)]
    assert "message.malformed" in {p["code"] for p in reps[0]["problems"]}
    assert reps[2]["verdict"] == "accept"


def test_a_crash_while_checking_is_kept_as_failed_and_retried(setup, monkeypatch):
    cfg, engine, box = setup
    box.add(news_email(1), datetime(2026, 4, 28, 9, 0, tzinfo=VN))
    box.add(news_email(2), datetime(2026, 4, 28, 9, 5, tzinfo=VN))
    import tinbai.ingest.runner as runner

    real = runner.judge
    calls = {"n": 0}

    def flaky(sub):  # the first message meets a bug
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("parser bug")
        return real(sub)

    monkeypatch.setattr(runner, "judge", flaky)
    totals = Daemon(cfg, engine).run_once()
    assert totals["created"] == 2 and totals["failed"] == 1
    first, second = items(engine)
    assert first.state == "failed" and "parser bug" in first.error
    assert second.state == "new"  # the failure did not block the message behind it
    # not re-processed by the next run (it is stored), but retried on request
    assert Daemon(cfg, engine).run_once()["created"] == 0
    ing = Ingestor(cfg, engine)
    try:
        outcome = ing.retry(first.id)
    finally:
        ing.close()
    assert not outcome.failed and outcome.item_id == first.id
    again = items(engine)[0]
    assert again.state == "new" and again.error is None and again.tracking_code
    with Session(engine) as s:
        actions = [e.action for e in s.exec(select(ReviewEvent).where(ReviewEvent.item_id == first.id))]
    assert actions[0] == "failed" and "received" in actions


def test_same_message_in_two_deliveries_is_one_item(setup):
    cfg, engine, box = setup
    raw = news_email(1)
    box.add(raw, datetime(2026, 4, 28, 9, 0, tzinfo=VN))
    box.add(raw, datetime(2026, 4, 28, 9, 0, tzinfo=VN))  # delivered twice (same Message-ID, same bytes)
    Daemon(cfg, engine).run_once()
    assert len(items(engine)) == 1


def test_one_email_to_two_agencies_is_an_item_for_each(setup):
    cfg, engine, box = setup
    raw = news_email(1)
    box.add(raw, datetime(2026, 4, 28, 9, 0, tzinfo=VN))
    MaildirMailbox(cfg.resolve(cfg.mailboxes["haiduong"].path)).add(raw, datetime(2026, 4, 28, 9, 0, tzinfo=VN))
    Daemon(cfg, engine).run_once()
    assert sorted(it.profile for it in items(engine)) == ["haiduong-thads", "thainguyen-thads"]


def test_a_daemon_asked_to_stop_ends_its_pass_after_the_message_in_hand(tmp_path) -> None:
    """SIGTERM during a long backlog: the daemon stops after the message it is processing (the rest
    stay in new/ for the next start), instead of draining the whole backlog first. The stop comes
    from a hook right after the first message is processed."""
    cfg = make_config(tmp_path)
    engine = open_db(cfg)
    box = cfg.mailboxes["thainguyen"]
    md = MaildirMailbox(cfg.resolve(box.path))
    for i in range(4):
        md.add(news_email(i, with_photo=False), datetime(2026, 4, 28, 10, i, tzinfo=VN))
    daemon = Daemon(cfg, engine)
    ingestor = daemon._ingestors["thainguyen"] = Ingestor(cfg, engine)
    process = ingestor.process

    def process_then_stop(*args, **kwargs):
        try:
            return process(*args, **kwargs)
        finally:
            daemon.stop_event.set()  # what the SIGTERM handler does

    ingestor.process = process_then_stop
    try:
        daemon._maildir_job("thainguyen", box)
    finally:
        ingestor.close()
    with Session(engine) as s:
        assert len(s.exec(select(Item)).all()) == 1
    assert len(md.keys()) == 4  # nothing lost: the three not taken wait in new/ for the next start
    assert len(list(cfg.resolve(box.path).joinpath("new").iterdir())) == 3
def test_a_message_leaves_new_only_after_its_item_is_on_disk(setup, monkeypatch: pytest.MonkeyPatch):
    """SQLite runs with synchronous=NORMAL: a commit is safe from a crash at once, from a power cut
    only once the WAL is fsynced. So the pass fsyncs it (make_durable) before it moves messages to
    cur/, a batch at a time: every move comes after an fsync of the WAL that followed its commit."""
    cfg, engine, box = setup
    received = datetime(2026, 4, 28, 9, 0, tzinfo=VN)
    n = sources.MARK_EVERY + 5  # a full batch and a partial one
    for i in range(n):
        box.add(news_email(i), received)
    events: list[tuple[str, object]] = []
    synced_files: list[str] = []
    real_fsync, real_durable, real_mark = os.fsync, sources.make_durable, MaildirMailbox.mark_done

    def fsync(fd: int) -> None:
        synced_files.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def durable(engine_) -> None:
        real_durable(engine_)
        events.append(("durable", len(items(engine))))

    def mark(self, key: str) -> None:
        events.append(("mark", key))
        real_mark(self, key)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(sources, "make_durable", durable)
    monkeypatch.setattr(MaildirMailbox, "mark_done", mark)
    assert Daemon(cfg, engine).run_once()["created"] == n
    stored_by_key = {it.source_key.removeprefix("maildir:"): k for k, it in enumerate(items(engine), 1)}
    durable_so_far = 0
    for what, value in events:
        if what == "durable":
            durable_so_far = value
        else:  # this message's item (the k-th stored) was committed before the last fsync
            assert stored_by_key[value] <= durable_so_far, events
    assert sum(1 for what, _ in events if what == "mark") == n
    assert sum(1 for what, _ in events if what == "durable") == 2  # one fsync a batch, not a message
    assert any(path.endswith("tinbai.db-wal") for path in synced_files), synced_files


def test_the_daemons_mailboxes_share_its_parser_workers(tmp_path) -> None:
    """Every mailbox's pass reads its files in the daemon's parser workers: mail in two mailboxes
    (the shipped config has five) starts `parser_workers` processes in all, not that many for each
    mailbox (~40-70 MB a worker: bench/memory.py)."""
    cfg = make_config(tmp_path)
    engine = open_db(cfg)
    names = ("thainguyen", "haiduong")
    for name in names:
        md = MaildirMailbox(cfg.resolve(cfg.mailboxes[name].path))
        for i in range(3):
            md.add(news_email(i), datetime(2026, 4, 28, 10, i, tzinfo=VN))
    daemon = Daemon(cfg, engine)
    try:
        for name in names:
            daemon._maildir_job(name, cfg.mailboxes[name])
        assert [ing.analyser for ing in daemon._ingestors.values()] == [daemon.analyser] * 2
        assert 0 < len(daemon.analyser.worker_pids()) <= analysis_threads(cfg)
    finally:
        for ingestor in daemon._ingestors.values():
            ingestor.close()
        daemon.analyser.close()
    assert len(items(engine)) == 6
