"""A tiny vault (gazetteer, loads, records, current_records) laid out as docs/vault.md, for matching tests."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from placehub.settings import Settings
from placehub.store import Vault

# uprn | address | postcode | classification | lsoa | ward | x | y
_GAZETTEER = """
100000000001 | 1 HIGH STREET, FAIRWATER, ASHCOMBE | YQ1 1AA | RD04 | E01000001 | E05000001 | 100 | 200
100000000002 | 2 HIGH STREET, FAIRWATER, ASHCOMBE | YQ1 1AA | RD04 | E01000001 | E05000001 | 101 | 201
100000000003 | 3 HIGH STREET, FAIRWATER, ASHCOMBE | YQ1 1AA | RD04 | E01000001 | E05000001 | 102 | 202
100000000004 | 4 HIGH STREET, FAIRWATER, ASHCOMBE | YQ1 1AA | CR   | E01000001 | E05000001 | 103 | 203
100000000005 | FLAT 1, 5 HIGH STREET, FAIRWATER, ASHCOMBE | YQ1 1AB | RD06 | E01000001 | E05000001 | 104 | 204
100000000006 | FLAT 2, 5 HIGH STREET, FAIRWATER, ASHCOMBE | YQ1 1AB | RD06 | E01000001 | E05000001 | 104 | 204
100000000007 | ROSE COTTAGE, MILL LANE, FAIRWATER, ASHCOMBE | YQ1 2BB | RD02 | E01000002 | E05000001 | 110|210
100000000008 | 12 MILL LANE, FAIRWATER, ASHCOMBE | YQ1 2BB | RD03 | E01000002 | E05000001 | 111 | 211
100000000009 | 14 MILL LANE, FAIRWATER, ASHCOMBE | YQ1 2BB | RD03 | E01000002 | E05000001 | 112 | 212
100000000010 | 7 CHURCH ROAD, WESTFIELD, ASHCOMBE | YQ2 3CC | RD04 | E01000003 | E05000002 | 120 | 220
100000000011 | 9 CHURCH ROAD, WESTFIELD, ASHCOMBE | YQ2 3CC | RD04 | E01000003 | E05000002 | 121 | 221
100000000012 | 11 CHURCH ROAD, WESTFIELD, ASHCOMBE | YQ2 3CC | RD04 | E01000003 | E05000002 | 122 | 222
100000000013 | 1 STATION ROAD, WESTFIELD, ASHCOMBE | YQ2 4DD | RD04 | E01000003 | E05000002 | 130 | 230
100000000014 | 3 STATION ROAD, WESTFIELD, ASHCOMBE | YQ2 4DD | RD04 | E01000003 | E05000002 | 131 | 231
100000000015 | 5 STATION ROAD, WESTFIELD, ASHCOMBE | YQ2 4DD | RD04 | E01000003 | E05000002 | 132 | 232
"""
GAZETTEER = [
    tuple(v.strip() for v in line.split("|")[:6]) + tuple(float(v) for v in line.split("|")[6:])
    for line in _GAZETTEER.strip().splitlines()
]

RECORD_COLUMNS = (
    "source VARCHAR, load_id BIGINT, row_number BIGINT, record_id VARCHAR, nhs_number VARCHAR, "
    "first_name VARCHAR, middle_name VARCHAR, surname VARCHAR, full_name VARCHAR, dob DATE, sex VARCHAR, "
    "address VARCHAR, postcode VARCHAR, uprn_supplied VARCHAR, phone VARCHAR, email VARCHAR, "
    "date_of_death DATE, household_id VARCHAR"
)


def write_gazetteer(con: duckdb.DuckDBPyConnection) -> None:
    """The small gazetteer (``GAZETTEER``) as the vault's ``gazetteer`` table."""
    con.execute(
        "create table gazetteer (uprn VARCHAR, parent_uprn VARCHAR, usrn VARCHAR, address VARCHAR, "
        "postcode VARCHAR, sub_building VARCHAR, building_name VARCHAR, building_number VARCHAR, "
        "street VARCHAR, locality VARCHAR, town VARCHAR, classification VARCHAR, x DOUBLE, y DOUBLE, "
        "lsoa VARCHAR, msoa VARCHAR, ward VARCHAR, load_id BIGINT)"
    )
    con.executemany(
        "insert into gazetteer (uprn, address, postcode, classification, lsoa, msoa, ward, x, y, "
        "load_id) values (?, ?, ?, ?, ?, 'E02000001', ?, ?, ?, 1)",
        [list(g) for g in GAZETTEER],
    )


def make_vault(settings: Settings) -> None:
    with Vault(settings.vault_path).connect() as con:
        write_gazetteer(con)
        con.execute(f"create table records ({RECORD_COLUMNS})")
        con.execute(
            "create table loads (load_id BIGINT, source VARCHAR, kind VARCHAR, loaded_at TIMESTAMP, "
            "rows_accepted BIGINT, rows_rejected BIGINT)"
        )
        con.execute(
            "create or replace view current_records as select r.* from records r join "
            "(select source, max(load_id) as load_id from loads where kind = 'source' group by source) c "
            "on r.source = c.source and r.load_id = c.load_id"
        )


def add_load(
    settings: Settings, source: str, load_id: int, rows: Sequence[tuple[str, str, str | None, str | None]]
) -> None:
    """A new load of ``source``: rows of (record_id, address, postcode, uprn_supplied)."""
    with Vault(settings.vault_path).connect() as con:
        con.execute(
            "insert into loads values (?, ?, 'source', now()::TIMESTAMP, ?, 0)", [load_id, source, len(rows)]
        )
        con.executemany(
            "insert into records (source, load_id, row_number, record_id, surname, address, postcode, "
            "uprn_supplied) values (?, ?, ?, ?, 'X', ?, ?, ?)",
            [[source, load_id, i + 1, r[0], r[1], r[2], r[3]] for i, r in enumerate(rows)],
        )


def matches(settings: Settings, source: str) -> list[tuple]:
    with Vault(settings.vault_path).connect(read_only=True) as con:
        return con.execute(
            "select record_id, uprn, method, status from matches where source = ? order by record_id",
            [source],
        ).fetchall()


def vault_con(settings: Settings) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(settings.vault_path), read_only=True)
