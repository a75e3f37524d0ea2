"""Small contracts and checks shared by the ingest tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import func, select

from placehub.settings import Settings
from placehub.store import open_catalogue
from placehub.store.models_ingest import Load

PEOPLE_HEADER = ["person_id", "nhs_number", "surname", "date_of_birth", "address_1", "postcode"]


def write_contract(settings: Settings, name: str, descriptor: dict[str, Any]) -> Path:
    d = settings.home / "contracts"
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{name}.json"
    path.write_text(json.dumps({"name": name, **descriptor}), encoding="utf-8")
    return path


def people_contract(settings: Settings, name: str = "people", **fmt: Any) -> Path:
    return write_contract(
        settings,
        name,
        {
            "kind": "source",
            "format": {"delimiter": ",", **fmt},
            "schema": {
                "fields": [
                    {"name": "person_id", "type": "string", "constraints": {"required": True}},
                    {"name": "nhs_number", "type": "string"},
                    {"name": "surname", "type": "string", "constraints": {"required": True}},
                    {"name": "date_of_birth", "type": "date", "format": "uk"},
                    {"name": "address_1", "type": "string"},
                    {"name": "postcode", "type": "string"},
                ]
            },
            "roles": {
                "record_id": "person_id",
                "nhs_number": "nhs_number",
                "surname": "surname",
                "dob": "date_of_birth",
                "address": ["address_1"],
                "postcode": "postcode",
            },
        },
    )


def csv_text(rows: list[list[str]], header: list[str] = PEOPLE_HEADER, sep: str = ",") -> str:
    return "".join(sep.join(r) + "\r\n" for r in [header, *rows])


def vault_counts(settings: Settings) -> dict[str, int]:
    """Rows in every vault table (an absent vault or table counts as empty)."""
    if not settings.vault_path.exists():
        return {}
    con = duckdb.connect(str(settings.vault_path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        con.close()


def catalogue_loads(settings: Settings) -> int:
    cat = open_catalogue(settings.database_url)
    try:
        with cat.session() as s:
            return s.scalar(select(func.count()).select_from(Load)) or 0
    finally:
        cat.dispose()


def stored_files(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.files_dir.iterdir()) if settings.files_dir.exists() else []


def assert_nothing_written(settings: Settings) -> None:
    """No vault rows, no catalogue load, no stored (or half-stored) file."""
    assert {t: n for t, n in vault_counts(settings).items() if n} == {}
    assert catalogue_loads(settings) == 0
    assert stored_files(settings) == []
