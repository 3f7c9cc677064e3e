"""Notices and deadline reminders, end to end against a real SMTP server (aiosmtpd).

The reminder tests drive the daemon's job (queue_due_reminders, then deliver_due) with a
fixed clock across Tết 2026 (16–20/2), Hùng Kings' day observed on Monday 27/4/2026,
30/4–1/5, and the make-up working Saturday 22/8/2026 (for Monday 31/8 off), and check
which reminders reached the server, when, and to whom; and that none went out on days
off or outside office hours.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import threading
import unicodedata
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.factories import VN, make_config, news_email
from tests.servers import SmtpSink
from tinbai.cli import reminders as reminders_command
from tinbai.cli.common import UsageError
from tinbai.cli.parser import build_parser
from tinbai.daemon import Daemon
from tinbai.demo_samples import email as make_email
from tinbai.demo_samples import signature
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.ingest.runner import Ingestor
from tinbai.notifier import planning
from tinbai.notifier.delivery import deliver_due
from tinbai.notifier.planning import plan_item_reminders, reminded
from tinbai.notifier.preview import reminders_at
from tinbai.notifier.scheduler import queue_due_reminders
from tinbai.queue.models import Item, Outbox, ReminderRow, User
from tinbai.queue.schema import open_db
from tinbai.queue.states import CLOSED_STATES, FAILED, OPEN_STATES

PROFILE = "thainguyen-thads"
HOLDER = "lan.tv@thads-thainguyen.example.vn"
OTHER = "minh.pv@thads-thainguyen.example.vn"
SECRETARY = "thuky@thads-thainguyen.example.vn"
HEAD = "totruong@thads-thainguyen.example.vn"
SENDER = "hoa.nt@thads-thainguyen.example.vn"


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN)


def smtp_settings(sink: SmtpSink) -> dict:
    return {"kind": "smtp", "host": "127.0.0.1", "port": sink.port, "security": "plain", "timeout": 5,
            "sender": "Ban Biên tập <bbt@example.gov.vn>"}


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def text_of(msg: EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content()


def add_users(engine, *, with_secretary: bool = True) -> None:
    people = [(HOLDER, "Trần Văn Lan", "member"), (OTHER, "Phạm Văn Minh", "member"), (HEAD, "Lê Văn Tổ", "head")]
    if with_secretary:
        people.append((SECRETARY, "Đỗ Thị Thư", "secretary"))
    with Session(engine) as s:
        for addr, name, role in people:
            s.add(User(email=addr, name=name, password_hash="-", role=role, profiles=PROFILE,
                       must_change_password=False))
        # a secretary of another profile and a disabled one are never reminded
        s.add(User(email="thuky@binhphuoc.gov.vn", password_hash="-", role="secretary", profiles="binhphuoc-stp"))
        s.add(User(email="cu@thads-thainguyen.example.vn", password_hash="-", role="secretary", profiles=PROFILE,
                   disabled=True))
        s.commit()


@pytest.fixture
def env(tmp_path: Path, smtp_sink: SmtpSink):
    cfg = make_config(tmp_path, smtp=smtp_settings(smtp_sink))
    engine = open_db(cfg)
    add_users(engine)
    return cfg, engine, smtp_sink


def make_item(engine, cfg, *, received: datetime, deadline: datetime | None, holder: str | None = None,
              category: str = "news", subject: str = "Hội nghị tổng kết công tác thi hành án dân sự",
              state: str = "new", parent_id: int | None = None) -> int:
    with Session(engine, expire_on_commit=False) as s:
        it = Item(profile=PROFILE, mailbox="thainguyen", source_key=f"test:{uuid.uuid4()}", raw_sha256="0" * 64,
                  received_at=received, subject=subject, sender_address=SENDER, sender_name="Nguyễn Thị Hoa",
                  sender_unit="Phòng Thi hành án dân sự khu vực 1", category=category, anchor_kind="event",
                  anchor_at=received, deadline=deadline, state=state, step="triage", holder=holder,
                  parent_id=parent_id)
        s.add(it)
        s.flush()
        it.tracking_code = f"TB-{received.year}-{it.id:06d}"
        plan_item_reminders(s, it, cfg.profile(PROFILE), cfg, now=received)
        s.commit()
        return it.id


def tick(env, when: datetime) -> list[EmailMessage]:
    """One pass of the daemon's reminder job and of the outbox at `when`: the emails that arrived."""
    cfg, engine, sink = env
    before = len(sink.messages)
    queued = queue_due_reminders(engine, cfg, now=when)
    counts = deliver_due(engine, cfg, now=when)
    assert counts["sent"] == queued and counts["failed"] == 0
    return [parse(m.content) for m in sink.messages[before:]]


