"""Engine and sessions: SQLite (WAL) by default, PostgreSQL by URL.

On SQLite a transaction that may write begins IMMEDIATE (it takes the write lock at BEGIN, so
two writers queue up on busy_timeout instead of failing when a read lock cannot be upgraded);
a read-only one (`read_session`: the review pages, `status`) begins DEFERRED and, under WAL,
never waits for the daemon's writes. `read_then_write` runs a read that now and then has
something to write (a sign-in session's last use, a first look at an item) as a read, and again
as a write only when it did. PostgreSQL needs none of this: its readers never wait for writers.

The schema is created and upgraded by Alembic in tinbai.queue.schema (open_db), so a database
made by an older tinbai is brought up to date on start; the daemon has that done in a child
process (open_db_apart) and never imports Alembic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidRequestError
from sqlmodel import Session, create_engine

from tinbai.apart import run_apart
from tinbai.config import Config

# the schema brought up to date and the directory imported, in a child process, by name
PREPARE = "tinbai.queue.schema:prepare"
READ_ONLY = "tinbai_read_only"  # the execution option of a read_session's connections
_READ_STATEMENTS = ("SELECT", "WITH", "PRAGMA", "BEGIN", "ROLLBACK", "COMMIT")
T = TypeVar("T")


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
        def _begin(conn):
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")  # deferred: a WAL reader never waits for the writer
            else:
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


def open_db_apart(config: Config) -> Engine:
    """open_db (tinbai.queue.schema) with the schema's work done in a child process (tinbai.apart):
    the daemon holds no Alembic (~12 MB, used once at start). Not for an in-memory database,
    which a child cannot reach."""
    run_apart(PREPARE, config)
    return make_engine(config.database_url())


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


@event.listens_for(Engine, "before_cursor_execute")
def _reads_only(conn, _cursor, statement: str, _params, _context, _many) -> None:
    # a read session that tries to write would upgrade its read lock: refuse it loudly (a bug)
    if conn.get_execution_options().get(READ_ONLY) and not statement.lstrip().upper().startswith(_READ_STATEMENTS):
        raise InvalidRequestError(f"a read-only session may not run: {statement.split(None, 1)[0]}")


class ReadSession(Session):
    """A session that only reads: it never takes the write lock, and refuses to flush changes."""

    def flush(self, objects=None) -> None:
        if self.new or self.dirty or self.deleted:
            raise InvalidRequestError("a read-only session has changes to write: use a write session")
        super().flush(objects)


def read_engine(engine: Engine) -> Engine:
    """`engine` whose transactions begin DEFERRED (the same pool of connections)."""
    return engine.execution_options(**{READ_ONLY: True})


@contextmanager
def read_session(engine: Engine):
    with ReadSession(read_engine(engine), expire_on_commit=False, autoflush=False) as s:
        yield s


def read_then_write(engine: Engine, work: Callable[[Session], T]) -> T:
    """`work(session)` in a read transaction; when it left changes, again in a write transaction
    (from the start: what it read may have changed meanwhile), committed. Returns what it returned."""
    with read_session(engine) as s:
        result = work(s)
        if not (s.new or s.dirty or s.deleted):
            return result
        s.expunge_all()  # its changes are dropped; they are made again below
    with Session(engine, expire_on_commit=False) as s:
        result = work(s)
        s.commit()
        return result


