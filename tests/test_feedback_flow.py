"""Citizens' feedback through the daemon, end to end: real messages in a Maildir, `Daemon.run_once`
and its jobs at fixed clocks, every email delivered to a real SMTP server (aiosmtpd).

- binhphuoc (Art. 11.2–11.5): a citizen's complaint becomes `feedback` held to a citizen's sender
  rules, is forwarded to the unit in charge with 15 working days, the unit is reminded, its reply
  joins the item by the tracking code and stops its reminders, and the board's answer reaches the
  citizen threaded to the first message.
- hungyen (Art. 11.3): the unit head is told on the day the comment arrives (the next working
  day when it arrives on a holiday) and reminded before closing time when nobody has opened it.
"""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.factories import VN, make_config
from tests.servers import SmtpSink
from tinbai.board import act
from tinbai.daemon import Daemon
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.queue.models import Item, ProblemRow, ReviewEvent, UnitForward, User
from tinbai.queue.schema import open_db
from tinbai.web.item_extras import record_views

BP_SECRETARY = "thuky@stp-binhphuoc.example.vn"
BP_HEAD = "truongban@stp-binhphuoc.example.vn"
UNIT = "Phòng Hành chính tư pháp"
UNIT_HEAD = "truongphong.hctp@stp-binhphuoc.example.vn"  # the unit's leader in config.toml
CITIZEN = "tranvanbinh.dp@mail.example.com"
HY_SECRETARY = "thuky@snv-hungyen.example.vn"
HY_HEAD = "chanhvanphong@snv-hungyen.example.vn"  # the head of hungyen's receiving unit (config.toml)

COMPLAINT = ("Kính gửi Sở Tư pháp tỉnh Bình Phước,\n\n"
             "Tôi là Trần Văn Bình, trú tại ấp 3, xã Tân Lập, huyện Đồng Phú. Tôi xin phản ánh việc hồ sơ "
             "chứng thực hợp đồng của gia đình tôi nộp ngày 20/4/2026 đến nay chưa được trả kết quả. "
             "Đề nghị quý cơ quan xem xét giải quyết.\n\nTrân trọng,\nTrần Văn Bình\n")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN)


