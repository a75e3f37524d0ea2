"""Hotspots of an area indicator: Getis-Ord Gi* and local Moran's I (PySAL esda) on queen contiguity.

Queen contiguity: two areas are neighbours when their boundaries share at least one point. It is computed here
with shapely's STRtree from the stored polygons (so the weights come from the same geometry as the maps); a
small snapping tolerance in metres bridges the hair-line gaps some boundary files have. Pseudo p-values come
from conditional permutations with a fixed seed, so a rerun gives the same answer.

esda compiles its permutation kernels with numba on first use (about 27 s), so it is imported only inside
``local_statistics``, never at start-up.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from placehub.errors import PlacehubUserError
from placehub.settings import Settings
from placehub.store import Vault

MORAN_QUADRANTS = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}

HOTSPOTS_DDL = """
create table if not exists hotspots (
    "index" varchar not null, component varchar not null, level varchar not null, area_code varchar not null,
    value double, gi_star_z double, gi_p_sim double, gi_class varchar,
    moran_i double, moran_quadrant varchar, moran_p_sim double, moran_class varchar,
    neighbours integer, permutations integer, seed integer, alpha double
)
"""


class HotspotError(PlacehubUserError):
    """Hotspots cannot be computed for what was asked (no such index values, no polygons, too few areas)."""


def queen_neighbours(geometries: Sequence[shapely.Geometry], tolerance: float = 0.0) -> dict[int, list[int]]:
    """Queen contiguity: i and j are neighbours when their polygons touch or overlap (± ``tolerance``)."""
    geoms = np.asarray(list(geometries), dtype=object)
    probe = shapely.buffer(geoms, tolerance) if tolerance > 0 else geoms
    tree = shapely.STRtree(geoms)
    left, right = tree.query(probe, predicate="intersects")
    neighbours: dict[int, list[int]] = {i: [] for i in range(len(geoms))}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            neighbours[i].append(j)
    return {i: sorted(set(js)) for i, js in neighbours.items()}


@dataclass(frozen=True)
class HotspotResult:
    table: pd.DataFrame  # one row per area
    permutations: int
    seed: int
    alpha: float
    islands: list[str]

    def counts(self) -> dict[str, int]:
        return {
            **{f"gi*: {k}": int(v) for k, v in self.table["gi_class"].value_counts().sort_index().items()},
            **{
                f"moran: {k}": int(v)
                for k, v in self.table["moran_class"].value_counts().sort_index().items()
            },
        }


def local_statistics(
    codes: Sequence[str],
    values: Sequence[float],
    geometries: Sequence[shapely.Geometry],
    *,
    permutations: int = 999,
    seed: int = 12345,
    alpha: float = 0.05,
    tolerance: float = 0.0,
) -> HotspotResult:
    """Gi* and local Moran's I for one value per area, with seeded permutation p-values."""
    import esda  # heavy: numba compile on first call
    from libpysal.weights import W, fill_diagonal

    codes = [str(c) for c in codes]
    y = np.asarray(values, dtype=float)
    if len(codes) < 5:
        raise HotspotError(f"hotspots need at least 5 areas, got {len(codes)}")
    if np.isnan(y).any():
        raise HotspotError(
            f"{int(np.isnan(y).sum())} area(s) have no value: hotspots need a value everywhere"
        )
    nb = queen_neighbours(geometries, tolerance)
    islands = [codes[i] for i, js in nb.items() if not js]
    w = W({codes[i]: [codes[j] for j in js] for i, js in nb.items()}, id_order=codes, silence_warnings=True)
    # Gi*: binary weights with each area counting itself (self-weight 1), the Getis–Ord form whose z-score is
    # (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²)/(n − 1))). (esda's row-standardised form differs.)
    w_star = fill_diagonal(w, 1.0)
    with warnings.catch_warnings():
        # esda announces a future change of default alternative hypothesis; we keep today's (directed) test
        warnings.simplefilter("ignore", DeprecationWarning)
        gi = esda.G_Local(
            y,
            w_star,
            transform="B",
            permutations=permutations,
            star=None,
            seed=seed,
            n_jobs=1,
            keep_simulations=False,
        )
        w.transform = "r"
        lisa = esda.Moran_Local(
            y, w, transformation="r", permutations=permutations, seed=seed, n_jobs=1, keep_simulations=False
        )
    gi_z = np.asarray(gi.Zs, dtype=float)
    gi_p = np.asarray(gi.p_sim, dtype=float)
    gi_class = np.where(gi_p <= alpha, np.where(gi_z > 0, "hot spot", "cold spot"), "not significant")
    quad = np.asarray([MORAN_QUADRANTS[int(q)] for q in lisa.q], dtype=object)
    m_p = np.asarray(lisa.p_sim, dtype=float)
    moran_class = np.where(m_p <= alpha, quad, "not significant")
    table = pd.DataFrame(
        {
            "area_code": codes,
            "value": y,
            "gi_star_z": gi_z,
            "gi_p_sim": gi_p,
            "gi_class": gi_class,
            "moran_i": np.asarray(lisa.Is, dtype=float),
            "moran_quadrant": quad,
            "moran_p_sim": m_p,
            "moran_class": moran_class,
            "neighbours": [len(nb[i]) for i in range(len(codes))],
        }
    )
    return HotspotResult(table, permutations, seed, alpha, islands)


def hotspots_for_index(
    settings: Settings,
    index: str,
    *,
    component: str = "index",
    level: str = "lsoa",
    permutations: int = 999,
    seed: int = 12345,
    alpha: float = 0.05,
    tolerance: float = 0.0,
    store: bool = True,
) -> HotspotResult:
    """Hotspots of a stored index part (``index_values``) over its level's stored polygons (``areas``)."""
    vault = Vault(settings.vault_path)
    with vault.connect() as con:
        for table, hint in (
            ("index_values", "placehub index build NAME"),
            ("areas", "placehub geography load"),
        ):
            if not vault.has_table(con, table):
                raise HotspotError(f"the vault has no {table} yet: run `{hint}` first")
        df = con.execute(
            "select v.area_code, v.value, a.geometry_wkb from index_values v join areas a "
            "on a.code = v.area_code and a.level = v.level "
            'where v."index" = ? and v.component = ? and v.level = ? order by v.area_code',
            [index, component, level],
        ).df()
        if df.empty:
            raise HotspotError(
                f"no {level} polygons match index {index!r} part {component!r}: build the index and load the "
                "boundaries of the same areas"
            )
    geoms = [shapely.from_wkb(bytes(b)) for b in df["geometry_wkb"]]
    result = local_statistics(
        df["area_code"].tolist(),
        df["value"].to_numpy(),
        geoms,
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        tolerance=tolerance,
    )
    if store:
        out = result.table.copy()
        out.insert(0, "index", index)
        out.insert(1, "component", component)
        out.insert(2, "level", level)
        out["permutations"], out["seed"], out["alpha"] = permutations, seed, alpha
        with vault.connect() as con:
            con.execute("begin")
            con.execute(HOTSPOTS_DDL)
            con.execute(
                'delete from hotspots where "index" = ? and component = ? and level = ?',
                [index, component, level],
            )
            con.register("_hs", out)
            con.execute("insert into hotspots select * from _hs")
            con.unregister("_hs")
            con.execute("commit")
    return result
