"""Chasing the units and the daily posting duty: planned on the working calendar, listed by
`main.py reminders --at`, sent once per period through the outbox whatever the restarts and
the number of instances."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tests.duties_fixtures import (
    HEAD,
    PROFILE,
    SECRETARY,
    board_members,
    decide,
    without_configured_directory,
)
from tests.web_fixtures import VN, make_config, make_item
from tinbai.cli import main
from tinbai.duties import jobs
from tinbai.duties.jobs import duties_at, run_duties
from tinbai.queue.models import DutyRun, Outbox
from tinbai.queue.schema import open_db

CHASING_DAY = datetime(2026, 11, 20, 9, 0, tzinfo=VN)  # the 15th working day of November 2026, a Friday
SUNDAY = datetime(2026, 11, 22, 9, 0, tzinfo=VN)
HOLIDAY = datetime(2026, 11, 24, 15, 30, tzinfo=VN)  # Ngày Văn hóa Việt Nam, a day off from 2026
WORKDAY_AFTERNOON = datetime(2026, 11, 25, 15, 30, tzinfo=VN)  # a Wednesday, after the 15:00 check


@pytest.fixture
def env(tmp_path: Path):
    cfg = without_configured_directory(make_config(tmp_path))
    cfg.database.url = f"sqlite:///{tmp_path / 'queue.db'}"
    engine = open_db(cfg)
    users = board_members(engine, cfg)
    # two units sent items this month, two sent nothing
    a = make_item(engine, cfg, profile=PROFILE, sender_address="an.lv@hctp.example.vn", sender_name="Lê Văn An",
                  received_at=datetime(2026, 11, 5, 9, tzinfo=VN), category="news")
    make_item(engine, cfg, profile=PROFILE, sender_address="binh.tt@pbgd.example.vn", sender_name="Trần Thị Bình",
              received_at=datetime(2026, 11, 6, 9, tzinfo=VN), category="news")
    conf = tmp_path / "config.toml"
    text = Path(cfg.path).read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///var/tinbai.db"', f'url = "sqlite:///{tmp_path / "queue.db"}"')
    conf.write_text(text.replace('var_dir = "var"', f'var_dir = "{tmp_path / "var"}"'), encoding="utf-8")
    return cfg, engine, users, a.id, conf


def listed(conf: Path, at: datetime, capsys) -> list[dict]:
    assert main(["--config", str(conf), "reminders", "--at", at.isoformat(), "--json"]) == 0
    return [r for r in json.loads(capsys.readouterr().out) if "job" in r]


def test_chasing_on_the_profiles_day_not_before_not_on_sundays_or_holidays(env, capsys) -> None:
    cfg, engine, users, _, conf = env
    got = listed(conf, CHASING_DAY, capsys)
    chase = [r for r in got if r["job"] == "chasing"]
    by_about = {r["about"]: r for r in chase}
    # below quota (binhphuoc Art. 9.4: at least 1 a month) and reachable: an email each
    assert by_about["Thanh tra Sở"]["recipients"] == ["thanhtra@ttra.example.vn"]  # its focal person
    assert "Phòng Công chứng" not in by_about  # no address: only the summary names it
    assert "Phòng Hành chính tư pháp" not in by_about and "Phòng Phổ biến pháp luật" not in by_about  # met
    assert by_about["Trưởng Ban Biên tập"]["recipients"] == [HEAD] and \
        by_about["Trưởng Ban Biên tập"]["email_kind"] == "chasing_summary"
    assert listed(conf, datetime(2026, 11, 19, 9, tzinfo=VN), capsys) == []  # the day before: nothing yet
    assert listed(conf, SUNDAY, capsys) == []
    assert listed(conf, HOLIDAY, capsys) == []
    # the text listing names the duty
    assert main(["--config", str(conf), "reminders", "--at", CHASING_DAY.isoformat()]) == 0
    assert "Đôn đốc định mức" in capsys.readouterr().out


def test_daily_duty_on_a_working_day_without_a_post_only(env, capsys) -> None:
    cfg, engine, users, item_id, conf = env
    got = [r for r in listed(conf, WORKDAY_AFTERNOON, capsys) if r["job"] == "daily_post"]
    assert len(got) == 1 and got[0]["recipients"] == sorted([HEAD, SECRETARY])
    assert "25/11/2026" in got[0]["email_subject"]
    assert [r for r in listed(conf, datetime(2026, 11, 25, 14, 0, tzinfo=VN), capsys)
            if r["job"] == "daily_post"] == []  # before the set time (15:00)
    assert [r for r in listed(conf, datetime(2026, 11, 28, 15, 30, tzinfo=VN), capsys)
            if r["job"] == "daily_post"] == []  # a Saturday
    assert [r for r in listed(conf, HOLIDAY, capsys) if r["job"] == "daily_post"] == []
    decide(engine, cfg, users["head"], item_id, "publish", datetime(2026, 11, 25, 10, tzinfo=VN))
    assert [r for r in listed(conf, WORKDAY_AFTERNOON, capsys) if r["job"] == "daily_post"] == []  # posted


def test_the_same_job_run_twice_sends_once(env) -> None:
    cfg, engine, users, _, _ = env
    first = run_duties(engine, cfg, now=CHASING_DAY)
    assert first == 2  # Thanh tra Sở, and the head's summary
    # a restart, a second instance, a later tick the same month: nothing more
    assert run_duties(engine, cfg, now=CHASING_DAY) == 0
    assert run_duties(engine, cfg, now=datetime(2026, 11, 23, 10, tzinfo=VN)) == 0
    assert duties_at(engine, cfg, CHASING_DAY) == []
    with Session(engine) as s:
        rows = s.exec(select(Outbox).where(Outbox.kind.in_(("chasing", "chasing_summary")))).all()
        runs = s.exec(select(DutyRun).where(DutyRun.job == "chasing", DutyRun.profile == PROFILE)).all()
    assert len(rows) == 2 and [(r.profile, r.period, r.emails) for r in runs] == [(PROFILE, "2026-11", 2)]
    chase = next(r for r in rows if r.kind == "chasing")
    # stable Message-ID per job and period; the text says what the regulation asks and what was sent
    assert chase.message_id.startswith("<tinbai.chasing.") and "Điều 9.4" in chase.body_text
    assert "từ 01 đến 02 tin, bài/01 tháng" in chase.body_text and "0 tin, bài" in chase.body_text
    summary = next(r for r in rows if r.kind == "chasing_summary")
    assert "Phòng Công chứng" in summary.body_text and "CHƯA CÓ ĐỊA CHỈ THƯ" in summary.body_text
    # the daily duty: once per working day
    assert run_duties(engine, cfg, now=WORKDAY_AFTERNOON) == 1
    assert run_duties(engine, cfg, now=WORKDAY_AFTERNOON.replace(minute=45)) == 0


def test_a_racing_instance_finds_the_duty_done(env) -> None:
    """Two instances decide the same duty: the second one's transaction fails on the unique
    keys and writes nothing (PostgreSQL or SQLite alike)."""
    cfg, engine, users, _, _ = env
    with Session(engine) as s:
        plans = list(jobs.due(s, cfg, cfg.profile(PROFILE), CHASING_DAY, jobs.WorkCalendar.for_profile(
            cfg.profile(PROFILE), cfg), jobs.Directory.load(s)))
    (job, period, mails), = [p for p in plans if p[0] == "chasing"]
    assert jobs._write(engine, cfg, PROFILE, job, period, mails, CHASING_DAY) == 2
    # the other instance had planned the same before the first committed
    with pytest.raises(IntegrityError):
        jobs._write(engine, cfg, PROFILE, job, period, mails, CHASING_DAY)
    with Session(engine) as s:
        assert len(s.exec(select(Outbox).where(Outbox.kind == "chasing")).all()) == 1
