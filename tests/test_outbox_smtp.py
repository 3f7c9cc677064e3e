"""The outbox against a real SMTP server (aiosmtpd): STARTTLS and AUTH, temporary failures
retried until delivered exactly once, permanent ones kept with their error, and a sender
process killed in the middle of sending."""

from __future__ import annotations

import argparse
import email
import email.header
import email.policy
import os
import re
import signal
import subprocess
import sys
from datetime import timedelta
from email.headerregistry import HeaderRegistry
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.factories import ROOT, VN, make_config, news_email
from tests.servers import HoldingSink, SmtpSink
from tinbai.cli import outbox as outbox_command
from tinbai.cli import status as status_command
from tinbai.daemon import Daemon
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.notifier import transport
from tinbai.notifier.delivery import LEASE_SECONDS, claim_due, deliver_due
from tinbai.notifier.outage import service_state
from tinbai.notifier.outbox import queue_email
from tinbai.notifier.transport import POLICY, build_email
from tinbai.queue.models import Outbox, utcnow
from tinbai.queue.schema import open_db

SENDER = "Ban Biên tập <bbt@example.gov.vn>"
GOOD = "hoa.nt@thads-thainguyen.example.vn"
BAD = "khongton.tai@thads-thainguyen.example.vn"


def smtp_settings(sink: SmtpSink, **extra: object) -> dict:
    return {"kind": "smtp", "host": "127.0.0.1", "port": sink.port, "security": "plain", "timeout": 5,
            "sender": SENDER, **extra}


def queue(engine, to: str, key: str, subject: str = "[TB-2026-000001] Đã tiếp nhận: Hội nghị") -> Outbox:
    with Session(engine, expire_on_commit=False) as s:
        row = queue_email(s, kind="acknowledgement", to=[to], subject=subject,
                          body_text="Ban Biên tập đã tiếp nhận tin, bài của đồng chí.\n", dedupe_key=key,
                          domain="example.gov.vn")
        s.commit()
        return row


def counts(sent: int = 0, retry: int = 0, failed: int = 0, down: int = 0, login: int = 0) -> dict[str, int]:
    return {"sent": sent, "retry": retry, "failed": failed, "down": down, "login": login}


def outbox_row(engine, row_id: int) -> Outbox:
    with Session(engine) as s:
        return s.get(Outbox, row_id)


def message_ids(sink: SmtpSink) -> list[str]:
    return [email.message_from_bytes(m.content, policy=email.policy.default)["Message-ID"] for m in sink.messages]


@pytest.fixture
def plain(tmp_path: Path, smtp_sink: SmtpSink):
    cfg = make_config(tmp_path, smtp=smtp_settings(smtp_sink))
    return cfg, open_db(cfg), smtp_sink


def test_acknowledgement_over_starttls_with_auth(tmp_path: Path, make_smtp_sink, monkeypatch) -> None:
    sink = make_smtp_sink(starttls=True, auth=("bbt", "Bbt-2026-dung"))
    cfg = make_config(tmp_path, smtp=smtp_settings(sink, security="starttls", ca_file=str(sink.cafile),
                                                   username="bbt", password_env="TINBAI_TEST_SMTP_PASSWORD"))
    engine = open_db(cfg)
    monkeypatch.setenv("TINBAI_TEST_SMTP_PASSWORD", "sai-mat-khau")
    for box in cfg.mailboxes.values():
        cfg.resolve(box.path).parent.mkdir(parents=True, exist_ok=True)
    MaildirMailbox(cfg.resolve(cfg.mailboxes["thainguyen"].path)).add(news_email(7, with_photo=False),
                                                                       utcnow().astimezone(VN))
    # a wrong password is the administrator's to fix: the email waits, with the reason
    assert Daemon(cfg, engine).run_once()["sent"] == 0
    with Session(engine) as s:
        row = s.exec(select(Outbox)).one()
    assert row.status == "pending" and row.last_error.startswith("535") and sink.failed_logins >= 1
    monkeypatch.setenv("TINBAI_TEST_SMTP_PASSWORD", "Bbt-2026-dung")
    assert deliver_due(engine, cfg, now=utcnow() + timedelta(minutes=5))["sent"] == 1
    (got,) = sink.wait_for(1)
    assert got.tls and got.auth_user == "bbt" and got.rcpt_tos == (GOOD,)
    msg = email.message_from_bytes(got.content, policy=email.policy.default)
    assert msg["Message-ID"] == row.message_id
    assert "Đã tiếp nhận: Gửi tin: Hội nghị số 7" in msg["Subject"]
    assert outbox_row(engine, row.id).status == "sent"