def message(sender: str, to: str, subject: str, body: str, when: datetime, msgid: str,
            in_reply_to: str | None = None) -> bytes:
    # folded at RFC 5322's limit: Python 3.11 drops a space when it folds Vietnamese at 78 columns
    msg = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = msgid
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    return msg.as_bytes()


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def text_of(msg: EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content()


@pytest.fixture
def env(tmp_path: Path, smtp_sink: SmtpSink):
    cfg = make_config(tmp_path, smtp={"kind": "smtp", "host": "127.0.0.1", "port": smtp_sink.port,
                                      "security": "plain", "timeout": 5,
                                      "sender": "Ban Biên tập <bbt@example.gov.vn>"})
    engine = open_db(cfg)  # the schema by the migrations, 0005 included
    with Session(engine) as s:
        for addr, role, pid in [(BP_SECRETARY, "secretary", "binhphuoc-stp"), (BP_HEAD, "head", "binhphuoc-stp"),
                                (HY_SECRETARY, "secretary", "hungyen-snv")]:
            s.add(User(email=addr, password_hash="-", role=role, profiles=pid, must_change_password=False))
        s.commit()
    return cfg, engine, smtp_sink


def deliver(env, raw: bytes, mailbox: str, when: datetime) -> dict:
    """The message arrives in the profile's Maildir at `when`; the daemon runs once at that time."""
    cfg, engine, _ = env
    MaildirMailbox(cfg.resolve(cfg.mailboxes[mailbox].path)).add(raw, received_at=when)
    return Daemon(cfg, engine, now=when).run_once()


def tick(env, when: datetime) -> list[EmailMessage]:
    """One pass of the daemon's jobs at `when`: the emails that reached the server."""
    cfg, engine, sink = env
    before = len(sink.messages)
    Daemon(cfg, engine, now=when).after_ingest()
    return [parse(m.content) for m in sink.messages[before:]]


def to(msgs: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in msgs if address in m["To"]]


def the_item(engine, subject_part: str) -> Item:
    with Session(engine) as s:
        return next(it for it in s.exec(select(Item)) if subject_part in it.subject and it.parent_id is None)


def user(engine, address: str) -> User:
    with Session(engine) as s:
        return s.exec(select(User).where(User.email == address)).one()


def board_act(env, item_id: int, who: str, action: str, when: datetime, **params) -> None:
    cfg, engine, _ = env
    actor = user(engine, who)
    with Session(engine, expire_on_commit=False) as s:
        act(s, s.get(Item, item_id), actor, action, config=cfg, now=when, **params)
        s.commit()


def test_a_citizens_complaint_to_binhphuoc_from_receipt_to_answer(env) -> None:
    cfg, engine, sink = env
    received = at(2026, 5, 4, 9)  # Monday, after the 30/4–1/5 holidays
    first_id = "<phan-anh-1@mail.example.com>"
    raw = message(f"Trần Văn Bình <{CITIZEN}>", "banbientapstp.bp@binhphuoc.gov.vn",
                  "Phản ánh chậm trả kết quả chứng thực", COMPLAINT, received, first_id)
    assert deliver(env, raw, "binhphuoc", received)["created"] == 1
    item = the_item(engine, "Phản ánh chậm trả")
    assert item.category == "feedback"
    with Session(engine) as s:
        codes = {p.code for p in s.exec(select(ProblemRow).where(ProblemRow.item_id == item.id))}
    # a citizen is asked no title or unit, and is no stranger to be doubted (CHECK-REPORT)
    assert not codes & {"sender.missing_title", "sender.missing_unit", "sender.missing_contact", "sender.unknown"}
    # Art. 11.2 / 9.3.e: 15 working days from Mon 4/5/2026: Tue 5/5 … Mon 25/5
    assert item.deadline == at(2026, 5, 25, 17)

    # the acknowledgement: plain and kind, with the date of the answer, threaded to the complaint
    ack = parse(sink.messages[-1].content)
    assert ack["To"] == CITIZEN and ack["In-Reply-To"] == first_id
    body = text_of(ack)
    assert body.startswith("Kính gửi Ông/Bà Trần Văn Bình,")
    assert "Cảm ơn Ông/Bà đã gửi ý kiến" in body and "17:00 ngày 25/05/2026" in body
    assert "Quy chế" not in body and "Điều" not in body and "đồng chí" not in body and "Loại thông tin" not in body

    # the secretary forwards it to the unit in charge
    board_act(env, item.id, BP_SECRETARY, "forward_unit", at(2026, 5, 4, 10), unit=UNIT,
              comment="Đề nghị phòng kiểm tra hồ sơ.")
    forwarded = to(tick(env, at(2026, 5, 4, 10)), UNIT_HEAD)
    assert len(forwarded) == 1
    sent = forwarded[0]
    assert item.tracking_code in sent["Subject"] and "17:00 ngày 25/05/2026" in sent["Subject"]
    assert "hồ sơ chứng thực hợp đồng của gia đình tôi" in text_of(sent)  # the citizen's words, from the archive
    assert "Đề nghị phòng kiểm tra hồ sơ." in text_of(sent)

    # the unit is reminded at half of its office time (Thu 14/5 8:45), never on the weekend
    assert to(tick(env, at(2026, 5, 14, 8, 44)), UNIT_HEAD) == []
    reminded = to(tick(env, at(2026, 5, 14, 8, 45)), UNIT_HEAD)
    assert len(reminded) == 1 and "Nhắc hạn trả lời" in reminded[0]["Subject"]
    assert "còn " in text_of(reminded[0]) and item.tracking_code in reminded[0]["Subject"]
    assert to(tick(env, at(2026, 5, 16, 10)), UNIT_HEAD) == []  # Saturday

    # the unit answers by replying; the tracking code joins the answer to the item
    answer = ("Phòng Hành chính tư pháp báo cáo: hồ sơ của ông Bình đã được trả kết quả ngày 15/5/2026.\n\n"
              "Trưởng phòng Hành chính tư pháp\n\n> " + text_of(sent).replace("\n", "\n> "))
    reply = message(f"Lê Văn Phòng <{UNIT_HEAD}>", "banbientapstp.bp@binhphuoc.gov.vn", "Re: " + sent["Subject"],
                    answer, at(2026, 5, 15, 9), "<tra-loi-1@stp-binhphuoc.example.vn>", sent["Message-ID"])
    deliver(env, reply, "binhphuoc", at(2026, 5, 15, 9))
    with Session(engine) as s:
        fwd = s.exec(select(UnitForward).where(UnitForward.item_id == item.id)).one()
        joined = s.get(Item, fwd.answer_item_id)
        events = [e.action for e in s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item.id))]
    assert fwd.answered_at is not None and joined.parent_id == item.id
    assert "unit_answer" in events
    # no more reminders to the unit once it answered
    assert to(tick(env, at(2026, 5, 25, 16)), UNIT_HEAD) == []

    # the board answers the citizen from the item; the answer is threaded to the first message
    board_act(env, item.id, BP_SECRETARY, "answer", at(2026, 5, 25, 16, 30),
              comment="Hồ sơ của Ông đã được trả kết quả ngày 15/5/2026 tại Bộ phận một cửa.")
    answered = to(tick(env, at(2026, 5, 25, 16, 30)), CITIZEN)
    assert len(answered) == 1
    reply_to_citizen = answered[0]
    assert reply_to_citizen["In-Reply-To"] == first_id and first_id in reply_to_citizen["References"]
    assert reply_to_citizen["Subject"] == f"[{item.tracking_code}] Trả lời: Phản ánh chậm trả kết quả chứng thực"
    assert "Hồ sơ của Ông đã được trả kết quả ngày 15/5/2026" in text_of(reply_to_citizen)
    with Session(engine) as s:
        assert s.get(Item, item.id).state == "answered"
    assert tick(env, at(2026, 5, 26, 7, 30)) == []  # closed: nobody is reminded of it


