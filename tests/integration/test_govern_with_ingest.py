"""Govern on the vault the real ingest loader writes.

Objections are applied at ingest by ``load_file`` itself; then the demo agreements and Access.rows
read the current load only.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from placehub.govern import (
    IdentifierKind,
    Role,
    add_objection,
    add_user,
    open_access,
    set_up_demo_governance,
    verify,
)
from placehub.govern.audit import entries
from placehub.ingest import load_file
from placehub.store import open_catalogue
from tests.integration._govern_helpers import nhs_number

TODAY = date(2026, 11, 25)  # inside the demo agreements' dates
FIELDS = ["SPL_ROW_ID", "NHS_NUMBER", "FORENAME", "SURNAME", "DATE_OF_BIRTH", "ADDRESS_LINE_1", "POSTCODE"]
EMPTY = [
    "TITLE",
    "MIDDLE_NAME",
    "ADDRESS_LINE_2",
    "ADDRESS_LINE_3",
    "ADDRESS_LINE_4",
    "ADDRESS_LINE_5",
    "PHONE",
    "GP_PRACTICE_CODE",
]
ROWS = {
    "SPL0000001": (nhs_number("943476591"), "ADA", "LOVELACE", "10/12/1940", "1 HIGH STREET", "SE6 1AA"),
    "SPL0000002": (nhs_number("401023213"), "ALAN", "TURING", "23/06/1942", "2 HIGH STREET", "SE6 1AA"),
    "SPL0000003": (nhs_number("485777345"), "GRACE", "HOPPER", "09/12/1946", "3 HIGH STREET", "SE6 1AA"),
}


def _csv(path: Path, ids: list[str]) -> Path:
    lines = [",".join(FIELDS + EMPTY)] + [",".join([i, *ROWS[i]] + [""] * len(EMPTY)) for i in ids]
    path.write_text("\n".join(lines) + "\n")
    return path


def _place_records(settings, load_id: int) -> None:  # type: ignore[no-untyped-def]
    """What the match and place stages would write: each record matched to a UPRN in ward E05999001."""
    con = duckdb.connect(str(settings.vault_path))
    con.execute(
        "create table if not exists gazetteer (uprn varchar, lsoa varchar, ward varchar, load_id bigint)"
    )
    con.execute(
        "create table if not exists matches (source varchar, load_id bigint, record_id varchar, "
        "uprn varchar, status varchar, matched_at timestamp)"
    )
    for n, rid in enumerate(ROWS, start=1):
        con.execute("insert into gazetteer values (?, 'E01999001', 'E05999001', 1)", [f"10000000000{n}"])
        con.execute(
            "insert into matches values ('shielded-list', ?, ?, ?, 'auto', now())",
            [load_id, rid, f"10000000000{n}"],
        )
    con.close()


def test_objections_at_ingest_then_governed_reads_of_the_current_load(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    set_up_demo_governance(cat, settings)
    add_user(cat, "ana", "council", Role.ANALYST, None)
    add_objection(cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, ROWS["SPL0000002"][0], recorded_by="ig")

    first = load_file(settings, "shielded-list", _csv(tmp_path / "a.csv", list(ROWS)), user="ingest-test")
    # the objector never reached the vault
    assert (first.rows_accepted, first.rows_rejected, first.rows_objected) == (2, 0, 1)
    ingest_entry = [e for e in entries(cat) if e["action"] == "objections.apply"][-1]
    assert json.loads(ingest_entry["detail"]) == {
        "stage": "ingest",
        "excluded": 1,
        "by_kind": {"nhs_number": 1},
    }

    second = load_file(
        settings, "shielded-list", _csv(tmp_path / "b.csv", ["SPL0000001", "SPL0000003"]), user="ingest-test"
    )
    _place_records(settings, first.load_id)
    _place_records(settings, second.load_id)

    access = open_access(
        cat, settings, username="ana", organisation="council", purpose="shielding-support", today=TODAY
    )
    frame = access.rows("shielded-list", ["SPL_ROW_ID", "SURNAME", "POSTCODE"])
    assert frame.values.tolist() == [
        ["SPL0000001", "LOVELACE", "SE6 1AA"],
        ["SPL0000003", "HOPPER", "SE6 1AA"],
    ]
    assert json.loads(entries(cat)[-1]["detail"])["rows_in_source"] == 2  # load 2 only: load 1 is superseded
    assert verify(cat).ok
    cat.dispose()
