"""A load is all or nothing: a failure at any step leaves no vault rows, catalogue load or stored file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from placehub.ingest import list_loads, load_file
from placehub.ingest import load as load_module
from placehub.settings import Settings
from placehub.store.models_ingest import LoadStatus
from tests.integration._ingest_helpers import (
    assert_nothing_written,
    catalogue_loads,
    csv_text,
    people_contract,
    stored_files,
    vault_counts,
)

ROWS = [
    ["P1", "943 476 5919", "Jones", "31/01/1948", "12 High Street", "CF47 9UX"],
    ["P2", "943 476 5918", "Evans", "01/02/1950", "1 Low St", "CF47 8AA"],  # rejected: check digit
]


class Injected(RuntimeError):
    pass


@pytest.fixture
def on_catalogue(settings: Settings, catalogue_url: str) -> Settings:
    """The same fresh home, with its catalogue on SQLite and on PostgreSQL."""
    return dataclasses.replace(settings, database_url=catalogue_url)


def _file(tmp_path: Path, name: str = "people.csv", rows: list[list[str]] = ROWS) -> Path:
    f = tmp_path / name
    f.write_text(csv_text(rows), encoding="utf-8")
    return f


def test_a_good_load_writes_vault_catalogue_and_file(on_catalogue: Settings, tmp_path: Path) -> None:
    s = on_catalogue
    people_contract(s)
    f = _file(tmp_path)
    result = load_file(s, "people", f, user="tester")
    assert (result.rows_total, result.rows_accepted, result.rows_rejected) == (2, 1, 1)
    counts = vault_counts(s)
    assert (counts["raw_people"], counts["records"], counts["rejects"], counts["loads"]) == (1, 1, 1, 1)
    [row] = list_loads(s)
    assert (
        row.id,
        row.source,
        row.file_name,
        row.sha256,
        row.rows_total,
        row.rows_accepted,
        row.rows_rejected,
    ) == (
        result.load_id,
        "people",
        "people.csv",
        result.sha256,
        2,
        1,
        1,
    )
    assert (row.status, row.user, row.encoding, row.format, row.kind) == (
        "current",
        "tester",
        "utf-8",
        "csv",
        "source",
    )
    assert row.reason_counts == {"NHS number fails its check digit": 1}
    assert stored_files(s) == [f"{result.sha256}.csv"]
    assert Path(row.stored_path).read_bytes() == f.read_bytes()


def test_failure_between_vault_and_catalogue_writes_leaves_nothing(
    on_catalogue: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = on_catalogue
    people_contract(s)

    def fail(*_args: object) -> list[int]:
        raise Injected("catalogue write failed")

    # Injected after every vault row is written (inside the vault transaction), before the catalogue commits.
    monkeypatch.setattr(load_module, "_finish_catalogue", fail)
    with pytest.raises(Injected):
        load_file(s, "people", _file(tmp_path), user="tester")
    assert_nothing_written(s)


def test_failure_inside_the_vault_write_leaves_nothing(
    on_catalogue: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = on_catalogue
    people_contract(s)

    def fail(*_args: object) -> None:
        raise Injected("disk full")

    # raw_people and records are written by now; the rejects are not.
    monkeypatch.setattr(load_module, "_write_rejects", fail)
    with pytest.raises(Injected):
        load_file(s, "people", _file(tmp_path), user="tester")
    assert_nothing_written(s)


def test_failure_of_the_vault_commit_removes_the_catalogue_row(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people_contract(settings)
    first = load_file(settings, "people", _file(tmp_path, "first.csv", ROWS[:1]), user="tester")

    def fail(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("rollback")
        raise Injected("vault commit failed")

    # The catalogue has committed by the time the vault commits: its row must be taken back.
    monkeypatch.setattr(load_module, "_commit_vault", fail)
    with pytest.raises(Injected):
        load_file(settings, "people", _file(tmp_path, "second.csv"), user="tester")
    [only] = list_loads(settings)
    assert (only.id, only.status) == (first.load_id, LoadStatus.CURRENT.value)
    assert catalogue_loads(settings) == 1
    assert stored_files(settings) == [f"{first.sha256}.csv"]
    assert (vault_counts(settings)["records"], vault_counts(settings)["rejects"]) == (1, 0)


def test_a_failed_reload_of_the_same_file_keeps_the_stored_original(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people_contract(settings)
    f = _file(tmp_path)
    first = load_file(settings, "people", f, user="tester")
    again = load_file(settings, "people", f, user="tester")
    assert (again.sha256, again.stored_path) == (first.sha256, first.stored_path)

    def fail(*_args: object) -> list[int]:
        raise Injected("catalogue write failed")

    monkeypatch.setattr(load_module, "_finish_catalogue", fail)
    with pytest.raises(Injected):
        load_file(settings, "people", f, user="tester")
    assert stored_files(settings) == [f"{first.sha256}.csv"]
    assert [(ld.id, ld.status) for ld in list_loads(settings)] == [
        (again.load_id, "current"),
        (first.load_id, "superseded"),
    ]