def planned(engine, item_id: int, status: str = "planned") -> list[tuple[str, datetime, int, str]]:
    with Session(engine) as s:
        rows = s.exec(select(ReminderRow).where(ReminderRow.item_id == item_id, ReminderRow.status == status)
                      .order_by(ReminderRow.due_at)).all()
        return [(r.kind, r.due_at.astimezone(VN), r.overdue_days, r.recipient) for r in rows]


def quiet(env, *times: datetime) -> None:
    for when in times:
        assert tick(env, when) == [], f"nothing should go out at {when}"


def squash(subject: str) -> str:
    """A subject without its spaces: Python 3.11's header folding drops the space at a fold
    between two encoded words (see test_outbox_smtp.test_a_long_vietnamese_subject_arrives_intact)."""
    return "".join(subject.split())


def one(msgs: list[EmailMessage]) -> EmailMessage:
    assert len(msgs) == 1, [m["Subject"] for m in msgs]
    msg = msgs[0]
    assert unicodedata.is_normalized("NFC", msg["Subject"]) and unicodedata.is_normalized("NFC", text_of(msg))
    return msg


# ----- reminders across the holidays ---------------------------------------------------------


def test_reminders_across_tet_2026(env) -> None:
    cfg, engine, _ = env
    # news received Thu 12/2/2026 11:00, deadline Fri 13/2 17:00 (thainguyen Art. 7.4: 1 day);
    # Tết: Mon 16/2 (giao thừa) to Fri 20/2 off, then the weekend
    item = make_item(engine, cfg, received=at(2026, 2, 12, 11), deadline=at(2026, 2, 13, 17), holder=HOLDER)
    plan = planned(engine, item)
    assert plan[:7] == [
        # 11.5 office hours allowed (12/2 11:00–11:30, 13:30–17:00, 13/2 all day): half = 5h45
        ("due_soon", at(2026, 2, 13, 9, 15), 0, HOLDER),
        ("due_soon", at(2026, 2, 13, 16), 0, HOLDER),
        ("due_now", at(2026, 2, 13, 17), 0, HOLDER),
        ("overdue", at(2026, 2, 23, 7, 30), 1, HOLDER),
        ("overdue", at(2026, 2, 24, 7, 30), 2, HOLDER),
        ("escalation", at(2026, 2, 25, 7, 30), 3, f"{HOLDER}, {HEAD}"),
        ("escalation", at(2026, 2, 26, 7, 30), 4, f"{HOLDER}, {HEAD}"),
    ]
    quiet(env, at(2026, 2, 12, 15), at(2026, 2, 13, 9, 14))
    msg = one(tick(env, at(2026, 2, 13, 9, 15)))
    assert msg["To"] == HOLDER
    code = f"TB-2026-{item:06d}"
    assert msg["Subject"] == f"[{code}] Nhắc hạn xử lý (17:00 ngày 13/02/2026): Hội nghị tổng kết công tác thi hành án dân sự"
    body = text_of(msg)
    assert "Kính gửi đồng chí Trần Văn Lan" in body
    assert "còn 5 giờ 45 phút làm việc" in body  # 9:15–11:30 and 13:30–17:00
    assert "Điều 7.4.a Quy chế Thi hành án dân sự tỉnh Thái Nguyên" in body
    assert f"http://127.0.0.1:8080/items/{item}" in body
    assert f'href="http://127.0.0.1:8080/items/{item}"' in msg.get_body(("html",)).get_content()
    quiet(env, at(2026, 2, 13, 9, 16), at(2026, 2, 13, 15, 59))
    assert "còn 1 giờ làm việc" in text_of(one(tick(env, at(2026, 2, 13, 16))))
    msg = one(tick(env, at(2026, 2, 13, 17)))
    assert msg["Subject"].startswith(f"[{code}] Đến hạn xử lý:")
    # the weekend and the five days of Tết: nothing, at any hour
    quiet(env, at(2026, 2, 13, 17, 30), at(2026, 2, 14, 9), *(at(2026, 2, d, h) for d in range(16, 21) for h in (8, 14)),
          at(2026, 2, 21, 10), at(2026, 2, 23, 7, 29))
    msg = one(tick(env, at(2026, 2, 23, 7, 30)))
    assert msg["Subject"].startswith(f"[{code}] Quá hạn 1 ngày làm việc:")
    assert "đã quá thời hạn xử lý 1 ngày làm việc (hạn 17:00 ngày 13/02/2026, theo Điều 7.4.a Quy chế" in text_of(msg)
    quiet(env, at(2026, 2, 23, 16))
    assert one(tick(env, at(2026, 2, 24, 7, 30)))["Subject"].startswith(f"[{code}] Quá hạn 2 ngày")
    msg = one(tick(env, at(2026, 2, 25, 7, 30)))
    assert msg["To"] == f"{HOLDER}, {HEAD}"
    assert "Báo cáo: tin, bài quá hạn 3 ngày làm việc" in msg["Subject"]
    assert "Kính gửi Trưởng Ban Biên tập" in text_of(msg) and "Trần Văn Lan <" in text_of(msg)
    with Session(engine) as s:
        kinds = [o.kind for o in s.exec(select(Outbox).order_by(Outbox.id))]
    assert kinds == ["reminder", "reminder", "reminder", "overdue", "overdue", "escalation"]


