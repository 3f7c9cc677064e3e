"""The schema: created and upgraded by Alembic (tinbai/queue/migrations), so that a database made
by an older tinbai is brought up to date on start; and open_db, the configured database ready
for use. The daemon has this done in a child process (tinbai.queue.db.open_db_apart), so that it
never imports Alembic; the other commands and the tests call open_db here.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from tinbai.config import Config
from tinbai.queue.db import make_engine
from tinbai.queue.directory import import_from_config
from tinbai.queue.reindex import reindex

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
SENTENCE_ROWS = "0008"  # items stored before this revision have no sentence rows (tinbai.queue.reindex)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, and the data with it: a database upgraded from
    before SENTENCE_ROWS gets its duplicate index rebuilt here (what `main.py queue
    reindex-duplicates` does), so that no one has to run a command after an upgrade."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    older = {r.revision for r in ScriptDirectory.from_config(cfg).iterate_revisions(SENTENCE_ROWS, "base")}
    if before is not None and before != SENTENCE_ROWS and before in older:
        log.info("Xây lại chỉ mục trùng lặp của các mục đã lưu (một lần, sau khi nâng cấp)")
        added, changed = reindex(engine, progress=log.info)
        log.info("Chỉ mục trùng lặp: %d mục thêm câu, %d mục ký lại", added, changed)


def open_db(config: Config) -> Engine:
    """The configured database, its schema brought up to the newest revision, the board's
    directory imported from config.toml on first start."""
    engine = make_engine(config.database_url())
    migrate(engine)
    import_from_config(engine, config)
    return engine


def prepare(config: Config) -> None:
    """open_db's work, for a child process (tinbai.queue.db.open_db_apart); what it logs (an
    upgrade's reindexing) goes to stderr as the daemon's own lines do (tinbai.cli.common)."""
    logging.basicConfig(level=getattr(logging, config.settings.log_level), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    open_db(config).dispose()
