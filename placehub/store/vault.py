"""The vault: record-level data in one DuckDB file (raw rows, rejects, gazetteer, matches, links).

Only ``placehub.govern`` hands person-level rows to a person; pipeline stages work here as the system.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Vault:
    path: Path

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def has_table(self, con: duckdb.DuckDBPyConnection, name: str) -> bool:
        row = con.execute(
            "select count(*) from information_schema.tables where table_name = ?", [name]
        ).fetchone()
        return bool(row and row[0])