def test_server_busy_4xx_is_retried_and_delivered_once(plain) -> None:
    cfg, engine, sink = plain
    row = queue(engine, GOOD, "ack:busy")
    sink.fail_data("451 4.3.0 Mail server temporarily busy", times=2)
    t0 = utcnow() + timedelta(minutes=1)
    assert deliver_due(engine, cfg, now=t0) == counts(retry=1)
    first = outbox_row(engine, row.id)
    assert first.status == "pending" and first.attempts == 1 and first.last_error.startswith("451")
    assert first.next_attempt_at == t0 + timedelta(seconds=30) and first.locked_by is None
    # not due yet: nothing is tried
    assert deliver_due(engine, cfg, now=t0 + timedelta(seconds=10)) == counts()
    assert deliver_due(engine, cfg, now=t0 + timedelta(seconds=31))["retry"] == 1
    assert outbox_row(engine, row.id).next_attempt_at == t0 + timedelta(seconds=31 + 60)  # backoff doubles
    assert deliver_due(engine, cfg, now=t0 + timedelta(seconds=95))["sent"] == 1
    assert deliver_due(engine, cfg, now=t0 + timedelta(hours=5))["sent"] == 0
    done = outbox_row(engine, row.id)
    assert done.status == "sent" and done.attempts == 3 and done.last_error is None
    assert done.sent_at is not None and done.locked_by is None and done.locked_until is None
    assert message_ids(sink) == [row.message_id]


def test_server_down_then_back_delivers_once(tmp_path: Path) -> None:
    down = SmtpSink().start()
    port = down.port
    down.stop()  # nothing listens on the port any more
    cfg = make_config(tmp_path, smtp={"kind": "smtp", "host": "127.0.0.1", "port": port, "security": "plain",
                                      "timeout": 5, "sender": SENDER})
    engine = open_db(cfg)
    row = queue(engine, GOOD, "ack:down")
    t0 = utcnow() + timedelta(minutes=1)
    other = queue(engine, GOOD, "ack:down-2")
    for k in range(3):  # down for a while: each probe stops at the first email, blaming none
        when = t0 + timedelta(hours=k)
        assert deliver_due(engine, cfg, now=when) == counts(down=1)
    waiting = outbox_row(engine, row.id)
    assert waiting.status == "pending" and waiting.attempts == 0 and waiting.locked_by is None
    assert waiting.next_attempt_at <= utcnow()  # due at the next probe, not after a backoff
    assert "ConnectionRefusedError" in waiting.last_error
    assert outbox_row(engine, other.id).last_error is None  # never tried: the server was down
    assert service_state(engine).down_since is not None
    with SmtpSink() as back:  # the server is back (on another port: the administrator moved it)
        cfg = make_config(tmp_path, smtp=smtp_settings(back))
        assert deliver_due(engine, cfg, now=t0 + timedelta(hours=4))["sent"] == 2
        assert deliver_due(engine, cfg, now=t0 + timedelta(hours=9))["sent"] == 0
        assert message_ids(back) == [row.message_id, other.message_id]
    assert outbox_row(engine, row.id).status == "sent"
    assert service_state(engine).down_since is None