def test_daemon_down_over_tet_sends_only_the_latest(env) -> None:
    cfg, engine, _ = env
    item = make_item(engine, cfg, received=at(2026, 2, 12, 11), deadline=at(2026, 2, 13, 17), holder=HOLDER)
    assert "Nhắc hạn" in one(tick(env, at(2026, 2, 13, 9, 20)))["Subject"]
    # down from Friday 9:20 until Tuesday 24/2 10:00: due_soon 16:00, due_now 17:00 and overdue
    # day 1 fell due meanwhile; only overdue day 2 goes out, once
    later = at(2026, 2, 24, 10)
    preview = reminders_at(engine, cfg, later)
    assert [(r["kind"], r["overdue_days"], r["recipients"]) for r in preview] == [("overdue", 2, [HOLDER])]
    assert preview[0]["superseded"] == 3
    msg = one(tick(env, later))
    assert squash(msg["Subject"]) == squash(preview[0]["email_subject"])
    assert "Quá hạn 2 ngày làm việc" in msg["Subject"]
    assert [k for k, *_ in planned(engine, item, "cancelled")] == ["due_soon", "due_now", "overdue"]
    assert reminders_at(engine, cfg, later) == []
    quiet(env, later + timedelta(minutes=5))
    assert "quá hạn 3 ngày" in one(tick(env, at(2026, 2, 25, 7, 30)))["Subject"]


def test_compensatory_monday_and_30_4_1_5(env) -> None:
    cfg, engine, _ = env
    # news received Fri 24/4/2026 15:00: deadline Sat 25/4 17:00 (1 calendar day, Art. 7.4).
    # Hùng Kings' day (Sun 26/4) is observed on Mon 27/4; 30/4 and 1/5 are off. Nobody
    # holds the item yet: the secretary is reminded; escalations also go to the head.
    item = make_item(engine, cfg, received=at(2026, 4, 24, 15), deadline=at(2026, 4, 25, 17))
    assert planned(engine, item)[:4] == [
        ("due_soon", at(2026, 4, 24, 16), 0, SECRETARY),  # half of 2 office hours = 1 hour before
        ("overdue", at(2026, 4, 28, 7, 30), 1, SECRETARY),  # "due now" on Saturday goes with it
        ("overdue", at(2026, 4, 29, 7, 30), 2, SECRETARY),
        ("escalation", at(2026, 5, 4, 7, 30), 3, f"{SECRETARY}, {HEAD}"),
    ]
    msg = one(tick(env, at(2026, 4, 24, 16)))
    assert msg["To"] == SECRETARY and "Kính gửi Thư ký Ban Biên tập" in text_of(msg)
    assert "chưa giao cho ai" in text_of(msg)
    quiet(env, at(2026, 4, 25, 17), at(2026, 4, 27, 7, 30), at(2026, 4, 27, 9), at(2026, 4, 27, 16))
    assert "Quá hạn 1 ngày" in one(tick(env, at(2026, 4, 28, 7, 30)))["Subject"]
    # the first tick on Wednesday is the brief's `run --once --now 2026-04-29T16:00:00+07:00`
    assert [r["kind"] for r in reminders_at(engine, cfg, at(2026, 4, 29, 16))] == ["overdue"]
    assert "Quá hạn 2 ngày" in one(tick(env, at(2026, 4, 29, 16)))["Subject"]
    quiet(env, at(2026, 4, 30, 7, 30), at(2026, 4, 30, 10), at(2026, 5, 1, 7, 30), at(2026, 5, 2, 9), at(2026, 5, 3, 9))
    msg = one(tick(env, at(2026, 5, 4, 7, 30)))
    assert msg["To"] == f"{SECRETARY}, {HEAD}"
    assert "quá hạn 3 ngày làm việc" in msg["Subject"]


