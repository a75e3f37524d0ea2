"""The gazetteer: the place's addresses keyed by UPRN, loaded from an LLPG / AddressBase-style file through a
contract (kind ``gazetteer``) into the vault table ``gazetteer`` (docs/vault.md), replaced atomically.

Nothing is invented: LSOA, MSOA and ward stay empty unless the file has them. Two things are derived
because they follow exactly from what the file holds: the one-line ``address`` (from the components, when
the file has no address column) and British National Grid x/y (from lat/lon, when the file has only those).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from placehub.errors import ContractError
from placehub.ingest.contract import Contract, load_contract
from placehub.ingest.load import LoadResult, run_load
from placehub.ingest.stage import Progress, Staged
from placehub.settings import Settings
from placehub.store import Vault
from placehub.store.models_ingest import LoadKind

GAZETTEER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("uprn", "VARCHAR"),
    ("parent_uprn", "VARCHAR"),
    ("usrn", "VARCHAR"),
    ("address", "VARCHAR"),
    ("postcode", "VARCHAR"),
    ("sub_building", "VARCHAR"),
    ("building_name", "VARCHAR"),
    ("building_number", "VARCHAR"),
    ("street", "VARCHAR"),
    ("locality", "VARCHAR"),
    ("town", "VARCHAR"),
    ("classification", "VARCHAR"),
    ("x", "DOUBLE"),
    ("y", "DOUBLE"),
    ("lsoa", "VARCHAR"),
    ("msoa", "VARCHAR"),
    ("ward", "VARCHAR"),
    ("load_id", "BIGINT"),
)


@dataclass(frozen=True)
class GazetteerLoad:
    load: LoadResult
    rows: int  # rows now in the gazetteer table
    uprns: int  # distinct UPRNs
    repeated_uprns: (
        int  # UPRNs that carry more than one address (kept as separate rows when the contract says so)
    )
    with_coordinates: int
    address_built: bool  # True when the one-line address was built from components


def load_gazetteer(
    settings: Settings,
    path: Path | str,
    contract: str | Contract,
    *,
    user: str | None = None,
    progress: Progress | None = None,
) -> GazetteerLoad:
    """Replace the vault's gazetteer with the file at ``path``, read through ``contract`` (name or Contract).

    Repeated UPRNs follow the contract's ``repeated_uprns``: ``reject`` (default: every row of a repeated
    UPRN is rejected), ``first`` (the first row of each UPRN is kept, later ones rejected) or ``keep``
    (each distinct address of a UPRN is its own row; an exact repeat of UPRN and address is rejected as a
    duplicate row).
    """
    c = load_contract(settings, contract) if isinstance(contract, str) else contract
    if c.kind != "gazetteer":
        raise ContractError(f"'{c.name}' is a {c.kind} contract, not a gazetteer contract.")
    uprn_field = c.role_field("uprn")
    result = run_load(
        settings,
        c,
        Path(path),
        user=user or settings.user,
        kind=LoadKind.GAZETTEER,
        writer=_write_gazetteer,
        extra_unique=(uprn_field,) if c.repeated_uprns == "reject" else None,
        prepare=_prepare,
        progress=progress,
    )
    with Vault(settings.vault_path).connect(read_only=True) as con:
        rows, uprns, coords = con.execute(
            "select count(*), count(distinct uprn), count(*) filter (where x is not null and y is not null) "
            "from gazetteer"
        ).fetchone()
        repeated = con.execute(
            "select count(*) from (select uprn from gazetteer group by uprn having count(*) > 1)"
        ).fetchone()[0]
    return GazetteerLoad(
        load=result,
        rows=rows,
        uprns=uprns,
        repeated_uprns=repeated,
        with_coordinates=coords,
        address_built="address" not in c.roles,
    )


def _columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select column_name from (describe stage_accepted)").fetchall()}


def _prepare(con: duckdb.DuckDBPyConnection, staged: Staged) -> None:
    c = staged.contract
    cols = _columns(con)
    if "x" not in c.roles and "lat" in c.roles and "lon" in c.roles:
        _add_grid_coordinates(con)
    if c.repeated_uprns == "reject":
        return
    if c.repeated_uprns == "keep":
        # an exact repeat: the same UPRN with the same address parts (every role column equal)
        partition = ", ".join(sorted(x for x in cols if x.startswith("r_")))
        why = "repeats row {first} exactly (same UPRN and address)"
        kind = "row repeats another row's UPRN and address"
    else:
        partition, why = "r_uprn", "has UPRN '{uprn}' again: the first row with it (row {first}) is kept"
        kind = "UPRN repeated (first row kept)"
    later = con.execute(
        "select _row_number, r_uprn, first from (select _row_number, r_uprn, "  # noqa: S608
        f"first_value(_row_number) over (partition by {partition} order by _row_number) as first "
        "from stage_accepted) where _row_number <> first order by _row_number"
    ).fetchall()
    if not later:
        return
    reasons = {n: why.format(first=first, uprn=uprn) for n, uprn, first in later}
    staged.kinds[kind] += len(later)
    names = [staged.header.names[i] for i in staged.header.columns]
    text_cols = [f"t{i}" if f.type != "string" else f"f{i}" for i, f in enumerate(c.fields)]
    import json

    rows = con.execute(
        f"select _row_number, {', '.join(text_cols)} from stage_accepted "  # noqa: S608
        f"where _row_number in ({', '.join(str(n) for n in reasons)}) order by 1"
    ).fetchall()
    con.executemany(
        "insert into stage_rejected values (?, ?, ?)",
        [
            (r[0], json.dumps({k: v or "" for k, v in zip(names, r[1:], strict=True)}), [reasons[r[0]]])
            for r in rows
        ],
    )
    con.execute(
        f"delete from stage_accepted where _row_number in ({', '.join(str(n) for n in reasons)})"  # noqa: S608
    )


def _add_grid_coordinates(con: duckdb.DuckDBPyConnection) -> None:
    """lat/lon (WGS84) → British National Grid (EPSG:27700), as the gazetteer keeps x/y."""
    from pyproj import Transformer

    tbl = con.execute("select _row_number, r_lat, r_lon from stage_accepted").to_arrow_table()
    lat = tbl["r_lat"].to_numpy(zero_copy_only=False).astype(float)
    lon = tbl["r_lon"].to_numpy(zero_copy_only=False).astype(float)
    x, y = Transformer.from_crs(4326, 27700, always_xy=True).transform(lon, lat)
    x = np.where(np.isnan(lat) | np.isnan(lon), np.nan, x)
    y = np.where(np.isnan(lat) | np.isnan(lon), np.nan, y)
    grid = pa.table(
        {
            "row_number": tbl["_row_number"],
            "gx": pa.array(x, pa.float64(), from_pandas=True),
            "gy": pa.array(y, pa.float64(), from_pandas=True),
        }
    )
    con.register("grid", grid)
    con.execute("alter table stage_accepted add column r_x DOUBLE")
    con.execute("alter table stage_accepted add column r_y DOUBLE")
    con.execute(
        "update stage_accepted set r_x = grid.gx, r_y = grid.gy from grid where stage_accepted._row_number = "
        "grid.row_number"
    )
    con.unregister("grid")


def _write_gazetteer(con: duckdb.DuckDBPyConnection, load_id: int, staged: Staged) -> None:
    cols = _columns(con)

    def role(name: str) -> str:
        return f"r_{name}" if f"r_{name}" in cols else "null"

    if "r_address" in cols:
        address = "r_address"
    else:
        number_street = f"nullif(concat_ws(' ', {role('building_number')}, {role('street')}), '')"
        parts = [role("sub_building"), role("building_name"), number_street, role("locality"), role("town")]
        address = f"nullif(concat_ws(', ', {', '.join(parts)}), '')"
    exprs = []
    for name, sql_type in GAZETTEER_COLUMNS:
        value = {"load_id": str(load_id), "address": address}.get(name, role(name))
        exprs.append(f"cast({value} as {sql_type}) as {name}")
    # create-or-replace inside the load's transaction: readers see the old gazetteer or the new one, whole.
    con.execute(
        f"create or replace table gazetteer as select {', '.join(exprs)} "  # noqa: S608
        "from stage_accepted order by _row_number"
    )


@dataclass(frozen=True)
class GazetteerSummary:
    rows: int
    uprns: int
    postcodes: int
    with_coordinates: int
    without_coordinates: int
    load_id: int | None
    by_classification: list[tuple[str | None, int]]


def gazetteer_summary(settings: Settings) -> GazetteerSummary | None:
    """Counts over the current gazetteer; None when none has been loaded."""
    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        return None
    with vault.connect(read_only=True) as con:
        if not vault.has_table(con, "gazetteer"):
            return None
        rows, uprns, postcodes, coords, load_id = con.execute(
            "select count(*), count(distinct uprn), count(distinct postcode), "
            "count(*) filter (where x is not null and y is not null), max(load_id) from gazetteer"
        ).fetchone()
        by_class = con.execute(
            "select classification, count(*) from gazetteer group by 1 order by 2 desc, 1 nulls last"
        ).fetchall()
    return GazetteerSummary(rows, uprns, postcodes, coords, rows - coords, load_id, by_class)
