"""The server's schema, through Alembic: new databases are built by the migrations, old
ones upgraded in place.

Before migrations existed the tables were made by ``metadata.create_all``; such a database
has the tables of revision 0001 but no ``alembic_version``, so it is stamped 0001 first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HEAD_REVISION = "0004"
"""The newest revision in migrations/versions; a test keeps it equal to Alembic's head.

Each server process compares the database with this constant and imports Alembic only
when a migration is due.
"""
FIRST_REVISION = "0001"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:  # no such table: a new database, or one from before migrations
            return None


def migrate_to_head(engine: Engine) -> None:
    """Bring the schema to head. Run it once before the server's workers start."""
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return
    from alembic import command

    config = alembic_config(engine)
    if current is None and inspect(engine).has_table("kiosks"):
        command.stamp(config, FIRST_REVISION)
    command.upgrade(config, "head")