def test_make_up_saturday_22_8_2026(env) -> None:
    cfg, engine, _ = env
    # Sat 22/8/2026 is worked (for Mon 31/8 off): a deadline on it is reminded on it
    item = make_item(engine, cfg, received=at(2026, 8, 21, 10), deadline=at(2026, 8, 22, 17), holder=HOLDER)
    # and one due Fri 28/8: 31/8 (swapped), 1/9 and 2/9 (National Day) are off
    late = make_item(engine, cfg, received=at(2026, 8, 27, 9), deadline=at(2026, 8, 28, 17), holder=OTHER,
                     subject="Tuyên truyền Luật Thi hành án dân sự")
    # an ordinary Saturday is not worked
    quiet(env, at(2026, 8, 15, 9), at(2026, 8, 21, 17, 30))
    assert "còn 6 giờ 15 phút" in text_of(one(tick(env, at(2026, 8, 22, 8, 45))))
    assert "còn 1 giờ" in text_of(one(tick(env, at(2026, 8, 22, 16))))
    assert "Đến hạn xử lý" in one(tick(env, at(2026, 8, 22, 17)))["Subject"]
    quiet(env, at(2026, 8, 23, 9))
    assert "Quá hạn 1 ngày" in one(tick(env, at(2026, 8, 24, 7, 30)))["Subject"]
    with Session(engine) as s:  # the first item is published: its reminders stop
        first = s.get(Item, item)
        first.state = "published"
        s.add(first)
        s.commit()
    # the second item: half of its 13.5 office hours at Fri 28/8 8:15, one hour before at
    # 16:00, due now at 17:00; then nothing until Thu 3/9
    quiet(env, at(2026, 8, 27, 16), at(2026, 8, 28, 8, 14))
    for t in (at(2026, 8, 28, 8, 15), at(2026, 8, 28, 16), at(2026, 8, 28, 17)):
        assert one(tick(env, t))["To"] == OTHER
    quiet(env, at(2026, 8, 29, 9), at(2026, 8, 31, 7, 30), at(2026, 9, 1, 9), at(2026, 9, 2, 9))
    msg = one(tick(env, at(2026, 9, 3, 7, 30)))
    assert msg["To"] == OTHER and "Quá hạn 1 ngày" in msg["Subject"]
    assert ("overdue", at(2026, 9, 3, 7, 30), 1, OTHER) in planned(engine, late, "sent")
    assert planned(engine, item, "sent")[-1][:3] == ("overdue", at(2026, 8, 24, 7, 30), 1)


def test_no_reminders_outside_office_hours_but_the_closing_time_tick_is_late(env) -> None:
    cfg, engine, _ = env
    make_item(engine, cfg, received=at(2026, 3, 10, 8), deadline=at(2026, 3, 10, 17), holder=HOLDER)
    quiet(env, at(2026, 3, 10, 12))  # lunch: the half-time reminder of 11:30 was missed: it waits for 13:30
    assert len(tick(env, at(2026, 3, 10, 13, 30))) == 1
    # the daemon ticks every 30 s: a tick at 17:00:20 still sends the 17:00 reminder
    assert "Đến hạn" in one(tick(env, at(2026, 3, 10, 17) + timedelta(seconds=20)))["Subject"]
    quiet(env, at(2026, 3, 10, 20), at(2026, 3, 11, 6))


# ----- (re)planning -------------------------------------------------------------------------