def test_5xx_for_one_recipient_fails_for_good_with_its_error(plain, capsys) -> None:
    cfg, engine, sink = plain
    sink.reject_recipient(BAD, "550 5.1.1 Mailbox does not exist")
    bad = queue(engine, BAD, "ack:bad")
    good = queue(engine, GOOD, "ack:good")
    t0 = utcnow() + timedelta(minutes=1)
    assert deliver_due(engine, cfg, now=t0) == counts(sent=1, failed=1)
    failed = outbox_row(engine, bad.id)
    assert failed.status == "failed" and failed.attempts == 1
    assert BAD in failed.last_error and "550 5.1.1 Mailbox does not exist" in failed.last_error
    assert outbox_row(engine, good.id).status == "sent"
    assert deliver_due(engine, cfg, now=t0 + timedelta(days=1)) == counts()
    assert [m.rcpt_tos for m in sink.messages] == [(GOOD,)]
    assert status_command.run(cfg, argparse.Namespace()) == 1  # not all is well: an email was given up
    out = capsys.readouterr().out
    assert "failed: 1" in out and f"#{bad.id}" in out and "550 5.1.1 Mailbox does not exist" in out
    # given up, sent again on request, under its own Message-ID
    sink.accept_recipient(BAD)
    assert outbox_command.run(cfg, argparse.Namespace(ids=[bad.id], all_failed=False)) == 0
    assert f"#{bad.id}" in capsys.readouterr().out
    assert outbox_row(engine, bad.id).status == "pending"
    assert deliver_due(engine, cfg, now=t0 + timedelta(days=1)) == counts(sent=1)
    assert message_ids(sink)[-1] == bad.message_id and outbox_row(engine, bad.id).status == "sent"


# ----- a sender killed in the middle -----------------------------------------------------------

CHILD = r"""
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from tests.factories import make_config
from tinbai.notifier.delivery import deliver_due
from tinbai.queue.db import make_engine

cfg = make_config(Path(sys.argv[2]), smtp={"kind": "smtp", "host": "127.0.0.1", "port": int(sys.argv[3]),
                                           "security": "plain", "timeout": 60, "sender": "bbt@example.gov.vn"})
deliver_due(make_engine(cfg.database_url()), cfg, owner="doomed", now=datetime.fromisoformat(sys.argv[4]))
print("finished")
"""


