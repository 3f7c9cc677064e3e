"""Alembic environment: runs on the connection tinbai.queue.schema.migrate hands over."""

from alembic import context
from sqlmodel import SQLModel

import tinbai.queue.models  # noqa: F401 - registers the tables on SQLModel.metadata

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` command line: build an engine from the URL given with -x url=...
    from tinbai.queue.db import make_engine

    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///var/tinbai.db")
    connection = make_engine(url).connect()

# batch mode: SQLite cannot ALTER most things, Alembic copies the table instead
context.configure(connection=connection, target_metadata=target_metadata,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
