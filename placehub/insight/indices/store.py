"""Index results in the vault: ``index_values`` (one row per area × part) and ``index_runs`` (what made them).

``index_values``: index, area_code, level, component, kind, value, rank, decile. ``component`` names the part
(an indicator id, component id, dimension id, IMD domain, or ``index`` for the overall score) and ``kind``
says which of those it is. A rebuild replaces the index's rows; ``index_runs`` keeps every build's definition,
weights and diagnostics so a published value can say what produced it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

import duckdb

from placehub.insight.indices.engine import VALUE_COLUMNS, IndexResult
from placehub.store import Vault

VALUES_DDL = """
create table if not exists index_values (
    "index" varchar not null, area_code varchar not null, level varchar not null, component varchar not null,
    kind varchar not null, value double, rank integer, decile integer
)
"""

RUNS_DDL = """
create table if not exists index_runs (
    "index" varchar not null, built_at timestamp not null, areas integer, definition_path varchar,
    definition_text varchar, weights_json varchar, diagnostics_json varchar, rank_check_json varchar
)
"""


def save_index(vault: Vault, result: IndexResult) -> int:
    """Replace this index's rows in ``index_values`` and record the run. Returns rows written."""
    d = result.definition
    text = d.path.read_text(encoding="utf-8") if d.path and d.path.is_file() else None
    diagnostics = {k: asdict(v) for k, v in result.diagnostics.items()}
    with vault.connect() as con:
        con.execute("begin")
        con.execute(VALUES_DDL)
        con.execute(RUNS_DDL)
        con.execute('delete from index_values where "index" = ?', [d.name])
        con.register("_iv", result.values[VALUE_COLUMNS])
        con.execute("insert into index_values select * from _iv")
        con.unregister("_iv")
        con.execute(
            "insert into index_runs values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                d.name,
                datetime.now(UTC).replace(tzinfo=None),
                len(result.areas),
                str(d.path) if d.path else None,
                text,
                json.dumps(result.weights),
                json.dumps(diagnostics),
                json.dumps(asdict(result.rank_check)) if result.rank_check else None,
            ],
        )
        con.execute("commit")
    return len(result.values)


def read_index_values(con: duckdb.DuckDBPyConnection, index: str, component: str = "index"):  # type: ignore[no-untyped-def]
    """One part of a stored index as a DataFrame (area_code, value, rank, decile)."""
    return con.execute(
        'select area_code, level, value, rank, decile from index_values where "index" = ? and component = ? '
        "order by area_code",
        [index, component],
    ).df()