@pytest.mark.parametrize("kept", [False, True], ids=["dropped-during-data", "kept-by-the-server"])
def test_sender_killed_during_data_then_sent_after_lock_expiry(tmp_path: Path, kept: bool) -> None:
    with HoldingSink(keep=kept) as sink:
        cfg = make_config(tmp_path, smtp=smtp_settings(sink))
        engine = open_db(cfg)
        row = queue(engine, GOOD, "ack:killed")
        t0 = utcnow() + timedelta(minutes=1)
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(tmp_path), str(sink.port), t0.isoformat()],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert sink.holding.wait(60), child.communicate(timeout=5)
            os.kill(child.pid, signal.SIGKILL)  # right after the SMTP DATA, before the server's answer
            child.wait(10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            sink.release.set()
        out, _ = child.communicate()
        assert child.returncode == -signal.SIGKILL and b"finished" not in out
        stuck = outbox_row(engine, row.id)
        assert stuck.status == "pending" and stuck.locked_by.startswith("doomed#") and stuck.attempts == 0
        assert stuck.locked_until >= t0 + timedelta(seconds=LEASE_SECONDS)
        # the claim of the dead sender holds: another pass before it expires leaves the row alone
        until = stuck.locked_until
        assert deliver_due(engine, cfg, owner="survivor", now=until - timedelta(seconds=1))["sent"] == 0
        assert deliver_due(engine, cfg, owner="survivor", now=until + timedelta(seconds=1))["sent"] == 1
        assert deliver_due(engine, cfg, owner="survivor", now=t0 + timedelta(hours=1))["sent"] == 0
        done = outbox_row(engine, row.id)
        assert done.status == "sent" and done.attempts == 1 and done.locked_by is None
        ids = message_ids(sink)
        # one email, always under the same Message-ID. When the server had kept the first copy
        # (it got the whole message, the sender died before its answer), delivery is at least
        # once: the resend is the same email (same Message-ID), which clients show once.
        assert set(ids) == {row.message_id}
        assert len(ids) == (2 if kept else 1)


def test_a_row_claimed_by_a_dead_instance_is_sent_after_its_lock_expires(plain) -> None:
    cfg, engine, sink = plain
    row = queue(engine, GOOD, "ack:claimed")
    t0 = utcnow() + timedelta(minutes=1)
    with Session(engine, expire_on_commit=False) as s:
        assert [r.id for r in claim_due(s, "crashed-instance", t0)] == [row.id]  # ...and then it died
    assert deliver_due(engine, cfg, owner="other", now=t0 + timedelta(seconds=LEASE_SECONDS - 1))["sent"] == 0
    assert sink.messages == []
    assert deliver_due(engine, cfg, owner="other", now=t0 + timedelta(seconds=LEASE_SECONDS + 1))["sent"] == 1
    assert message_ids(sink) == [row.message_id]


def test_emails_are_composed_as_with_the_email_packages_own_header_classes(plain, monkeypatch) -> None:
    """The header classes are made once per name (the stock factory makes one for every header);
    what is written is the same, byte for byte."""
    _cfg, engine, _sink = plain
    row = queue(engine, GOOD, "ack:classes", subject="[TB-2026-000003] Đã tiếp nhận: Hội nghị " * 4)
    ours, again = build_email(row, SENDER), build_email(row, SENDER)
    assert type(ours["To"]) is type(again["To"]) and type(ours["Subject"]) is type(again["Subject"])
    monkeypatch.setattr(transport, "POLICY", POLICY.clone(header_factory=HeaderRegistry()))
    stock = build_email(row, SENDER)
    assert type(stock["To"]) is not type(again["To"])
    assert ours.as_bytes() == stock.as_bytes()


def test_a_long_vietnamese_subject_arrives_intact(plain) -> None:
    cfg, engine, sink = plain
    subject = ("[TB-2026-000002] Quá hạn 2 ngày làm việc: Hội nghị tổng kết công tác thi hành án dân sự "
               "năm 2025, triển khai nhiệm vụ năm 2026")
    row = queue(engine, GOOD, "ack:long", subject=subject)
    deliver_due(engine, cfg, now=utcnow() + timedelta(minutes=1))
    msg = email.message_from_bytes(sink.messages[0].content, policy=email.policy.default)
    assert msg["Message-ID"] == row.message_id
    assert msg["Subject"] == subject



def test_a_long_vietnamese_subject_arrives_exactly_as_written(plain) -> None:
    """200 characters folded by the email package's policy: every decoder gets the words back
    with their spaces (Python's own folding dropped one at each fold: "rất dài" -> "rấtdài")."""
    cfg, engine, sink = plain
    words = ("Đề nghị bổ sung thông tin người gửi, chức danh và số điện thoại cho tin bài rất dài về hội nghị "
             "tổng kết công tác thi hành án dân sự năm 2025 và triển khai nhiệm vụ trọng tâm năm 2026 của Chi cục "
             "huyện Phú Bình, tỉnh Thái Nguyên").split()
    subject = " ".join(words)[:200].rstrip()
    assert len(subject) >= 199
    row = queue(engine, GOOD, "ack:long-subject", subject=subject)
    assert deliver_due(engine, cfg)["sent"] == 1
    (got,) = sink.wait_for(1)
    head = got.content.split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in head.split(b"\r\n")) <= 78  # folded, not one long line
    assert all(len(w) <= 75 for w in re.findall(rb"=\?[^?]+\?[bBqQ]\?[^?]*\?=", head))  # RFC 2047 2
    assert email.message_from_bytes(got.content, policy=email.policy.default)["Subject"] == subject
    legacy = email.message_from_bytes(got.content)["Subject"]
    assert str(email.header.make_header(email.header.decode_header(legacy))) == subject
    assert outbox_row(engine, row.id).subject == subject
