"""The schema the migrations build is the models' (SQLite): a column added to a model without its
migration, or the other way round, fails here rather than on an administrator's upgrade."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from tinbai.queue import models  # noqa: F401 - the tables the metadata holds
from tinbai.queue.db import make_engine
from tinbai.queue.schema import migrate


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    try:
        migrate(engine)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        columns = {c["name"] for c in inspect(engine).get_columns("item")}
        assert {"classified", "deadline_extended"} <= columns  # revision 0006
    finally:
        engine.dispose()
