"""What the board does under each regulation (tinbai.board.act on a real SQLite queue): refusal
grounds with the seeds' own letters or the reviewer's own reason, binhphuoc's extension of an
answer's deadline, items held for a state-secret mark, and the one email their sender gets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.web_fixtures import VN, add_user, make_config, make_engine_for, make_item
from tinbai import board
from tinbai.notifier.notices import notices_for_new_item
from tinbai.queue.models import Item, Outbox, ReminderRow, ReviewEvent, User
from tinbai.queue.permissions import allowed_actions, can_open, may_download_held
from tinbai.queue.states import REFUSED
from tinbai.queue.stored_report import load_report
from tinbai.queue.workflow import NotAllowed, WorkflowError
from tinbai.rules import problem

ROLES = ("secretary", "member", "head", "agency_head", "admin", "viewer")
SECRET_SUBJECT = "Báo cáo tình hình an ninh nội bộ quý I"


@pytest.fixture
def env(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    yield config, engine
    engine.dispose()


def staff(engine, profile: str) -> dict[str, User]:
    short = profile.split("-")[0]
    return {role: add_user(engine, f"{role}.{short}@bbt.test", role, profile) for role in ROLES}


def act(engine, config, item_id: int, user: User, action: str, **params) -> None:
    with Session(engine, expire_on_commit=False) as s:
        board.act(s, s.get(Item, item_id), user, action, config=config, **params)
        s.commit()


def load(engine, item_id: int) -> Item:
    with Session(engine, expire_on_commit=False) as s:
        return s.get(Item, item_id)


def mails(engine, item_id: int, kind: str | None = None) -> list[Outbox]:
    with Session(engine) as s:
        q = select(Outbox).where(Outbox.item_id == item_id)
        return list(s.exec(q.where(Outbox.kind == kind) if kind else q))


def last_event(engine, item_id: int) -> ReviewEvent:
    with Session(engine) as s:
        return s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item_id).order_by(ReviewEvent.id.desc())).first()


# ---- refusal grounds

@pytest.mark.parametrize(("pid", "ground", "article"), [
    ("haiduong-thads", "e", "Điều 10.2.e"),  # quality: the seeds skip "đ"
    ("thainguyen-thads", "g", "Điều 10.2.g"),  # the catch-all
    ("thainguyen-thads", "d", "Điều 10.2.d"),  # content already posted
    ("binhphuoc-stp", "d", "Điều 12.3.d"),  # binhphuoc's own list: quality is its d
    ("binhphuoc-stp", "đ", "Điều 12.3.đ"),
    ("hungyen-snv", "8.6", "Điều 8.6"),  # a prohibited act of Art. 8
])
def test_a_refusal_email_cites_the_grounds_own_article(env, pid: str, ground: str, article: str) -> None:
    config, engine = env
    people = staff(engine, pid)
    item = make_item(engine, config, profile=pid, subject="Bài viết chất lượng thấp", sender_address="tg@example.vn")
    act(engine, config, item.id, people["head"], "refuse", ground=ground)
    [mail] = mails(engine, item.id, "refusal")
    assert article in mail.body_text and article in mail.body_html
    assert config.profile(pid).refusal_grounds[ground] in mail.body_text


def test_the_seeds_letters_and_no_invented_lists(env) -> None:
    config, _ = env
    assert list(config.profile("thainguyen-thads").refusal_grounds) == ["a", "b", "c", "d", "e", "g"]
    assert list(config.profile("haiduong-thads").refusal_grounds) == ["a", "b", "c", "d", "e", "g"]
    bp = config.profile("binhphuoc-stp").refusal_grounds
    assert list(bp) == ["a", "b", "c", "d", "đ"] and not any("trùng" in t for t in bp.values())  # no duplicate ground
    assert config.profile("kontum-stp").refusal_grounds == {}
    assert all(t.endswith(f"(Điều {k})") for k, t in config.profile("hungyen-snv").refusal_grounds.items())
    for pid in ("thainguyen-thads", "haiduong-thads", "binhphuoc-stp"):
        prof = config.profile(pid)
        assert not prof.refusal_by_own_reason()
        assert all(t.endswith(f".{k})") for k, t in prof.refusal_grounds.items())


def test_kontum_refuses_on_the_reviewers_own_reason(env) -> None:
    config, engine = env
    people = staff(engine, "kontum-stp")
    item = make_item(engine, config, profile="kontum-stp", sender_address="tg@stp-kontum.example.vn")
    with pytest.raises(WorkflowError):  # a reason is needed
        act(engine, config, item.id, people["head"], "refuse")
    with pytest.raises(WorkflowError):  # and there is no list to choose from
        act(engine, config, item.id, people["head"], "refuse", ground="a", comment="Ảnh mờ")
    act(engine, config, item.id, people["head"], "refuse", comment="Ảnh minh họa mờ, không đủ chất lượng đăng tải")
    assert load(engine, item.id).state == REFUSED
    [mail] = mails(engine, item.id, "refusal")
    assert "Lý do: Ảnh minh họa mờ, không đủ chất lượng đăng tải" in mail.body_text and "Căn cứ" not in mail.body_text


def test_thainguyen_needs_a_listed_ground(env) -> None:
    config, engine = env
    people = staff(engine, "thainguyen-thads")
    item = make_item(engine, config)
    with pytest.raises(WorkflowError):
        act(engine, config, item.id, people["head"], "refuse", comment="Không phù hợp")


# ---- binhphuoc Art. 9.3.e: 30 working days when the ministries must be asked

def test_an_answers_deadline_is_extended_once_with_its_reason(env) -> None:
    config, engine = env
    people = staff(engine, "binhphuoc-stp")
    # received Mon 6/4/2026: 15 working days (30/4, 1/5 and the Hùng Kings' day 27/4 off) -> Tue 28/4
    item = make_item(engine, config, profile="binhphuoc-stp", category="answer",
                     received_at=datetime(2026, 4, 6, 9, 0, tzinfo=VN), sender_address="a@stp-binhphuoc.example.vn")
    assert load(engine, item.id).deadline == datetime(2026, 4, 28, 17, tzinfo=VN)
    assert "extend_deadline" in allowed_actions(load(engine, item.id), people["secretary"], config.profile("binhphuoc-stp"))
    with pytest.raises(WorkflowError):
        act(engine, config, item.id, people["secretary"], "extend_deadline")  # the reason is required
    act(engine, config, item.id, people["secretary"], "extend_deadline",
        comment="Cần xin ý kiến Bộ Tư pháp về thẩm quyền chứng thực")
    done = load(engine, item.id)
    assert done.deadline == datetime(2026, 5, 21, 17, tzinfo=VN) and done.deadline_extended  # 30 working days
    ev = last_event(engine, item.id)
    assert ev.action == "extend_deadline" and "15 → 30 ngày làm việc" in ev.comment and "Điều 9.3.e" in ev.comment
    assert "Cần xin ý kiến Bộ Tư pháp" in ev.comment
    assert "extend_deadline" not in allowed_actions(done, people["head"], config.profile("binhphuoc-stp"))
    with pytest.raises(NotAllowed):
        act(engine, config, item.id, people["head"], "extend_deadline", comment="lần hai")


def test_no_extension_where_the_regulation_gives_none(env) -> None:
    config, engine = env
    people = staff(engine, "thainguyen-thads")
    item = make_item(engine, config, category="other")
    assert "extend_deadline" not in allowed_actions(item, people["head"], config.profile("thainguyen-thads"))


# ---- held for a state-secret mark

def classified_item(engine, config, pid: str = "thainguyen-thads") -> Item:
    held = problem("content.classified", attachment="qd.jpg")
    return make_item(engine, config, profile=pid, subject=SECRET_SUBJECT, problems=[held],
                     sender_address="vanthu@thads-thainguyen.example.vn")


def test_only_the_head_and_the_agency_head_open_it_and_it_is_never_posted(env) -> None:
    config, engine = env
    people = staff(engine, "thainguyen-thads")
    item = load(engine, classified_item(engine, config).id)
    assert item.classified and item.verdict == "quarantine"
    profile = config.profile("thainguyen-thads")
    opens = {role for role, u in people.items() if can_open(u, item)}
    assert opens == {"head", "agency_head"}  # not the administrator
    for role in ("secretary", "member", "admin"):
        assert allowed_actions(item, people[role], profile) == []
        assert not may_download_held(people[role], item)
    for role in ("head", "agency_head"):
        assert allowed_actions(item, people[role], profile) == ["refuse", "comment"]
        assert may_download_held(people[role], item)
    with pytest.raises(NotAllowed):
        act(engine, config, item.id, people["admin"], "take")
    act(engine, config, item.id, people["agency_head"], "refuse", ground="c")
    [mail] = mails(engine, item.id, "refusal")
    assert "Điều 10.2.c" in mail.body_text
    assert SECRET_SUBJECT not in mail.subject + mail.body_text + (mail.body_html or "")


def test_the_sender_gets_one_notice_that_quotes_nothing(env) -> None:
    config, engine = env
    item = classified_item(engine, config)
    with Session(engine, expire_on_commit=False) as s:
        row = s.get(Item, item.id)
        notices_for_new_item(s, row, load_report(row), config.profile("thainguyen-thads"), config)
        s.commit()
    [mail] = mails(engine, item.id)
    assert mail.kind == "held" and mail.to_addrs == "vanthu@thads-thainguyen.example.vn"
    assert "không được gửi đến hộp thư" in mail.body_text and "Điều 4.1, Điều 10.2.c" in mail.body_text
    for text in (mail.subject, mail.body_text, mail.body_html or ""):
        assert SECRET_SUBJECT not in text and "qd.jpg" not in text
    with Session(engine) as s:  # never posted: no deadline reminders that would quote its subject
        assert s.exec(select(ReminderRow).where(ReminderRow.item_id == item.id)).all() == []


def test_its_words_are_not_searchable(env) -> None:
    config, engine = env
    item = load(engine, classified_item(engine, config).id)
    assert "an ninh" not in item.search_text and "nguyen thi hoa" in item.search_text


# ---- binhphuoc's two addresses

@pytest.mark.parametrize(("to", "other_named"), [("stp.bp@binhphuoc.gov.vn", True),
                                                 ("banbientapstp.bp@binhphuoc.gov.vn", False)])
def test_the_acknowledgement_names_the_regulations_address(env, to: str, other_named: bool) -> None:
    config, engine = env
    profile = config.profile("binhphuoc-stp")
    assert profile.addresses == ["banbientapstp.bp@binhphuoc.gov.vn", "stp.bp@binhphuoc.gov.vn"]
    item = make_item(engine, config, profile="binhphuoc-stp", sender_address="lan.ht@stp-binhphuoc.example.vn")
    report = load_report(item)
    report.addressed_to = profile.address_reached([to])
    with Session(engine, expire_on_commit=False) as s:
        notices_for_new_item(s, s.get(Item, item.id), report, profile, config)
        s.commit()
    [ack] = mails(engine, item.id, "acknowledgement")
    assert "theo Quy chế (Điều 6.6, Điều 9.1.a): banbientapstp.bp@binhphuoc.gov.vn" in ack.body_text
    assert ("gửi đến stp.bp@binhphuoc.gov.vn" in ack.body_text) is other_named
