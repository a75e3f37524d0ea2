"""The ingest tables in the vault (docs/vault.md): raw_<source>, records, rejects, loads, current_records."""

from __future__ import annotations

import re

import duckdb

from placehub.errors import ContractError
from placehub.ingest.contract import Contract, FieldSpec

RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),
    ("load_id", "BIGINT"),
    ("row_number", "BIGINT"),
    ("record_id", "VARCHAR"),
    ("nhs_number", "VARCHAR"),
    ("first_name", "VARCHAR"),
    ("middle_name", "VARCHAR"),
    ("surname", "VARCHAR"),
    ("full_name", "VARCHAR"),
    ("dob", "DATE"),
    ("sex", "VARCHAR"),
    ("address", "VARCHAR"),
    ("postcode", "VARCHAR"),
    ("uprn_supplied", "VARCHAR"),
    ("phone", "VARCHAR"),
    ("email", "VARCHAR"),
    ("shared_id", "VARCHAR"),
    ("date_of_death", "DATE"),
    ("household_id", "VARCHAR"),
)
# records column ← role (only the UPRN a partner sends is renamed: it is a claim to check, not a match)
ROLE_COLUMN = {"uprn": "uprn_supplied"}

SQL_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "year": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "boolean": "BOOLEAN",
}


def sql_type(spec: FieldSpec) -> str:
    return SQL_TYPES.get(spec.type, "VARCHAR")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def raw_table(source: str) -> str:
    """``raw_<source>``, anything but letters, digits and _ made _ (shielded-list → raw_shielded_list)."""
    return "raw_" + re.sub(r"[^0-9A-Za-z_]", "_", source)


def ensure_common(con: duckdb.DuckDBPyConnection) -> None:
    cols = ", ".join(f"{n} {t}" for n, t in RECORD_COLUMNS)
    con.execute(f"create table if not exists records ({cols})")
    # A vault made before a role was added gains its column (empty for the records already there).
    for name, sql_type in RECORD_COLUMNS:
        con.execute(f"alter table records add column if not exists {name} {sql_type}")
    con.execute(
        "create table if not exists rejects (source VARCHAR, load_id BIGINT, row_number BIGINT, raw JSON, "
        "reasons VARCHAR[])"
    )
    con.execute(
        "create table if not exists loads (load_id BIGINT, source VARCHAR, kind VARCHAR, "
        "loaded_at TIMESTAMP, rows_accepted BIGINT, rows_rejected BIGINT)"
    )
    # The current records of a source are those of its newest successful load (a load supersedes the last).
    con.execute(
        "create or replace view current_records as select r.* from records r join "
        "(select source, max(load_id) as load_id from loads where kind = 'source' group by source) c "
        "on r.source = c.source and r.load_id = c.load_id"
    )


def ensure_raw(con: duckdb.DuckDBPyConnection, contract: Contract) -> str:
    """Create ``raw_<source>`` or add the contract's new columns; a column whose type changed is refused."""
    table = raw_table(contract.name)
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = ?", [table]
    ).fetchone()[0]
    if not exists:
        cols = ", ".join(f"{quote(f.name)} {sql_type(f)}" for f in contract.fields)
        con.execute(f"create table {quote(table)} ({cols}, _load_id BIGINT, _row_number BIGINT)")
        return table
    have = {
        r[0].casefold(): (r[0], r[1])
        for r in con.execute(
            "select column_name, data_type from information_schema.columns where table_name = ?", [table]
        ).fetchall()
    }
    for f in contract.fields:
        got = have.get(f.name.casefold())
        if got is None:
            con.execute(f"alter table {quote(table)} add column {quote(f.name)} {sql_type(f)}")
        elif got[1] != sql_type(f):
            raise ContractError(
                f"Column '{f.name}' of {table} holds {got[1]} from earlier loads, but the contract for "
                f"'{contract.name}' now says {f.type}: keep the type, or give the field a new name."
            )
    return table
