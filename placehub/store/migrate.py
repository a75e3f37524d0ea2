"""Bring a catalogue's schema to the newest version with Alembic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade_to_head(engine: Engine) -> None:
    import placehub.store.models  # noqa: F401  (registers every table on Base.metadata)
    from placehub.store.db import Base

    versions = MIGRATIONS / "versions"
    if not any(versions.glob("*.py")):
        # Before the first migration is written (development only), create tables straight from the models.
        Base.metadata.create_all(engine)
        return
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
