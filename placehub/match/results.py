"""Results: each current record with its match and the gazetteer's attributes, as a view and as files.

``matched_records`` gives the UPRN only where it was accepted (auto or reviewed); a record still waiting for
review or unmatched has no UPRN there, but keeps its status so it is not lost.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from placehub.errors import PlacehubUserError
from placehub.match.errors import NothingToMatch
from placehub.match.run import ensure_matches_table
from placehub.settings import Settings
from placehub.store import Vault

RESULT_COLUMNS = (
    "source", "load_id", "record_id", "address", "postcode", "status", "method", "score", "uprn",
    "classification", "lsoa", "msoa", "ward", "x", "y",
)  # fmt: skip

MATCHED_RECORDS_SQL = """
create or replace view matched_records as
with g as (
    select uprn, any_value(classification) as classification, any_value(lsoa) as lsoa,
           any_value(msoa) as msoa, any_value(ward) as ward, any_value(x) as x, any_value(y) as y
    from gazetteer group by uprn
), m as (
    select *, case when status in ('auto', 'reviewed') then uprn end as accepted_uprn from matches
)
select r.source, r.load_id, r.record_id, r.address, r.postcode,
       coalesce(m.status, 'not matched yet') as status, m.method, m.score, m.accepted_uprn as uprn,
       g.classification, g.lsoa, g.msoa, g.ward, g.x, g.y
from current_records r
left join m on m.source = r.source and m.load_id = r.load_id and m.record_id = r.record_id
left join g on g.uprn = m.accepted_uprn
"""


class BadExport(PlacehubUserError):
    """The export file name is not one placehub can write."""


def ensure_matched_records(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or refresh) the ``matched_records`` view."""
    ensure_matches_table(con)
    con.execute(MATCHED_RECORDS_SQL)


def export_results(settings: Settings, source: str, out: Path) -> int:
    """Write ``source``'s matched records to ``out`` (.csv or .parquet); returns the number of rows."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise BadExport(f"Cannot write '{out.name}': name the file .csv or .parquet.")
    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        raise NothingToMatch("The vault is empty: load a gazetteer and a source, then run `placehub match`.")
    with vault.connect() as con:
        for table in ("gazetteer", "current_records"):
            if not vault.has_table(con, table):
                raise NothingToMatch(f"The vault has no {table} yet: load a gazetteer and a source first.")
        ensure_matched_records(con)
        rel = con.sql(
            f"select {', '.join(RESULT_COLUMNS)} from matched_records where source = ? "  # noqa: S608
            "order by record_id",
            params=[source],
        )
        rows = rel.fetchall()
        if not rows:
            raise NothingToMatch(f"Source '{source}' has no current records.")
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".parquet":
            con.register("__placehub_results", rel.to_arrow_table())
            try:
                con.execute(f"copy __placehub_results to '{_sql_path(out)}' (format parquet)")
            finally:
                con.unregister("__placehub_results")
            return len(rows)
    from placehub.publish.spreadsheet import write_csv

    return write_csv(out, RESULT_COLUMNS, rows)


def _sql_path(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")
