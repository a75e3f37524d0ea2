"""What a cohort build reads, and how: person-level rows only through the builder's ``Access``.

Source rows (dates of birth, phone numbers, who is on which list) come from ``access.rows``, so the
agreement's columns, geography and the objections register apply, and every read is in the audit chain.
Beside them the build reads ids and places only: the link stage's ``person_records`` (source, record id →
person id), ``persons`` and ``households`` (person → UPRN, household, size) and the gazetteer (UPRN → ward,
LSOA, classification).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from placehub.errors import PlacehubUserError
from placehub.govern import Access
from placehub.ingest.contract import contract_from_file, find_contract
from placehub.settings import Settings
from placehub.store import Vault

RECORD_ID = "__record_id"


class NotLinkedYet(PlacehubUserError):
    """Cohorts are built on linked people: person linkage has not run yet."""


@dataclass(frozen=True)
class Place:
    person_id: str
    uprn: str | None
    household_id: str | None
    household_size: int | None
    ward: str | None
    lsoa: str | None
    classification: str | None


def normalise_id(value: object) -> str:
    """A record id as the vault's ``records`` keeps it (trimmed, upper-cased)."""
    return str(value).strip().upper()


# (contract file, size, mtime) → its record_id column: a worklist asks on every page, and checking a contract
# (frictionless validates the whole descriptor) costs more than the rest of the question. A changed file has a
# new key, so an edited contract is read again.
_RECORD_ID_COLUMNS: dict[tuple[str, int, int], str | None] = {}


def record_id_column(settings: Settings, source: str) -> str:
    path = find_contract(settings, source)
    try:
        st = path.stat()
        key: tuple[str, int, int] | None = (str(path), st.st_size, st.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _RECORD_ID_COLUMNS:
        column = _RECORD_ID_COLUMNS[key]
    else:
        column = contract_from_file(path).role_field("record_id")
        if key is not None:
            _RECORD_ID_COLUMNS[key] = column
    if column is None:
        raise PlacehubUserError(
            f"Source '{source}' has no record_id column in its contract, so its people cannot be worked "
            "on one by one: give the contract a record_id role."
        )
    return column


def source_rows(
    access: Access,
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: str,
    columns: list[str],
    *,
    rid: str | None = None,
) -> pd.DataFrame:
    """The source's rows the access allows, with ``__record_id`` (normalised) added; ``rid`` is the source's
    record_id column when the caller has it already."""
    rid = rid or record_id_column(settings, source)
    frame = access.rows(source, list(dict.fromkeys([rid, *columns])), con=con)
    frame[RECORD_ID] = frame[rid].astype(str).str.strip().str.upper()  # normalise_id, column at a time
    return frame


def require_link_tables(vault: Vault, con: duckdb.DuckDBPyConnection) -> None:
    missing = [t for t in ("person_records", "persons", "households") if not vault.has_table(con, t)]
    if missing:
        raise NotLinkedYet(
            f"The vault has no {', '.join(missing)} yet: cohorts are built on linked people. "
            "Run `placehub link run` first."
        )


def person_of_record(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """(normalised) record id → person id for one source, from the link stage."""
    rows = con.execute(
        "select record_id, person_id from person_records where source = ? and person_id is not null", [source]
    ).fetchall()
    return {normalise_id(r): str(p) for r, p in rows}


def places(vault: Vault, con: duckdb.DuckDBPyConnection) -> dict[str, Place]:
    """Each linked person's UPRN, household (and its size) and the gazetteer's areas for the UPRN."""
    if vault.has_table(con, "gazetteer"):
        gaz = (
            "select uprn, arg_max(ward, load_id) ward, arg_max(lsoa, load_id) lsoa, "
            "arg_max(classification, load_id) classification from gazetteer group by uprn"
        )
    else:
        gaz = (
            "select null::varchar uprn, null::varchar ward, null::varchar lsoa, null::varchar classification"
        )
    rows = con.execute(
        f"with g as ({gaz}) "  # noqa: S608 (fixed SQL)
        "select p.person_id, p.uprn, p.household_id, h.size, g.ward, g.lsoa, g.classification "
        "from persons p left join households h on h.household_id = p.household_id "
        "left join g on g.uprn = p.uprn"
    ).fetchall()
    return {
        str(r[0]): Place(
            str(r[0]),
            None if r[1] is None else str(r[1]),
            None if r[2] is None else str(r[2]),
            None if r[3] is None else int(r[3]),
            r[4],
            r[5],
            r[6],
        )
        for r in rows
    }
