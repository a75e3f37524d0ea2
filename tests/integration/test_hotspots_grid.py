"""Hotspots (esda Gi* and local Moran's I) on a constructed grid with a planted high block.

esda compiles its kernels with numba on first use (about 30 s), so there is one test that pays it.
"""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box

from placehub.insight.hotspots import hotspots_for_index, local_statistics, queen_neighbours
from placehub.insight.indices.store import VALUES_DDL
from placehub.place.geography import load_geography
from placehub.store import Vault
from tests.integration._access_helpers import feature_collection, write_json

N = 7  # 7 × 7 cells of 100 m; the 3 × 3 block in the south-west corner holds high values


def _grid():
    codes, geoms, values = [], [], []
    for i in range(N):
        for j in range(N):
            codes.append(f"E01{i:03d}{j:03d}")
            geoms.append(box(100 * i, 100 * j, 100 * (i + 1), 100 * (j + 1)))
            values.append((10.0 if i < 3 and j < 3 else 1.0) + 0.01 * (i + 2 * j))
    return codes, geoms, np.array(values)


def test_queen_contiguity_on_squares():
    _, geoms, _ = _grid()
    nb = queen_neighbours(geoms)
    counts = sorted({len(v) for v in nb.values()})
    assert counts == [3, 5, 8]  # corners, edges, interior (corner-touching cells count: queen)
    assert nb[0] == [1, N, N + 1]
    # a 1 m gap breaks contiguity unless a tolerance bridges it
    apart = [box(0, 0, 100, 100), box(101, 0, 200, 100)]
    assert queen_neighbours(apart) == {0: [], 1: []}
    assert queen_neighbours(apart, tolerance=1.0) == {0: [1], 1: [0]}


@pytest.mark.slow
def test_gi_star_and_local_moran_find_the_planted_block(settings, tmp_path):
    codes, geoms, y = _grid()
    result = local_statistics(codes, y, geoms, permutations=999, seed=7)
    t = result.table.set_index("area_code")
    assert result.islands == []

    # Gi* z-scores against the Getis–Ord (1992) / Ord–Getis (1995) formula, binary weights with self:
    # z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²) / (n − 1))), S² = Σ x² / n − x̄².
    nb = queen_neighbours(geoms)
    n, xbar = len(y), y.mean()
    s = np.sqrt((y**2).mean() - xbar**2)
    for i, code in enumerate(codes):
        members = [i, *nb[i]]
        w = len(members)
        z = (y[members].sum() - xbar * w) / (s * np.sqrt((n * w - w**2) / (n - 1)))
        assert t.at[code, "gi_star_z"] == pytest.approx(z, rel=1e-9)

    hot = set(t.index[t["gi_class"] == "hot spot"])
    assert {"E01000000", "E01001001", "E01000001", "E01001000"} <= hot
    assert all(int(c[3:6]) < 4 and int(c[6:]) < 4 for c in hot)  # nothing far from the block
    assert t.at["E01001001", "moran_class"] == "high-high"
    # the block's centre has only high neighbours: no permutation of the others beats it
    assert t.at["E01001001", "gi_p_sim"] == pytest.approx(1 / 1000)
    assert t.at["E01006006", "moran_quadrant"] == "low-low"
    assert (t["neighbours"].to_numpy() == [len(nb[i]) for i in range(n)]).all()
    # the same seed gives the same p-values
    again = local_statistics(codes, y, geoms, permutations=999, seed=7).table.set_index("area_code")
    assert (again["gi_p_sim"] == t["gi_p_sim"]).all() and (again["moran_p_sim"] == t["moran_p_sim"]).all()

    # the same statistics from the vault: polygons in `areas`, values in `index_values`, results in `hotspots`
    vault = Vault(settings.vault_path)
    load_geography(
        vault,
        [
            write_json(
                tmp_path / "grid.geojson",
                feature_collection([({"LSOA21CD": c}, g) for c, g in zip(codes, geoms, strict=True)]),
            )
        ],
    )
    with vault.connect() as con:
        con.execute(VALUES_DDL)
        con.executemany(
            "insert into index_values values ('grid', ?, 'lsoa', 'index', 'index', ?, null, null)",
            [[c, float(v)] for c, v in zip(codes, y, strict=True)],
        )
    stored = hotspots_for_index(settings, "grid", permutations=99, seed=3)
    assert stored.table["gi_star_z"].tolist() == pytest.approx(t.loc[codes, "gi_star_z"].tolist())
    with vault.connect(read_only=True) as con:
        rows = con.execute(
            "select count(*), min(permutations), max(seed) from hotspots where \"index\" = 'grid'"
        ).fetchone()
    assert rows == (49, 99, 3)
