"""The catalogue database: one SQLAlchemy engine, SQLite by default, PostgreSQL by URL.

Domain models live beside their domain in ``placehub/store/models_*.py`` and all share ``Base``; the schema is
created and upgraded by Alembic (``placehub/store/migrations``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Catalogue:
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        with self.sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()


def open_catalogue(url: str, *, upgrade: bool = True) -> Catalogue:
    """Open (and by default create or upgrade) the catalogue at ``url``."""
    engine = make_engine(url)
    if upgrade:
        from placehub.store.migrate import upgrade_to_head

        upgrade_to_head(engine)
    return Catalogue(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
