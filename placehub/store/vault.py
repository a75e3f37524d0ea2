"""The vault: record-level data in one DuckDB file (raw rows, rejects, gazetteer, matches, links).

Only ``placehub.govern`` hands person-level rows to a person; pipeline stages work here as the system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


class OnDemand:
    """A vault connection opened on first use (through ``opener``, with whatever lock it takes) and closed
    with the block: a read answered from memory (``store.memo``) never opens the vault, nor waits for a lock.

    It stands in for a ``duckdb.DuckDBPyConnection``: every attribute is the opened connection's.
    """

    def __init__(self, opener: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]) -> None:
        self._opener = opener
        self._stack = ExitStack()
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def opened(self) -> bool:
        return self._con is not None

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = self._stack.enter_context(self._opener())
        return self._con

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection(), name)

    def close(self) -> None:
        self._con = None
        self._stack.close()

    def __enter__(self) -> OnDemand:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