def _comment(when: datetime, n: int) -> bytes:
    body = ("Kính gửi Sở Nội vụ tỉnh Hưng Yên,\n\nTôi xin góp ý về thời gian tiếp nhận hồ sơ tại Bộ phận "
            f"một cửa (ý kiến số {n}).\n\nNguyễn Thị Lan\n")
    return message("Nguyễn Thị Lan <lan.nt@mail.example.com>", "banbientap@snv-hungyen.example.vn",
                   f"Góp ý về thủ tục hành chính số {n}", body, when, f"<gop-y-{n}@mail.example.com>")


def test_hungyen_tells_the_unit_head_the_same_day_and_not_on_a_holiday(env) -> None:
    cfg, engine, sink = env
    # a working day: the head is told at once, and reminded at 16:00 as nobody has opened it
    deliver(env, _comment(at(2026, 5, 12, 9), 1), "hungyen", at(2026, 5, 12, 9))
    notices = to([parse(m.content) for m in sink.messages], HY_HEAD)
    assert len(notices) == 1
    first = the_item(engine, "số 1")
    assert first.category == "feedback" and first.deadline == at(2026, 5, 12, 17)
    assert notices[0]["Subject"] == f"[{first.tracking_code}] Báo cáo ý kiến của công dân nhận ngày 12/05/2026: " \
                                    "Góp ý về thủ tục hành chính số 1"
    assert "Điều 11.3" in text_of(notices[0]) and "thời gian tiếp nhận hồ sơ" in text_of(notices[0])
    # a second one the same day, which the secretary opens before 16:00: no reminder for it
    deliver(env, _comment(at(2026, 5, 12, 10), 2), "hungyen", at(2026, 5, 12, 10))
    second = the_item(engine, "số 2")
    secretary = user(engine, HY_SECRETARY)
    with Session(engine) as s:
        record_views(s, cfg, secretary, s.get(Item, second.id))
        s.commit()
    assert [m for m in tick(env, at(2026, 5, 12, 15, 59)) if "Nhắc: ý kiến" in m["Subject"]] == []
    reminders = [m for m in tick(env, at(2026, 5, 12, 16)) if "Nhắc: ý kiến" in m["Subject"]]
    assert len(reminders) == 1 and first.tracking_code in reminders[0]["Subject"]
    assert HY_HEAD in reminders[0]["To"] and HY_SECRETARY in reminders[0]["To"]

    # Thursday 30/4/2026 is a holiday, then Friday 1/5 and the weekend: the head is told on Monday 4/5
    sink.clear()
    deliver(env, _comment(at(2026, 4, 30, 10), 3), "hungyen", at(2026, 4, 30, 10))
    assert to([parse(m.content) for m in sink.messages], HY_HEAD) == []  # the citizen's acknowledgement only
    for when in (at(2026, 4, 30, 15), at(2026, 5, 1, 9), at(2026, 5, 2, 9), at(2026, 5, 3, 9), at(2026, 5, 4, 7, 29)):
        assert to(tick(env, when), HY_HEAD) == [], when
    monday = to(tick(env, at(2026, 5, 4, 7, 30)), HY_HEAD)
    assert len(monday) == 1 and "nhận ngày 30/04/2026" in monday[0]["Subject"]
    assert the_item(engine, "số 3").deadline == at(2026, 5, 4, 17)
    assert to(tick(env, at(2026, 5, 4, 9)), HY_HEAD) == []  # once
