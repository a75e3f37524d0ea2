"""A contract may name a ``shared_id``: another identifier the partners share for a person (a National
Insurance number, a case-system id). It lands in ``records`` and the linkage compares it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from placehub.ingest import load_file
from placehub.ingest.vault_tables import RECORD_COLUMNS, ensure_common
from placehub.link.vault_io import role_select
from placehub.settings import Settings
from tests.integration._ingest_helpers import csv_text, write_contract


def test_a_shared_identifier_is_loaded_as_its_role(settings: Settings, tmp_path: Path) -> None:
    write_contract(
        settings,
        "benefits",
        {
            "kind": "source",
            "format": {"delimiter": ","},
            "schema": {
                "fields": [
                    {"name": "claim_ref", "type": "string", "constraints": {"required": True}},
                    {"name": "surname", "type": "string"},
                    {"name": "ni_number", "type": "string"},
                ]
            },
            "roles": {"record_id": "claim_ref", "surname": "surname", "shared_id": "ni_number"},
        },
    )
    f = tmp_path / "benefits.csv"
    f.write_text(csv_text([["C1", "Jones", "qq 12 34 56 c"]], ["claim_ref", "surname", "ni_number"]))
    result = load_file(settings, "benefits", f, user="tester")
    assert result.rows_accepted == 1
    with duckdb.connect(str(settings.vault_path), read_only=True) as con:
        # what the linkage reads carries it
        sql = f"select record_id, surname, shared_id from (select {role_select(con)} from current_records r)"  # noqa: S608
        got = con.execute(sql).fetchall()
    assert got == [("C1", "JONES", "QQ 12 34 56 C")]


def test_a_vault_from_before_the_role_gains_its_column(tmp_path: Path) -> None:
    older = [(n, t) for n, t in RECORD_COLUMNS if n != "shared_id"]
    with duckdb.connect(str(tmp_path / "vault.duckdb")) as con:
        con.execute(f"create table records ({', '.join(f'{n} {t}' for n, t in older)})")
        con.execute("insert into records (source, record_id, surname) values ('old', '1', 'EVANS')")
        ensure_common(con)
        cols = [r[0] for r in con.execute("select column_name from (describe records)").fetchall()]
        assert "shared_id" in cols
        assert con.execute("select record_id, surname, shared_id from records").fetchall() == [
            ("1", "EVANS", None)
        ]
