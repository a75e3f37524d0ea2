"""Results: each current record with its match and the gazetteer's attributes, as a view and as files.

``matched_records`` gives the UPRN only where it was accepted (auto or reviewed); a record still waiting for
review or unmatched has no UPRN there, but keeps its status so it is not lost. An exported file carries a
record's address and postcode only when asked under a governed access (``export_results(..., access=...)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from placehub.errors import PlacehubUserError
from placehub.match.errors import NothingToMatch
from placehub.match.review import shown_addresses
from placehub.match.run import ensure_matches_table
from placehub.settings import Settings
from placehub.store import Vault

if TYPE_CHECKING:
    from placehub.govern import Access

RESULT_COLUMNS = (
    "source", "load_id", "record_id", "address", "postcode", "status", "method", "score", "uprn",
    "classification", "lsoa", "msoa", "ward", "x", "y",
)  # fmt: skip
# what an export holds without a governed access: no address, no postcode (person-level)
PLAIN_RESULT_COLUMNS = tuple(c for c in RESULT_COLUMNS if c not in ("address", "postcode"))

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


def export_results(settings: Settings, source: str, out: Path, *, access: Access | None = None) -> int:
    """Write ``source``'s matched records to ``out`` (.csv or .parquet); returns the number of rows.

    Without ``access`` the file holds no address or postcode (ids, status, method, score, UPRN and the
    gazetteer's attributes). With one, the ``address`` and ``postcode`` columns are added, filled only for
    the records ``access.review_rows`` returns (action ``match.results.export``: checked against the
    agreement and audited); the others are left empty. A refusal (``NotPermitted``, audited) writes no file.
    """
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise BadExport(f"Cannot write '{out.name}': name the file .csv or .parquet.")
    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        raise NothingToMatch("The vault is empty: load a gazetteer and a source, then run `placehub match`.")
    columns = RESULT_COLUMNS if access is not None else PLAIN_RESULT_COLUMNS
    with vault.connect() as con:
        for table in ("gazetteer", "current_records"):
            if not vault.has_table(con, table):
                raise NothingToMatch(f"The vault has no {table} yet: load a gazetteer and a source first.")
        ensure_matched_records(con)
        plain = ", ".join(PLAIN_RESULT_COLUMNS)
        ids = [
            r[0]
            for r in con.execute(
                "select record_id from matched_records where source = ? order by record_id", [source]
            ).fetchall()
        ]
        if not ids:
            raise NothingToMatch(f"Source '{source}' has no current records.")
        if access is None:
            rel = con.sql(
                f"select {plain} from matched_records where source = ? order by record_id",  # noqa: S608
                params=[source],
            )
        else:
            # the governed, audited read: NotPermitted (audited) before anything is written
            shown = shown_addresses(
                access,
                settings,
                source,
                ids,
                action="match.results.export",
                context={"file": out.name},
                con=con,
            )
            con.register(
                "__placehub_shown",
                pa.table(
                    {
                        "record_id": pa.array(list(shown), pa.string()),
                        "address": pa.array([a for a, _ in shown.values()], pa.string()),
                        "postcode": pa.array([p for _, p in shown.values()], pa.string()),
                    }
                ),
            )
            picked = ", ".join(f"s.{c}" if c in ("address", "postcode") else f"m.{c}" for c in columns)
            rel = con.sql(
                f"select {picked} from matched_records m "  # noqa: S608
                "left join __placehub_shown s on s.record_id = m.record_id "
                "where m.source = ? order by m.record_id",
                params=[source],
            )
        try:
            if suffix == ".parquet":
                out.parent.mkdir(parents=True, exist_ok=True)
                con.register("__placehub_results", rel.to_arrow_table())
                try:
                    con.execute(f"copy __placehub_results to '{_sql_path(out)}' (format parquet)")
                finally:
                    con.unregister("__placehub_results")
                return len(ids)
            rows = rel.fetchall()
        finally:
            if access is not None:
                con.unregister("__placehub_shown")
    from placehub.publish.spreadsheet import write_csv

    return write_csv(out, columns, rows)


def _sql_path(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")