def test_replanning_follows_holder_deadline_and_state(env) -> None:
    cfg, engine, _ = env
    prof = cfg.profile(PROFILE)
    item_id = make_item(engine, cfg, received=at(2026, 3, 2, 8), deadline=at(2026, 3, 5, 17), category="other")
    assert {r[3] for r in planned(engine, item_id)} >= {SECRETARY}
    with Session(engine, expire_on_commit=False) as s:
        item = s.get(Item, item_id)
        again = plan_item_reminders(s, item, prof, cfg, now=at(2026, 3, 2, 9))
        s.commit()
    assert len(planned(engine, item_id, "cancelled")) == 0 and len(again) == len(planned(engine, item_id))
    # a holder is assigned on Tue 3/3 10:00: the secretary's reminders go, the holder's come
    with Session(engine, expire_on_commit=False) as s:
        item = s.get(Item, item_id)
        item.holder = HOLDER
        plan_item_reminders(s, item, prof, cfg, now=at(2026, 3, 3, 10))
        s.commit()
    rows = planned(engine, item_id)
    assert rows and all(r[1] > at(2026, 3, 3, 10) for r in rows)
    assert {r[3] for r in rows if r[0] != "escalation"} == {HOLDER}
    assert {r[3] for r in rows if r[0] == "escalation"} == {f"{HOLDER}, {HEAD}"}
    assert all(r[3] != HOLDER for r in planned(engine, item_id, "cancelled"))
    # the deadline moves (a reviewer changed the category): the plan follows it
    with Session(engine, expire_on_commit=False) as s:
        item = s.get(Item, item_id)
        item.deadline = at(2026, 3, 10, 17)
        plan_item_reminders(s, item, prof, cfg, now=at(2026, 3, 3, 11))
        s.commit()
    assert ("due_now", at(2026, 3, 10, 17), 0, HOLDER) in planned(engine, item_id)
    assert ("due_now", at(2026, 3, 5, 17), 0, HOLDER) not in planned(engine, item_id)
    # published: nothing more
    with Session(engine, expire_on_commit=False) as s:
        item = s.get(Item, item_id)
        item.state = "published"
        plan_item_reminders(s, item, prof, cfg, now=at(2026, 3, 4, 9))
        s.commit()
    assert planned(engine, item_id) == []
    quiet(env, at(2026, 3, 10, 17), at(2026, 3, 11, 7, 30))


def test_no_plan_without_deadline_for_replies_and_closed_items(env) -> None:
    cfg, engine, _ = env
    first = make_item(engine, cfg, received=at(2026, 3, 2, 8), deadline=at(2026, 3, 3, 17))
    assert planned(engine, first)
    assert planned(engine, make_item(engine, cfg, received=at(2026, 3, 2, 8), deadline=None)) == []
    assert planned(engine, make_item(engine, cfg, received=at(2026, 3, 2, 9), deadline=at(2026, 3, 3, 17),
                                     parent_id=first)) == []
    for state in ("refused", "returned", "failed", "published"):
        assert planned(engine, make_item(engine, cfg, received=at(2026, 3, 2, 8), deadline=at(2026, 3, 3, 17),
                                         state=state)) == []


def test_a_change_made_without_replanning_is_picked_up_by_the_daemon(env) -> None:
    cfg, engine, _ = env
    item_id = make_item(engine, cfg, received=at(2026, 3, 2, 8), deadline=at(2026, 3, 3, 17), holder=HOLDER)
    with Session(engine) as s:  # e.g. a review action that only set the holder
        item = s.get(Item, item_id)
        item.holder = OTHER
        s.add(item)
        s.commit()
    msg = one(tick(env, at(2026, 3, 3, 17)))
    assert msg["To"] == OTHER and "Kính gửi đồng chí Phạm Văn Minh" in text_of(msg)
    # and a refusal made without replanning stops the reminders at the next tick
    with Session(engine) as s:
        item = s.get(Item, item_id)
        item.state = "refused"
        s.add(item)
        s.commit()
    quiet(env, at(2026, 3, 4, 7, 30), at(2026, 3, 5, 7, 30))
    assert planned(engine, item_id) == []


def test_a_failed_item_is_not_open_and_gets_no_reminders(env) -> None:
    """`failed` is neither open nor closed (tinbai.queue.states): no clock runs, nobody is reminded."""
    cfg, engine, _ = env
    assert FAILED not in OPEN_STATES and FAILED not in CLOSED_STATES
    item_id = make_item(engine, cfg, received=at(2026, 3, 2, 8), deadline=at(2026, 3, 3, 17), holder=HOLDER)
    assert planned(engine, item_id)
    with Session(engine) as s:  # its processing broke afterwards (a retry that failed), without replanning
        item = s.get(Item, item_id)
        item.state = FAILED
        s.add(item)
        s.commit()
    assert reminders_at(engine, cfg, at(2026, 3, 3, 17)) == []
    quiet(env, at(2026, 3, 3, 17), at(2026, 3, 4, 7, 30))
    assert planned(engine, item_id) == [] and planned(engine, item_id, "cancelled")


