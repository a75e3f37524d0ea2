"""Read-only, aggregate vault reads for pages (counts, index values, area geometry): never person-level rows.

Person-level rows are read only through ``placehub.govern`` (see deps.access_for). A missing vault or table is
not an error here: pages say plainly that nothing has been loaded yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from placehub.errors import PlacehubUserError
from placehub.settings import Settings
from placehub.store import Vault
from placehub.web.deps import VAULT_LOCK


class VaultBusy(PlacehubUserError):
    """Another process holds the vault's write lock (e.g. a load running from the command line)."""

    http_status = 503
    MESSAGE = "The vault is busy: another placehub command is writing to it. Try again in a moment."


@contextmanager
def vault_reader(settings: Settings) -> Iterator[tuple[Vault, duckdb.DuckDBPyConnection] | None]:
    """(vault, connection) for reading, or None when no vault exists yet."""
    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        yield None
        return
    with VAULT_LOCK:
        try:
            cm = vault.connect(read_only=True)
            con = cm.__enter__()
        except duckdb.IOException:
            raise VaultBusy(VaultBusy.MESSAGE) from None
        try:
            yield vault, con
        finally:
            cm.__exit__(None, None, None)


def tables(vault: Vault, con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    return all(vault.has_table(con, n) for n in names)
