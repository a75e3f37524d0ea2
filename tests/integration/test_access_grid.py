"""Access indicators on a constructed grid where every share can be counted by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from placehub.insight.access import AccessError, measure_access, read_services
from placehub.store import Vault
from tests.integration._access_helpers import X0, Y0, build_grid_place, feature_collection, write_json

# A service at the grid's south-west corner (X0, Y0) is 100·√((i+½)² + (j+½)²) m from UPRN (i, j).
# Within 300 m: (i+½)² + (j+½)² ≤ 9 holds for 8 UPRNs: (0,0) (1,0) (0,1) (1,1) (2,0) (0,2) (2,1) (1,2).
# Within 1 km: ≤ 100 holds, for i = 0…9, for j up to 9, 9, 9, 8, 8, 7, 7, 6, 4, 2:
# 10+10+10+9+9+8+8+7+5+3 = 79.
# A second service at the north-east corner (X0 + 2000, Y0 + 1000) mirrors this in the eastern LSOA.


@pytest.fixture
def grid(settings, tmp_path):
    vault = Vault(settings.vault_path)
    build_grid_place(vault, tmp_path)
    return vault


def _rows(result, level):
    df = result.indicators[result.indicators["level"] == level]
    return {(r.area_code, r.threshold_m): (r.addresses, r.addresses_within) for r in df.itertuples()}


def test_points_csv_shares(settings, grid, tmp_path):
    path = tmp_path / "gp.csv"
    path.write_text(f"id,name,uprn,x,y\nY1,South West,,{X0},{Y0}\nY2,North East,,{X0 + 2000},{Y0 + 1000}\n")
    result = measure_access(settings, "gp", path)
    assert (result.addresses, result.service_points) == (200, 2)
    assert _rows(result, "lsoa") == {
        ("E01000001", 300.0): (100, 8),
        ("E01000001", 1000.0): (100, 79),
        ("E01000002", 300.0): (100, 8),
        ("E01000002", 1000.0): (100, 79),
    }
    assert _rows(result, "ward") == {("E05000001", 300.0): (200, 16), ("E05000001", 1000.0): (200, 158)}
    ward = result.indicators[result.indicators["level"] == "ward"].set_index("threshold_m")
    assert ward["share_addresses"].tolist() == [0.08, 0.79]
    with grid.connect(read_only=True) as con:
        nearest = con.execute(
            "select uprn, round(distance_m, 6), nearest_id from access_distances "
            "where uprn in ('100000', '101909') order by uprn"
        ).fetchall()
        stored = con.execute("select count(*) from access_indicators where service = 'gp'").fetchone()
    assert nearest == [
        ("100000", round(100 * np.sqrt(0.5), 6), "Y1"),
        ("101909", round(100 * np.sqrt(0.5), 6), "Y2"),
    ]
    assert stored == (6,)


def test_residents_weighting_and_classification_filter(settings, grid, tmp_path):
    path = tmp_path / "gp.csv"
    path.write_text(f"id,name,x,y\nY1,South West,{X0},{Y0}\n")
    # three residents in each of the 8 UPRNs within 300 m, one everywhere else
    near = {
        f"{100000 + 100 * i + j}" for i, j in [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (0, 2), (2, 1), (1, 2)]
    }
    uprns = [f"{100000 + 100 * i + j}" for i in range(20) for j in range(10)]
    residents = tmp_path / "residents.csv"
    pd.DataFrame({"uprn": uprns, "residents": [3 if u in near else 1 for u in uprns]}).to_csv(
        residents, index=False
    )
    result = measure_access(settings, "gp", path, residents=residents)
    west = result.indicators.query("level == 'lsoa' and area_code == 'E01000001' and threshold_m == 300")
    assert (west["residents"].item(), west["residents_within"].item()) == (116.0, 24.0)
    assert west["share_residents"].item() == pytest.approx(24 / 116)
    # only residential classes (RD…): row j = 0 is commercial (CR01) in the fixture, 20 UPRNs fewer
    only_homes = measure_access(settings, "gp", path, classification_prefixes=["R"])
    assert only_homes.addresses == 180
    # without row 0, (0,0) (1,0) (2,0) drop out: 5 of 90 western homes within 300 m
    assert _rows(only_homes, "lsoa")[("E01000001", 300.0)] == (90, 5)


def test_polygon_green_space(settings, grid, tmp_path):
    # A park covering the 2 × 2 UPRNs in the south-west corner: those four are at 0 m; others are measured to
    # its edge (densified every 10 m, so the nearest edge point is a vertex). Within 300 m of the square
    # [0, 200]²: offsets beyond the edge dx, dy ∈ {0 (two columns), 50, 150, 250}, with dx² + dy² ≤ 300²:
    # dx = 0: 2 × 5 rows, dx = 50: 5, dx = 150: 5, dx = 250: 4 → 24.
    park = write_json(
        tmp_path / "parks.geojson",
        feature_collection([({"id": "GS1", "name": "Corner Park"}, box(X0, Y0, X0 + 200, Y0 + 200))]),
    )
    services = read_services(park)
    assert services.polygon_ids == ("GS1",) and len(services.xy) == 81  # 4 sides × 20 segments, ring closed
    result = measure_access(settings, "green_space", park)
    assert _rows(result, "lsoa")[("E01000001", 300.0)] == (100, 24)
    with grid.connect(read_only=True) as con:
        zero = con.execute(
            "select count(*) from access_distances where service = 'green_space' and distance_m = 0"
        ).fetchone()
    assert zero == (4,)


def test_lon_lat_points_and_bad_files(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("name,lon,lat\nA,-0.02,51.45\n")
    ((x, y),) = read_services(path).xy
    assert 537_000 < x < 538_000 and 174_000 < y < 175_000
    bad = tmp_path / "bad.csv"
    bad.write_text("name,where\nA,here\n")
    with pytest.raises(AccessError, match="needs columns x,y .* or lon,lat; found name, where"):
        read_services(bad)
