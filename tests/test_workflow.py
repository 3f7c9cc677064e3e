"""The review workflow (tinbai.queue.workflow, through tinbai.board.act): transitions per profile,
who may act, the audit log, and the emails an action causes, written in the action's own transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.web_fixtures import VN, add_user, make_config, make_engine_for, make_item
from tinbai import board
from tinbai.calendar import WorkCalendar, compute_deadline
from tinbai.queue.models import Item, Outbox, ReminderRow, ReviewEvent, User, utcnow
from tinbai.queue.permissions import allowed_actions, publishing_step, steps_of
from tinbai.queue.states import (
    APPROVED,
    CLOSED_STATES,
    ESCALATED,
    IN_REVIEW,
    NEW,
    PUBLISHED,
    REFUSED,
    RETURNED,
)
from tinbai.queue.workflow import NotAllowed, StaleItem, WorkflowError
from tinbai.rules import problem

ROLES = ("secretary", "member", "head", "agency_head", "admin", "viewer")


@pytest.fixture
def env(tmp_path: Path):
    config = make_config(tmp_path)
    engine = make_engine_for(tmp_path)
    yield config, engine
    engine.dispose()


def staff(engine, profile: str) -> dict[str, User]:
    """One account per role, on `profile` only."""
    short = profile.split("-")[0]
    return {role: add_user(engine, f"{role}.{short}@bbt.test", role, profile) for role in ROLES}


def act(engine, config, item_id: int, user: User, action: str, **params) -> ReviewEvent:
    with Session(engine, expire_on_commit=False) as s:
        item = s.get(Item, item_id)
        event = board.act(s, item, user, action, config=config, **params)
        s.commit()
        return event


def load(engine, item_id: int) -> Item:
    with Session(engine, expire_on_commit=False) as s:
        return s.get(Item, item_id)


def events(engine, item_id: int) -> list[ReviewEvent]:
    with Session(engine) as s:
        return list(s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item_id).order_by(ReviewEvent.id)))


def outbox(engine, item_id: int, kind: str | None = None) -> list[Outbox]:
    with Session(engine) as s:
        q = select(Outbox).where(Outbox.item_id == item_id)
        if kind:
            q = q.where(Outbox.kind == kind)
        return list(s.exec(q.order_by(Outbox.id)))


PROFILES = ["thainguyen-thads", "haiduong-thads", "binhphuoc-stp", "kontum-stp", "hungyen-snv"]


@pytest.mark.parametrize("profile_id", PROFILES)
def test_every_step_to_publication(env, profile_id: str) -> None:
    """Each step is passed by a role the profile names for it; others are refused on the way."""
    config, engine = env
    profile = config.profile(profile_id)
    people = staff(engine, profile_id)
    item = make_item(engine, config, profile=profile_id, subject="Tin hoạt động tháng 5")
    steps = steps_of(profile)
    posting = publishing_step(profile)
    reviewed = steps[:-1] if posting else steps  # a publishing step is reached by the approval
    assert load(engine, item.id).step == steps[0].id and load(engine, item.id).state == NEW

    for k, step in enumerate(reviewed):
        current = load(engine, item.id)
        assert current.step == step.id
        # the step's own role, preferring one that is not the head (the head may act anywhere)
        role = next((r for r in step.roles if r != "head"), "head")
        actor = people[role]
        outsiders = [people[r] for r in ("secretary", "member") if r not in step.roles]
        for other in outsiders:
            assert allowed_actions(current, other, profile) == ["comment"], (step.id, other.role)
            with pytest.raises(NotAllowed):
                act(engine, config, item.id, other, "take")
        assert allowed_actions(current, people["viewer"], profile) == []
        assert "take" in allowed_actions(current, actor, profile)
        act(engine, config, item.id, actor, "take")
        held = load(engine, item.id)
        assert held.state == IN_REVIEW and held.holder == actor.email
        if k < len(reviewed) - 1:
            assert "forward" in allowed_actions(held, actor, profile)
            assert "approve" not in allowed_actions(held, actor, profile)
            act(engine, config, item.id, actor, "forward", comment=f"Xong bước {step.label}")
            moved = load(engine, item.id)
            assert (moved.step, moved.state, moved.holder) == (steps[k + 1].id, IN_REVIEW, None)
        else:  # the approving step: its act is the approval, not a forward nor the posting
            assert "forward" not in allowed_actions(held, actor, profile)
            assert "publish" not in allowed_actions(held, actor, profile)
            act(engine, config, item.id, actor, "approve")
    approved = load(engine, item.id)
    assert approved.state == APPROVED and approved.step == (posting or reviewed[-1]).id
    # the secretary posts it (binhphuoc Art. 11.1: the step "Thư ký đăng tải"), whoever approved it
    assert allowed_actions(approved, people["secretary"], profile)[:2] == ["take", "publish"]
    assert "approve" not in allowed_actions(approved, people["secretary"], profile)
    with pytest.raises(WorkflowError):
        act(engine, config, item.id, people["secretary"], "publish", url="javascript:alert(1)")
    when = datetime.now(VN) - timedelta(minutes=5)
    act(engine, config, item.id, people["secretary"], "publish", url="https://portal.example.vn/tin/123",
        published_at=when)
    done = load(engine, item.id)
    assert done.state == PUBLISHED and done.published_url == "https://portal.example.vn/tin/123"
    assert abs((done.published_at - when).total_seconds()) < 1
    assert allowed_actions(done, people["head"], profile) == ["comment"]

    log = events(engine, item.id)
    assert log[0].action == "received"
    walked = [(e.action, e.from_state, e.to_state) for e in log[1:]]
    assert walked[0] == ("take", NEW, IN_REVIEW)
    assert walked[-2:] == [("approve", IN_REVIEW, APPROVED), ("publish", APPROVED, PUBLISHED)]
    assert [e.step for e in log if e.action == "forward"] == [s.id for s in reviewed[:-1]]
    assert all(e.actor and e.at for e in log)
    assert [m.kind for m in outbox(engine, item.id) if m.kind != "assignment"] == ["publication"]
    # each forward to nobody in particular told the people whose role holds the next step
    told = sorted(m.to_addrs for m in outbox(engine, item.id, "assignment"))
    expected = sorted(people[r].email for k, st in enumerate(reviewed[1:]) for r in st.roles
                      if people[r].email != people[next((x for x in reviewed[k].roles if x != "head"), "head")].email)
    assert told == expected


def test_head_and_admin_act_on_any_step_agency_head_only_on_escalation(env) -> None:
    config, engine = env
    profile = config.profile("thainguyen-thads")
    people = staff(engine, "thainguyen-thads")
    item = make_item(engine, config)
    fresh = load(engine, item.id)
    for role in ("head", "admin"):
        acts = allowed_actions(fresh, people[role], profile)
        assert {"take", "forward", "refuse", "return", "escalate", "change_category"} <= set(acts)
    assert allowed_actions(fresh, people["agency_head"], profile) == ["comment"]

    act(engine, config, item.id, people["secretary"], "escalate", assignee=people["agency_head"].email,
        comment="Tin có nội dung nhạy cảm")
    up = load(engine, item.id)
    assert up.state == ESCALATED and up.sensitive and up.holder == people["agency_head"].email
    assert allowed_actions(up, people["secretary"], profile) == ["comment"]
    assert allowed_actions(up, people["agency_head"], profile) == ["deescalate", "refuse", "comment"]
    with pytest.raises(WorkflowError):  # the agency head's opinion is what goes back
        act(engine, config, item.id, people["agency_head"], "deescalate")
    act(engine, config, item.id, people["agency_head"], "deescalate", comment="Đồng ý đăng, bỏ đoạn 2")
    back = load(engine, item.id)
    assert (back.state, back.step, back.holder) == (IN_REVIEW, "triage", None)
    assert events(engine, item.id)[-1].comment.endswith("Đồng ý đăng, bỏ đoạn 2")


def test_someone_elses_item_and_other_profiles(env) -> None:
    config, engine = env
    profile = config.profile("binhphuoc-stp")
    people = staff(engine, "binhphuoc-stp")
    other_member = add_user(engine, "member2.binhphuoc@bbt.test", "member", "binhphuoc-stp")
    stranger = add_user(engine, "member.kontum@bbt.test", "member", "kontum-stp")
    everywhere = add_user(engine, "head.all@bbt.test", "head", "*")
    item = make_item(engine, config, profile="binhphuoc-stp")
    act(engine, config, item.id, people["member"], "take")
    held = load(engine, item.id)
    # compile step: secretary and member; the holder acts, the peers only comment
    assert allowed_actions(held, other_member, profile) == ["comment"]
    assert allowed_actions(held, people["secretary"], profile) == ["comment"]
    assert "assign" in allowed_actions(held, people["head"], profile)
    assert allowed_actions(held, stranger, profile) == []
    assert "forward" in allowed_actions(held, everywhere, profile)
    act(engine, config, item.id, people["head"], "assign", assignee=other_member.email)
    assert load(engine, item.id).holder == other_member.email
    assert events(engine, item.id)[-1].action == "reassign"
    with pytest.raises(WorkflowError):  # a viewer cannot be given an item
        act(engine, config, item.id, people["head"], "assign", assignee=people["viewer"].email)
    disabled = load(engine, item.id)
    people["member"].disabled = True
    assert allowed_actions(disabled, people["member"], profile) == []


def test_refusal_needs_a_ground_and_tells_the_sender(env) -> None:
    config, engine = env
    profile = config.profile("haiduong-thads")
    people = staff(engine, "haiduong-thads")
    item = make_item(engine, config, profile="haiduong-thads", subject="Bài viết trùng lặp",
                     sender_address="tacgia@thads-haiduong.example.vn")
    with pytest.raises(WorkflowError):
        act(engine, config, item.id, people["head"], "refuse", ground="zz")
    assert events(engine, item.id)[-1].action == "received"  # nothing written by the failed attempt
    act(engine, config, item.id, people["head"], "refuse", ground="d", comment="Đã đăng ngày 02/5")
    done = load(engine, item.id)
    assert done.state == REFUSED and done.holder is None
    ev = events(engine, item.id)[-1]
    assert ev.action == "refuse" and profile.refusal_grounds["d"] in ev.comment and "Đã đăng ngày 02/5" in ev.comment
    [mail] = outbox(engine, item.id, "refusal")
    assert mail.to_addrs == "tacgia@thads-haiduong.example.vn"
    assert "Không đăng tải" in mail.subject and item.tracking_code in mail.subject
    assert profile.refusal_grounds["d"] in mail.body_text and "Đã đăng ngày 02/5" in mail.body_text
    assert "Điều 10.2.d" in mail.body_html


def test_return_for_correction_emails_the_sender_each_time(env) -> None:
    config, engine = env
    people = staff(engine, "kontum-stp")
    item = make_item(engine, config, profile="kontum-stp", subject="Tin hoạt động thiếu ảnh",
                     sender_address="ctv@stp-kontum.example.vn",
                     problems=[problem("news.missing_photo", article="Điều 9.1.b")])
    with pytest.raises(WorkflowError):
        act(engine, config, item.id, people["secretary"], "return")  # what to fix must be said
    act(engine, config, item.id, people["secretary"], "return", comment="Bổ sung 2 ảnh hội nghị")
    assert load(engine, item.id).state == RETURNED
    act(engine, config, item.id, people["secretary"], "reopen")
    assert load(engine, item.id).state == IN_REVIEW
    act(engine, config, item.id, people["secretary"], "return", comment="Ảnh còn mờ, gửi ảnh gốc")
    mails = outbox(engine, item.id, "correction")
    assert len(mails) == 2 and len({m.dedupe_key for m in mails}) == 2
    assert all(m.to_addrs == "ctv@stp-kontum.example.vn" for m in mails)
    assert "Bổ sung 2 ảnh hội nghị" in mails[0].body_text and "Ảnh còn mờ" in mails[1].body_text
    assert "ảnh minh họa" in mails[0].body_text  # the report's problem, with how to fix it


def test_change_of_category_recomputes_the_deadline(env) -> None:
    config, engine = env
    profile = config.profile("binhphuoc-stp")
    people = staff(engine, "binhphuoc-stp")
    received = datetime(2026, 4, 28, 9, 0, tzinfo=VN)
    item = make_item(engine, config, profile="binhphuoc-stp", category="other", received_at=received)
    cal = WorkCalendar.for_profile(profile, config)
    assert load(engine, item.id).deadline == compute_deadline(profile.categories["other"], received, True, cal)
    issued = datetime(2026, 4, 27, 0, 0, tzinfo=VN)
    act(engine, config, item.id, people["secretary"], "change_category", category="directive", anchor_at=issued,
        anchor_has_time=False)
    changed = load(engine, item.id)
    expected = compute_deadline(profile.categories["directive"], issued, False, cal)
    assert (changed.category, changed.anchor_kind, changed.anchor_has_time) == ("directive", "issued", False)
    assert changed.deadline == expected
    # 27/4 + 2 working days: 28/4 and 29/4 (30/4 and 1/5 are holidays) -> 29/4 17:00
    assert changed.deadline.astimezone(VN) == datetime(2026, 4, 29, 17, 0, tzinfo=VN)
    ev = events(engine, item.id)[-1]
    assert ev.action == "change_category" and "Văn bản quản lý nhà nước" in ev.comment
    # a category with another kind of anchor and no date given: counted from receipt
    act(engine, config, item.id, people["secretary"], "change_category", category="news")
    news = load(engine, item.id)
    assert news.anchor_kind == "received" and news.anchor_at == received
    assert news.deadline == compute_deadline(profile.categories["news"], received, True, cal)
    with pytest.raises(WorkflowError):
        act(engine, config, item.id, people["secretary"], "change_category", category="nope")


def test_one_transaction_and_stale_pages(env) -> None:
    """The change, its event and its email are one unit: rolled back together."""
    config, engine = env
    people = staff(engine, "thainguyen-thads")
    item = make_item(engine, config)
    with Session(engine, expire_on_commit=False) as s:
        fresh = s.get(Item, item.id)
        board.act(s, fresh, people["head"], "refuse", config=config, ground="a")
        assert s.exec(select(Outbox).where(Outbox.item_id == item.id)).first() is not None
        s.rollback()
    assert load(engine, item.id).state == NEW
    assert [e.action for e in events(engine, item.id)] == ["received"] and outbox(engine, item.id) == []

    # a page shown before someone else acted: the action is refused, not applied to the new state
    act(engine, config, item.id, people["secretary"], "take", expected_state=NEW, expected_step="triage")
    with pytest.raises(StaleItem):
        act(engine, config, item.id, people["head"], "refuse", ground="a", expected_state=NEW,
            expected_step="triage")
    assert load(engine, item.id).state == IN_REVIEW


def planned(engine, item_id: int) -> list[ReminderRow]:
    with Session(engine) as s:
        return list(s.exec(select(ReminderRow).where(ReminderRow.item_id == item_id,
                                                     ReminderRow.status == "planned")))


def test_reminders_follow_the_holder_and_stop_when_closed(env) -> None:
    config, engine = env
    people = staff(engine, "thainguyen-thads")
    item = make_item(engine, config, received_at=datetime.now(VN))
    with Session(engine) as s:
        s.add(ReminderRow(item_id=item.id, kind="due_now", due_at=utcnow() + timedelta(hours=3)))
        s.commit()
    act(engine, config, item.id, people["secretary"], "take")
    rows = planned(engine, item.id)
    assert rows and all(people["secretary"].email in (r.recipient or "") for r in rows)
    act(engine, config, item.id, people["head"], "refuse", ground="e")
    assert planned(engine, item.id) == []
    assert REFUSED in CLOSED_STATES


def test_failed_items_only_take_comments(env) -> None:
    config, engine = env
    profile = config.profile("thainguyen-thads")
    people = staff(engine, "thainguyen-thads")

    with Session(engine, expire_on_commit=False) as s:
        broken = s.get(Item, make_item(engine, config).id)
        broken.state = "failed"
        s.add(broken)
        s.commit()
    assert allowed_actions(broken, people["admin"], profile) == ["comment"]
    with pytest.raises(NotAllowed):
        act(engine, config, broken.id, people["admin"], "take")
    act(engine, config, broken.id, people["admin"], "comment", comment="Chờ sửa bộ đọc PDF")
    assert events(engine, broken.id)[-1].comment == "Chờ sửa bộ đọc PDF"