def test_users_added_later_get_the_reminders_of_waiting_items(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    cfg = make_config(tmp_path, smtp=smtp_settings(smtp_sink))
    engine = open_db(cfg)
    env = (cfg, engine, smtp_sink)
    item = make_item(engine, cfg, received=at(2026, 3, 2, 8), deadline=at(2026, 3, 3, 17))
    assert planned(engine, item) == []  # nobody to remind yet
    quiet(env, at(2026, 3, 3, 17))
    add_users(engine, with_secretary=False)  # no secretary: the head is reminded
    msg = one(tick(env, at(2026, 3, 4, 8)))
    assert msg["To"] == HEAD and "Quá hạn 1 ngày" in msg["Subject"]


def test_a_reminder_is_queued_once_even_by_concurrent_daemons(env) -> None:
    cfg, engine, sink = env
    make_item(engine, cfg, received=at(2026, 3, 2, 8), deadline=at(2026, 3, 3, 17), holder=HOLDER)
    when = at(2026, 3, 3, 17)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(queue_due_reminders(engine, cfg, now=when))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sum(results) == 1
    assert queue_due_reminders(engine, cfg, now=when) == 0
    deliver_due(engine, cfg, now=when)
    deliver_due(engine, cfg, now=when + timedelta(hours=1))
    assert len(sink.messages) == 1
    with Session(engine) as s:
        out = s.exec(select(Outbox)).all()
        sent = s.exec(select(ReminderRow).where(ReminderRow.status == "sent")).all()
    assert len(out) == 1 and out[0].dedupe_key.startswith("reminder:") and out[0].status == "sent"
    assert len(sent) == 1 and sent[0].outbox_id == out[0].id
    assert parse(sink.messages[0].content)["Message-ID"] == out[0].message_id


def test_reminders_at_writes_nothing_and_matches_what_goes_out(env) -> None:
    cfg, engine, _ = env
    a = make_item(engine, cfg, received=at(2026, 4, 28, 8), deadline=at(2026, 4, 29, 17), holder=HOLDER)
    b = make_item(engine, cfg, received=at(2026, 4, 27, 16), deadline=at(2026, 4, 28, 17), category="other",
                  subject="Kế hoạch kiểm tra năm 2026")

    def snapshot() -> list[tuple]:
        with Session(engine) as s:
            return [(r.id, r.status, r.outbox_id) for r in s.exec(select(ReminderRow).order_by(ReminderRow.id))]

    before = snapshot()
    when = at(2026, 4, 29, 16)
    got = reminders_at(engine, cfg, when)
    assert snapshot() == before
    with Session(engine) as s:
        assert s.exec(select(Outbox)).all() == []
    assert [(r["item_id"], r["kind"], r["recipients"]) for r in got] == [
        (b, "overdue", [SECRETARY]),  # overdue day 1 at 7:30 on Wed 29/4
        (a, "due_soon", [HOLDER]),  # one office hour before Wed 17:00
    ]
    assert reminders_at(engine, cfg, at(2026, 4, 30, 9)) == []  # a holiday
    msgs = tick(env, when)
    assert sorted(squash(m["Subject"]) for m in msgs) == sorted(squash(r["email_subject"]) for r in got)


def test_the_reminder_job_reads_the_open_items_a_chunk_at_a_time(env, monkeypatch) -> None:
    """Items in chunks of two (CHUNK is 500): every open item is looked at once, in id order,
    with its own rows, and each chunk leaves the session; what goes out is the same."""
    cfg, engine, _ = env
    ids = [make_item(engine, cfg, received=at(2026, 4, 27, 8 + k), deadline=at(2026, 4, 28, 17), holder=HOLDER)
           for k in range(5)]
    make_item(engine, cfg, received=at(2026, 4, 27, 8), deadline=None)  # no deadline, no reminders: not read
    with Session(engine) as s:
        whole = [(it.id, [r.id for r in rows]) for it, rows in reminded(s)]
        seen = []
        for it, rows in reminded(s, chunk=2):
            assert it in s and all(r.item_id == it.id for r in rows)
            seen.append((it.id, [r.id for r in rows]))
        assert len(s.identity_map) <= 2 + sum(len(r) for _, r in seen[-1:])
    assert [i for i, _ in whole] == ids and seen == whole and all(rows for _, rows in whole)
    when = at(2026, 4, 29, 8)
    expected = reminders_at(engine, cfg, when)
    monkeypatch.setattr(planning, "CHUNK", 2)
    assert reminders_at(engine, cfg, when) == expected and len(expected) == 5
    assert queue_due_reminders(engine, cfg, now=when) == 5


def test_templates_are_nfc_vietnamese() -> None:
    folder = Path(__file__).resolve().parent.parent / "tinbai" / "notifier" / "templates"
    for name in ("reminder", "overdue", "escalation"):
        for ext in (".subject.txt", ".txt", ".html"):
            text = (folder / f"{name}{ext}").read_text(encoding="utf-8")
            assert unicodedata.is_normalized("NFC", text), f"{name}{ext}"


def test_cli_reminders(env, capsys: pytest.CaptureFixture[str]) -> None:
    cfg, engine, _ = env
    item = make_item(engine, cfg, received=at(2026, 4, 28, 8), deadline=at(2026, 4, 29, 17), holder=HOLDER)
    args = build_parser().parse_args(["reminders", "--at", "2026-04-29T16:00:00+07:00", "--json"])
    assert reminders_command.run(cfg, args) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["tracking_code"] == f"TB-2026-{item:06d}" and rows[0]["recipients"] == [HOLDER]
    assert rows[0]["due_at"] == "2026-04-29T16:00:00+07:00" and rows[0]["deadline"] == "2026-04-29T17:00:00+07:00"
    assert reminders_command.run(cfg, argparse.Namespace(at="2026-04-29T16:00:00+07:00", json=False)) == 0
    out = capsys.readouterr().out
    assert "Lúc 16:00 29/04/2026 sẽ gửi 1 thư nhắc:" in out
    assert f"TB-2026-{item:06d}" in out and "Sắp đến hạn" in out and HOLDER in out
    assert reminders_command.run(cfg, argparse.Namespace(at="2026-04-30T09:00:00+07:00", json=False)) == 0
    assert "không có thư nhắc nào" in capsys.readouterr().out
    with pytest.raises(UsageError):
        reminders_command.run(cfg, argparse.Namespace(at="ngày mai", json=False))


# ----- notices caused by the ingest -----------------------------------------------------------


def maildir(cfg) -> MaildirMailbox:
    path = cfg.resolve(cfg.mailboxes["thainguyen"].path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for box in cfg.mailboxes.values():  # the other profiles' mailboxes, empty
        cfg.resolve(box.path).parent.mkdir(parents=True, exist_ok=True)
    return MaildirMailbox(path)


@pytest.fixture
def ingest_env(tmp_path: Path, smtp_sink: SmtpSink):
    """No users: the ingest's own emails only (reminders need someone to remind)."""
    cfg = make_config(tmp_path, smtp=smtp_settings(smtp_sink))
    return cfg, open_db(cfg), smtp_sink, maildir(cfg)


def test_acknowledgement_on_ingest(ingest_env) -> None:
    cfg, engine, sink, box = ingest_env
    raw = news_email(1, with_photo=False)
    box.add(raw, at(2026, 4, 28, 9))
    totals = Daemon(cfg, engine).run_once()
    assert totals["created"] == 1 and totals["sent"] == 1
    (got,) = sink.wait_for(1)
    msg = parse(got.content)
    with Session(engine) as s:
        item = s.exec(select(Item)).one()
    assert got.rcpt_tos == (SENDER,)
    assert msg["Subject"] == f"[{item.tracking_code}] Đã tiếp nhận: Gửi tin: Hội nghị số 1"
    assert msg["In-Reply-To"] == parse(raw)["Message-ID"]
    assert msg["Auto-Submitted"] == "auto-generated"
    body = text_of(msg)
    assert "Kính gửi Nguyễn Thị Hoa" in body and f"Mã theo dõi: {item.tracking_code}" in body
    assert "Thời hạn xử lý theo Quy chế: 17:00 ngày 29/04/2026" in body
    assert unicodedata.is_normalized("NFC", body)
    # nothing more, ever, for the same message
    assert Daemon(cfg, engine).run_once()["sent"] == 0
    assert len(sink.messages) == 1


def test_correction_request_for_missing_sender_details(ingest_env) -> None:
    cfg, engine, sink, box = ingest_env
    when = at(2026, 4, 28, 9)
    body = ("Kính gửi Ban Biên tập,\n\nSáng ngày 28/4/2026, Phòng Thi hành án dân sự khu vực 2 tổ chức hội nghị "
            "triển khai công tác năm 2026.\n" + signature("Nguyễn Văn An", None, None, None))
    raw = make_email(sender=f"Nguyễn Văn An <{SENDER}>", to="thainguyen@moj.gov.vn",
                     subject="Gửi tin hội nghị triển khai", body=body, date=when)
    box.add(raw, when)
    Daemon(cfg, engine).run_once()
    msgs = [parse(m.content) for m in sink.wait_for(2)]
    by_subject = {m["Subject"].split("] ", 1)[1].split(":", 1)[0]: m for m in msgs}
    assert set(by_subject) == {"Đã tiếp nhận", "Đề nghị bổ sung, chỉnh sửa"}
    fix = text_of(by_subject["Đề nghị bổ sung, chỉnh sửa"])
    assert "Ghi rõ chức danh (chức vụ) của người gửi ở cuối thư." in fix
    assert "Ghi số điện thoại hoặc địa chỉ liên hệ của người gửi ở cuối thư." in fix
    assert "Điều 8.2" in fix  # thainguyen Art. 8.2: title, and phone or postal address
    with Session(engine) as s:
        item = s.exec(select(Item)).one()
    assert item.verdict == "needs_correction"
    assert f"giữ nguyên mã {item.tracking_code}" in fix


def test_a_reply_with_the_tracking_code_joins_its_item(ingest_env) -> None:
    cfg, engine, sink, box = ingest_env
    box.add(news_email(3, with_photo=False), at(2026, 4, 28, 9))
    Daemon(cfg, engine).run_once()
    (ack,) = sink.wait_for(1)
    code = parse(ack.content)["Subject"].split("]", 1)[0].strip("[")
    reply = news_email(4, when=at(2026, 4, 28, 14), with_photo=False, subject=f"Re: [{code}] Đã tiếp nhận: Gửi tin: Hội nghị số 3",
                       body_extra="Xin gửi bổ sung ảnh.")
    box.add(reply, at(2026, 4, 28, 14))
    totals = Daemon(cfg, engine).run_once()
    assert totals["created"] == 1
    with Session(engine) as s:
        first, second = s.exec(select(Item).order_by(Item.id)).all()
        acks = s.exec(select(Outbox).where(Outbox.kind == "acknowledgement")).all()
    assert first.tracking_code == code and second.parent_id == first.id
    assert len(acks) == 1 and len(sink.messages) == 1  # no acknowledgement for the reply
    assert planned(engine, second.id) == []  # and no reminders of its own


def test_ingest_plans_reminders_from_the_deadline(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    cfg = make_config(tmp_path, smtp=smtp_settings(smtp_sink))
    engine = open_db(cfg)
    add_users(engine)
    box = maildir(cfg)
    received = at(2026, 2, 12, 11)
    raw = news_email(5, when=received, with_photo=False)
    box.add(raw, received)
    ingestor = Ingestor(cfg, engine)
    try:
        outcome = ingestor.process("thainguyen", cfg.profile(PROFILE), "maildir:x", raw, received)
    finally:
        ingestor.close()
    with Session(engine) as s:
        item = s.get(Item, outcome.item_id)
    assert item.deadline == at(2026, 2, 13, 17)  # news of 12/2: 1 day (Art. 7.4)
    rows = planned(engine, item.id)
    assert [(k, t) for k, t, _, _ in rows[:4]] == [
        ("due_soon", at(2026, 2, 13, 9, 15)), ("due_soon", at(2026, 2, 13, 16)),
        ("due_now", at(2026, 2, 13, 17)), ("overdue", at(2026, 2, 23, 7, 30)),
    ]
    assert rows[0][3] == SECRETARY  # nobody holds a new item: the secretary receives it
    assert deliver_due(engine, cfg)["sent"] == 1  # the acknowledgement, queued at ingest (real clock)
    env = (cfg, engine, smtp_sink)
    msg = one(tick(env, at(2026, 2, 13, 9, 15)))
    assert msg["To"] == SECRETARY and "Nhắc hạn xử lý" in msg["Subject"]
    assert item.tracking_code in msg["Subject"] and "Gửi tin: Hội nghị số 5" in msg["Subject"]
