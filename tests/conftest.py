"""Fixtures for every test layer: a fresh placehub home, catalogues on SQLite and PostgreSQL, shared data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from placehub.settings import Settings, get_settings

IN_CI = os.environ.get("CI") == "true"
PG_ADMIN_URL = os.environ.get("PLACEHUB_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh, empty placehub home (SQLite catalogue + DuckDB vault) under tmp_path."""
    monkeypatch.setenv("PLACEHUB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PLACEHUB_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLACEHUB_VAULT", raising=False)
    s = get_settings()
    s.ensure_dirs()
    return s


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (or PLACEHUB_SHARED_DATA). Skips where absent, but never under CI=true."""
    path = get_settings().shared_data
    if not path.is_dir():
        if IN_CI:
            pytest.fail(f"shared data not found at {path}: set PLACEHUB_SHARED_DATA")
        pytest.skip(f"shared data not found at {path}")
    return path


def _pg_available() -> bool:
    try:
        import sqlalchemy as sa

        eng = sa.create_engine(PG_ADMIN_URL)
        with eng.connect():
            pass
        eng.dispose()
        return True
    except Exception:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty PostgreSQL schema, dropped afterwards. Fails (not skips) under CI=true."""
    if not _pg_available():
        if IN_CI:
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL)
    with admin.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def catalogue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test taking this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalogue.db'}"
    return request.getfixturevalue("pg_url")
