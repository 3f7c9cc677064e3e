"""Engine and sessions: SQLite (WAL) by default, PostgreSQL by URL.

The schema is created and upgraded by Alembic (tinbai/queue/migrations), so a
database made by an older tinbai is brought up to date on start.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from tinbai.config import Config
from tinbai.queue.directory import import_from_config

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            # WAL: readers (the web pages) never block the writer (the daemon)
            cur.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a commit is in the WAL file when it returns, safe from a killed process but
            # not yet from a power cut. The ingest calls make_durable() before it marks or moves
            # messages on the server (a batch at a time), so no message leaves the mailbox before
            # its item is on disk; FULL spent an fsync a commit (~3 ms, a fifth of the daemon's
            # storing thread on the issue-18 bench). A review or a handed submission saved in the
            # pages may be lost to a power cut in the moment after it (never to a crash).
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):
            # take the write lock at BEGIN so that two writers queue up on busy_timeout
            # instead of failing with "database is locked" on upgrade from a read lock
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_conn, _record):
            dbapi_conn.isolation_level = None

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def make_durable(engine: Engine) -> None:
    """Every transaction committed so far is on disk: the WAL file fsynced (SQLite in WAL mode with
    synchronous=NORMAL writes a commit to it without a sync). PostgreSQL's commits are durable
    when they return (synchronous_commit), so nothing is done there."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    for path in (f"{url.database}-wal", url.database):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # no WAL (checkpointed and removed): the database file holds every commit
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_db(config: Config) -> Engine:
    """The configured database, its schema brought up to the newest revision, the board's
    directory imported from config.toml on first start."""
    engine = make_engine(config.database_url())
    migrate(engine)
    import_from_config(engine, config)
    return engine


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


