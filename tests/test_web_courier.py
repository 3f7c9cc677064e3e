"""The pages' own delivery thread (tinbai.web.courier) and migration 0003.

The courier and the daemon's delivery job run `deliver_due` at the same moment (a barrier makes
it so) over one outbox: every email reaches the SMTP server once. Migration 0003 brings a
database of revision 0005 (its down revision: it comes last) to the models, and makes the file
names of stored items searchable.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

from tests.servers import SmtpSink
from tests.web_fixtures import make_config
from tinbai.notifier.delivery import deliver_due
from tinbai.notifier.outbox import queue_email
from tinbai.queue.db import make_engine
from tinbai.queue.models import Outbox
from tinbai.queue.schema import MIGRATIONS, migrate
from tinbai.web.courier import Courier


def test_the_courier_and_the_daemon_together_send_each_email_once(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    config = make_config(tmp_path, smtp_port=smtp_sink.port)
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        for n in range(30):
            queue_email(s, kind="assignment", to=[f"nguoi{n}@bbt.test"], subject=f"Thư {n}", body_text="x",
                        dedupe_key=f"test:{n}")
        s.commit()
    both = threading.Barrier(2)
    passes: list[dict[str, int]] = []
    courier = Courier(engine, config, after_pass=passes.append)
    courier._wake.set()  # woken before it starts: its first pass runs at once
    daemon_counts: list[dict[str, int]] = []

    def daemon_job() -> None:
        both.wait()
        daemon_counts.append(deliver_due(engine, config, owner="daemon"))

    job = threading.Thread(target=daemon_job)
    job.start()
    both.wait()
    courier.start()
    job.join(timeout=60)
    got = smtp_sink.wait_for(30, timeout=60)
    courier.stop()
    ids = [m.content.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0] for m in got]
    assert len(ids) == len(set(ids)) == 30
    assert sum(c["sent"] for c in passes + daemon_counts) == 30
    with Session(engine) as s:
        assert {m.status for m in s.exec(select(Outbox))} == {"sent"}
    engine.dispose()


def test_commit_wakes_the_courier_only_when_an_email_was_queued(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    config.smtp.directory = str(tmp_path / "outbox")  # the .eml files of the default transport
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    SQLModel.metadata.create_all(engine)
    courier = Courier(engine, config)
    with Session(engine) as s:
        courier.commit(s)
    assert courier._thread is None  # nothing queued, nothing woken
    done = threading.Event()
    courier.after_pass = lambda counts: done.set() if counts["sent"] else None
    with Session(engine) as s:
        queue_email(s, kind="assignment", to=["a@bbt.test"], subject="Thư", body_text="x", dedupe_key="k")
        courier.commit(s)
    assert done.wait(30)  # the directory transport of the default config wrote it
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    courier.stop()
    engine.dispose()


def test_migration_0003_from_0005(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")  # 0003 comes after 0004 and 0005
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO item (id, profile, mailbox, source_key, raw_sha256, received_at, subject, anchor_has_time, "
            "state, report_json, search_text, attempts, sensitive, created_at, updated_at) VALUES (1, 'p', 'm', 'k', "
            "'x', :t, 'Tin', 1, 'new', '{}', 'tin', 0, 0, :t, :t)"), {"t": now})
        conn.execute(sa.text(
            "INSERT INTO attachment (id, item_id, path, filename, size, detected_type, quarantined, text, facts_json)"
            " VALUES (1, 1, 'Kế hoạch.pdf', 'Kế hoạch.pdf', 1, 'pdf', 0, '', '{}')"))
        conn.execute(sa.text(
            "INSERT INTO user_account (email, password_hash, role, profiles, disabled, failed_logins, "
            "must_change_password, created_at) VALUES ('a@b.vn', 'h', 'admin', '*', 0, 3, 0, :t)"), {"t": now})
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT search_text FROM item")).scalar() == "tin ke hoach.pdf"
        assert conn.execute(sa.text("SELECT email FROM user_account")).scalar() == "a@b.vn"
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diffs == []
    engine.dispose()
