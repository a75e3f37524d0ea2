"""Bring a catalogue's schema to the newest version with Alembic.

Opening a catalogue checks its version first (one small query) and runs Alembic only when it is behind, so the
many short-lived opens in the CLI and the web app stay cheap. Two processes opening a fresh catalogue at once
are serialised: an advisory lock on PostgreSQL, a retry on SQLite (the loser finds the schema at head).
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x706C6163  # "plac": one advisory-lock key for schema upgrades


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # configparser treats % as interpolation: escape it (URL-encoded options such as search_path use it)
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


@cache
def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None, "no Alembic migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as con:
        if not inspect(con).has_table("alembic_version"):
            return None
        return con.execute(text("select version_num from alembic_version")).scalar()


def upgrade_to_head(engine: Engine) -> None:
    import placehub.store.models  # noqa: F401  (registers every table on Base.metadata)

    if current_revision(engine) == head_revision():
        return
    from alembic import command

    cfg = alembic_config(engine)
    for attempt in range(5):
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("select pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
            return
        except (OperationalError, ProgrammingError):
            # Another process created the schema first (SQLite has no advisory lock): look again.
            if current_revision(engine) == head_revision():
                return
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))
