"""The one SQL statement that reads person-level rows for an access, with each row flagged in or out of scope.

Geography follows the record's matched UPRN (``matches``, status auto or reviewed) to the gazetteer's ward and
LSOA; a record without a matched UPRN is out of scope, because its place cannot be shown to be covered.
Partner workers see only records assigned to their organisation for the purpose (``assignments``). Column
names come from a validated agreement checked against the source's contract, never from request text.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import duckdb

from placehub.store import Vault

ASSIGNMENTS_DDL = (
    "create table if not exists assignments ("
    "purpose varchar not null, organisation varchar not null, source varchar not null, "
    "record_id varchar not null, assigned_at timestamp default current_timestamp)"
)


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_assignments(con: duckdb.DuckDBPyConnection) -> None:
    """The table the act stage fills: which organisation works which record for which purpose."""
    con.execute(ASSIGNMENTS_DDL)


def try_ensure_assignments(vault: Vault, con: duckdb.DuckDBPyConnection) -> None:
    """Create ``assignments`` if missing and the connection may write (a read-only one reads it as empty)."""
    if not vault.has_table(con, "assignments"):
        with contextlib.suppress(duckdb.Error):
            ensure_assignments(con)


def raw_candidates(source: str) -> list[str]:
    """``raw_<source>`` as ingest may have named it (as given, or with non-alphanumerics as underscores)."""
    return [f"raw_{source}", "raw_" + "".join(c if c.isalnum() else "_" for c in source.lower())]


def raw_table(vault: Vault, con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    """``raw_<source>`` as the ingest stage named it (as given, or with non-alphanumerics as underscores)."""
    return next((c for c in raw_candidates(source) if vault.has_table(con, c)), None)


# Every vault table ``flagged_rows_sql`` (and the review door's query) reads, besides the source's raw table:
# a governed read remembered from memory stays only while none of them has changed (store.memo). A test
# checks the SQL against this list: add a table here when a query starts reading it.
SCOPE_TABLES = frozenset({"records", "current_records", "loads", "matches", "gazetteer", "assignments",
                          "person_records"})  # fmt: skip


def read_tables(source: str) -> frozenset[str]:
    """The vault tables a governed read of ``source`` may read."""
    return SCOPE_TABLES | frozenset(raw_candidates(source))


@dataclass(frozen=True)
class ScopeFilter:
    whole_place: bool
    wards: tuple[str, ...]
    lsoas: tuple[str, ...]
    assigned_to: str | None  # organisation whose assignments limit the rows; None: no limit
    purpose: str


def flagged_rows_sql(vault: Vault, con: duckdb.DuckDBPyConnection, raw: str, f: ScopeFilter) -> str:
    """SELECT every current row of the source's raw table with ``__record_id``, ``__nhs_number``,
    ``__person_id``, ``__in_scope`` and ``__assigned`` added.

    Parameters: $source, $wards, $lsoas, $purpose, $organisation.
    """
    base = "current_records" if vault.has_table(con, "current_records") else "records"
    if vault.has_table(con, "matches"):
        matches = (
            "select load_id, record_id, uprn from matches "
            "where source = $source and status in ('auto', 'reviewed') and uprn is not null "
            "qualify row_number() over (partition by load_id, record_id order by matched_at desc nulls "
            "last) = 1"
        )
    else:
        # No matches yet: no record has a proven place (typed from records, so the join keys still compare).
        matches = "select load_id, record_id, null::varchar uprn from rec where false"
    if vault.has_table(con, "gazetteer"):
        # one row per UPRN: the newest gazetteer load's areas
        # only the UPRNs this source's records matched: aggregating the whole gazetteer for every read cost
        # more than the rest of the query
        gazetteer = (
            "select uprn, arg_max(ward, load_id) ward, arg_max(lsoa, load_id) lsoa "
            "from gazetteer where uprn in (select uprn from m) group by uprn"
        )
    else:
        gazetteer = "select null::varchar uprn, null::varchar ward, null::varchar lsoa where false"
    if f.whole_place:
        geo = "g.uprn is not null"
    else:
        geo = "g.uprn is not null and (list_contains($wards, g.ward) or list_contains($lsoas, g.lsoa))"
    if f.assigned_to is None:
        assigned = "true"
    elif not vault.has_table(con, "assignments"):
        assigned = "false"  # nothing has been assigned to anyone yet
    else:
        assigned = (
            "exists (select 1 from assignments a where a.purpose = $purpose "
            "and a.organisation = $organisation and a.source = $source and a.record_id = rec.record_id)"
        )
    if vault.has_table(con, "person_records"):  # the link stage's (source, record_id) → person_id
        persons = (
            "select record_id, any_value(person_id) person_id from person_records "
            "where source = $source group by record_id"
        )
    else:
        persons = "select record_id, null::varchar person_id from rec where false"
    return (
        f"with rec as (select * from {ident(base)} where source = $source), "  # noqa: S608
        f"m as ({matches}), g as ({gazetteer}), pr as ({persons}) "
        f"select r.*, rec.record_id as __record_id, cast(rec.nhs_number as varchar) as __nhs_number, "
        "pr.person_id as __person_id, "
        f"coalesce({geo}, false) as __in_scope, coalesce({assigned}, false) as __assigned "
        f"from {ident(raw)} r "
        "join rec on rec.load_id = r._load_id and rec.row_number = r._row_number "
        "left join m on m.load_id = rec.load_id and m.record_id = rec.record_id "
        "left join g on g.uprn = m.uprn "
        "left join pr on pr.record_id = rec.record_id"
    )


def parameters(f: ScopeFilter, source: str) -> dict[str, object]:
    return {
        "source": source,
        "wards": list(f.wards),
        "lsoas": list(f.lsoas),
        "purpose": f.purpose,
        "organisation": f.assigned_to or "",
    }
