"""Read-only, aggregate vault reads for pages (counts, index values, area geometry): never person-level rows.

Person-level rows are read only through ``placehub.govern`` (see deps.access_for). A missing vault or table is
not an error here: pages say plainly that nothing has been loaded yet.

Aggregates are cached in memory until the vault changes (``cached``): the key holds the size and
modification time of the vault file and its write-ahead log, so a write by any process (a load or scan from
the command line, a review decision here) makes the next read go to the vault again. Actions in this app that
change what a page shows without necessarily changing those figures (a review decision settles items in the
catalogue) also call ``invalidate``. Connections stay per read and read-only: DuckDB admits one writing
process, so the app never holds the vault open between requests, and a cache hit takes no lock at all.
Read-only connections hold the app's vault lock shared (``reading``), so readers run side by side and wait
only for a request of this app that writes the vault.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import duckdb

from placehub.errors import PlacehubUserError
from placehub.settings import Settings
from placehub.store import Vault, memo
from placehub.store.vault import OnDemand
from placehub.web.deps import VAULT_LOCK

T = TypeVar("T")


class VaultBusy(PlacehubUserError):
    """Another process holds the vault's write lock (e.g. a load running from the command line)."""

    http_status = 503
    MESSAGE = "The vault is busy: another placehub command is writing to it. Try again in a moment."


# DuckDB threads per query on the app's read connections. The app's parallelism is its requests (readers share
# one database instance); a page's small query spread over every core of a busy machine spends more CPU
# waiting for its own threads than it saves (measured on 2 cores: a worklist page 35 % less CPU with 1).
READ_THREADS = 1


def tune_reader(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Set the app's read settings on a connection (they hold for the database instance it shares)."""
    con.execute(f"set threads = {READ_THREADS}")
    return con


@contextmanager
def reading(settings: Settings) -> Iterator[None]:
    """The vault lock for work that opens the vault read-only: shared once the vault exists. Before that,
    alone: a reader that finds no vault may create it read-write (``Access.review_rows``, a worklist)."""
    if settings.vault_path.exists():
        with VAULT_LOCK.shared():
            yield
    else:
        with VAULT_LOCK:
            yield


@contextmanager
def vault_reader(settings: Settings) -> Iterator[tuple[Vault, duckdb.DuckDBPyConnection] | None]:
    """(vault, connection) for reading, or None when no vault exists yet.

    The app-wide lock is held (shared) only while the connection is open (connect, the queries, close):
    callers fetch their rows inside the block and build pages after it.
    """
    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        yield None
        return
    with VAULT_LOCK.shared():
        try:
            cm = vault.connect(read_only=True)
            con = cm.__enter__()
        except duckdb.IOException:
            raise VaultBusy(VaultBusy.MESSAGE) from None
        try:
            yield vault, tune_reader(con)
        finally:
            cm.__exit__(None, None, None)


def on_demand(settings: Settings) -> OnDemand:
    """A read-only vault connection for a request, opened only if one of its reads is not remembered (see
    ``store.memo``): then it holds the vault lock shared until the request's block ends."""

    @contextmanager
    def opener() -> Iterator[duckdb.DuckDBPyConnection]:
        with reading(settings):
            exists = settings.vault_path.exists()
            try:
                cm = Vault(settings.vault_path).connect(read_only=exists)
                con = cm.__enter__()
            except duckdb.IOException:
                raise VaultBusy(VaultBusy.MESSAGE) from None
            try:
                yield tune_reader(con)
            finally:
                cm.__exit__(None, None, None)

    return OnDemand(opener)


def tables(vault: Vault, con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    return all(vault.has_table(con, n) for n in names)


def vault_state(settings: Settings) -> tuple:
    """Path, size and mtime (ns) of the vault file and its write-ahead log: a write changes one of them."""
    return memo.vault_state(settings.vault_path)


# (vault state, what) → value. Aggregates only: counts, index choices, choropleths, open review item ids.
_AGGREGATES = memo.VaultMemo(128)


def cached(
    settings: Settings, what: Hashable, compute: Callable[[], T], tables: frozenset[str] | None = None
) -> T:
    """``compute()`` once per vault state (and per ``what``), then from memory until the vault changes.

    ``compute`` must return aggregates only (never person-level rows) and must not be mutated by callers.
    ``tables``: every vault table it reads (None: any); an outcome recorded here changes none of a map's, so
    the map stays in memory. Errors are not cached: a missing index raises again on the next request.
    """
    return _AGGREGATES.get(settings.vault_path, what, compute, tables=tables)


def invalidate() -> None:
    """Forget every cached aggregate (after an action in this app that changes what pages show)."""
    _AGGREGATES.invalidate()
