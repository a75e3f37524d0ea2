"""The synthetic borough: determinism, sizes, small areas that tile, and a gazetteer that holds together."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

from placehub.demo.borough import BoroughFiles, build_borough
from placehub.demo.identifiers import is_valid_nhs_number
from tests.integration._demo_helpers import SMALL_HOUSEHOLDS, read_csv, small_borough  # noqa: F401

STRICT_POSTCODE = re.compile(r"^[A-PR-UWYZ][A-HK-Y][0-9]{1,2} [0-9][ABD-HJLNP-UW-Z]{2}$")
RESIDENTIAL = {"RD02", "RD03", "RD04", "RD06"}


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    a = build_borough(tmp_path / "a", seed=3, households=600)
    b = build_borough(tmp_path / "b", seed=3, households=600)
    c = build_borough(tmp_path / "c", seed=4, households=600)
    for pa, pb in zip(a.paths(), b.paths(), strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert a.gazetteer.read_bytes() != c.gazetteer.read_bytes()
    assert a.residents.read_bytes() != c.residents.read_bytes()
    assert a.food_support.read_bytes() != c.food_support.read_bytes()


def test_every_file_is_written(small_borough: BoroughFiles) -> None:  # noqa: F811
    root = small_borough.gazetteer.parent
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert written == sorted(str(p.relative_to(root)) for p in small_borough.paths())
    assert "partners/food_support.xlsx" in written
    assert "census_lsoa/lsoa_indicators.csv" in written


def test_homes_and_small_areas_are_sized_like_real_ones(small_borough: BoroughFiles) -> None:  # noqa: F811
    rows = read_csv(small_borough.gazetteer)
    homes = sum(r["CLASSIFICATION_CODE"] in RESIDENTIAL for r in rows)
    assert SMALL_HOUSEHOLDS <= homes <= SMALL_HOUSEHOLDS * 1.1
    lsoas = _features(small_borough.lsoa_boundaries)
    assert len(lsoas) == round(homes / 650)
    for f in lsoas:
        assert 400 <= f["properties"]["households"] <= 1200
    assert len(_features(small_borough.ward_boundaries)) >= 2


def test_uprns_are_unique_twelve_digit_and_not_sequential(small_borough: BoroughFiles) -> None:  # noqa: F811
    uprns = [r["UPRN"] for r in read_csv(small_borough.gazetteer)]
    assert len(set(uprns)) == len(uprns)
    assert all(re.fullmatch(r"[12]000\d{8}", u) for u in uprns)
    values = sorted(int(u) for u in uprns)
    steps_of_one = sum(b - a == 1 for a, b in zip(values, values[1:], strict=False))
    assert steps_of_one < len(values) * 0.01


def test_postcodes_are_valid_and_cover_about_fifteen_addresses(small_borough: BoroughFiles) -> None:  # noqa: F811
    rows = read_csv(small_borough.gazetteer)
    assert all(STRICT_POSTCODE.match(r["POSTCODE"]) for r in rows)
    per_postcode = Counter(r["POSTCODE"] for r in rows)
    mean = len(rows) / len(per_postcode)
    assert 8 <= mean <= 30
    streets_per_postcode = {
        pc: {r["USRN"] for r in rows if r["POSTCODE"] == pc} for pc in list(per_postcode)[:200]
    }
    assert all(len(s) == 1 for s in streets_per_postcode.values())


def test_parent_and_child_uprns_are_consistent(small_borough: BoroughFiles) -> None:  # noqa: F811
    rows = {r["UPRN"]: r for r in read_csv(small_borough.gazetteer)}
    children = [r for r in rows.values() if r["PARENT_UPRN"]]
    assert children, "no flats at all"
    for child in children:
        parent = rows[child["PARENT_UPRN"]]
        assert parent["CLASSIFICATION_CODE"] == "PP"
        assert not parent["PARENT_UPRN"]
        assert (parent["USRN"], parent["POSTCODE"], parent["X_COORDINATE"], parent["Y_COORDINATE"]) == (
            child["USRN"],
            child["POSTCODE"],
            child["X_COORDINATE"],
            child["Y_COORDINATE"],
        )
        assert child["ADDRESS"].endswith(parent["ADDRESS"]) or child["PAO_START_SUFFIX"]
    parents_with_children = {c["PARENT_UPRN"] for c in children}
    shells = {u for u, r in rows.items() if r["CLASSIFICATION_CODE"] == "PP"}
    assert shells == parents_with_children


def test_gazetteer_has_every_kind_of_property(small_borough: BoroughFiles) -> None:  # noqa: F811
    rows = read_csv(small_borough.gazetteer)
    codes = Counter(r["CLASSIFICATION_CODE"] for r in rows)
    for code in ("RD03", "RD04", "RD06", "PP", "RI01", "CE03", "CE04", "CE02", "CM02", "CR08"):
        assert codes[code] >= 1, code
    assert any(
        r["PAO_TEXT"] and not r["PAO_START_NUMBER"] and r["CLASSIFICATION_CODE"] == "RD02" for r in rows
    )
    assert any(r["SAO_TEXT"].startswith("FLAT") and r["PAO_TEXT"] for r in rows)  # flat in a named block
    assert any(r["SAO_TEXT"] and not r["PAO_TEXT"] and r["PARENT_UPRN"] for r in rows)  # converted house


def test_every_uprn_lies_in_the_areas_it_is_coded_to(small_borough: BoroughFiles) -> None:  # noqa: F811
    rows = read_csv(small_borough.gazetteer)
    for path, key, column in (
        (small_borough.lsoa_boundaries, "LSOA11CD", "LSOA_CODE"),
        (small_borough.msoa_boundaries, "MSOA11CD", "MSOA_CODE"),
        (small_borough.ward_boundaries, "WD22CD", "WARD_CODE"),
    ):
        polygons = {f["properties"][key]: shape(f["geometry"]) for f in _features(path)}
        for poly in polygons.values():
            shapely.prepare(poly)
        for r in rows:
            point = Point(float(r["LONGITUDE"]), float(r["LATITUDE"]))
            assert polygons[r[column]].contains(point), (r["UPRN"], column)


def test_areas_tile_the_borough_without_gaps_or_overlaps(small_borough: BoroughFiles) -> None:  # noqa: F811
    borough = shape(_features(small_borough.borough_boundary)[0]["geometry"])
    for path in (small_borough.lsoa_boundaries, small_borough.msoa_boundaries, small_borough.ward_boundaries):
        parts = [shape(f["geometry"]) for f in _features(path)]
        assert all(p.is_valid for p in parts)
        union = shapely.union_all(parts)
        # Degrees squared; coordinates are rounded to 1e-7 degrees, so allow a hair of rounding slack.
        assert union.area == pytest.approx(borough.area, rel=1e-6)
        assert sum(p.area for p in parts) == pytest.approx(union.area, rel=1e-6)


def test_geojson_codes_and_names_are_gss_shaped(small_borough: BoroughFiles) -> None:  # noqa: F811
    lsoas = _features(small_borough.lsoa_boundaries)
    assert [f["properties"]["LSOA11CD"] for f in lsoas] == [
        f"E01999{i:03d}" for i in range(1, len(lsoas) + 1)
    ]
    assert all(re.fullmatch(r"Ashcombe \d{3}[A-Z]", f["properties"]["LSOA11NM"]) for f in lsoas)
    assert all(re.fullmatch(r"E02999\d{3}", f["properties"]["MSOA11CD"]) for f in lsoas)
    assert all(re.fullmatch(r"E05999\d{3}", f["properties"]["WD22CD"]) for f in lsoas)
    lon, lat = lsoas[0]["geometry"]["coordinates"][0][0]
    assert -1.5 < lon < -0.9 and 52.6 < lat < 52.9  # East Midlands, WGS84 lon/lat order


def test_residents_live_only_in_homes_and_care_homes(small_borough: BoroughFiles) -> None:  # noqa: F811
    kinds = {r["UPRN"]: r["CLASSIFICATION_CODE"] for r in read_csv(small_borough.gazetteer)}
    residents = read_csv(small_borough.residents)
    assert {kinds[p["uprn"]] for p in residents} <= RESIDENTIAL | {"RI01"}
    assert len({p["person_id"] for p in residents}) == len(residents)
    assert all(is_valid_nhs_number(p["nhs_number"]) for p in residents)
    assert len({p["nhs_number"] for p in residents}) == len(residents)
    sizes = Counter(p["household_id"] for p in residents)
    alone = {p["household_id"] for p in residents if p["lives_alone"] == "true"}
    assert all(sizes[h] == 1 for h in alone)
    assert sum(p["shielding"] == "true" for p in residents) >= 1
    assert sum(p["fsm"] == "true" for p in residents) >= 1
    assert sum(bool(p["deceased"]) for p in residents) >= 1


def test_census_tables_count_the_living_residents(small_borough: BoroughFiles) -> None:  # noqa: F811
    living = [p for p in read_csv(small_borough.residents) if not p["deceased"]]
    health = read_csv(small_borough.census_health)
    assert sum(int(r["All categories: Long-term health problem or disability"]) for r in health) == len(
        living
    )
    for r in health:
        total = int(r["All categories: Long-term health problem or disability"])
        good_to_bad = ["Very good health", "Good health", "Fair health", "Bad health", "Very bad health"]
        assert sum(int(r[c]) for c in good_to_bad) == total
    cars = read_csv(small_borough.census_car_van)
    occupancy = read_csv(small_borough.census_occupancy)
    with_living = {p["household_id"] for p in living}
    households = [
        h
        for h in read_csv(small_borough.households)
        if h["communal"] == "false" and h["household_id"] in with_living
    ]
    assert sum(int(r["All categories: Car or van availability"]) for r in cars) == len(households)
    assert [r["LSOA11CD"] for r in cars] == [r["LSOA11CD"] for r in occupancy]


def test_census_tables_have_the_lewisham_headers(small_borough: BoroughFiles, shared_data: Path) -> None:  # noqa: F811
    lewisham = shared_data / "geography" / "lewisham"
    for ours in (
        small_borough.census_car_van,
        small_borough.census_occupancy,
        small_borough.census_education,
        small_borough.census_health,
    ):
        theirs = (lewisham / ours.name).read_text(encoding="utf-8").splitlines()[0]
        assert ours.read_text(encoding="utf-8").splitlines()[0] == theirs


def test_services_are_mapped(small_borough: BoroughFiles) -> None:  # noqa: F811
    parks = _features(small_borough.green_spaces)
    gates = read_csv(small_borough.green_space_access_points)
    assert len(parks) >= 2
    assert {g["site_id"] for g in gates} == {p["properties"]["id"] for p in parks}
    gps = read_csv(small_borough.gp_surgeries)
    kinds = {r["UPRN"]: r["CLASSIFICATION_CODE"] for r in read_csv(small_borough.gazetteer)}
    assert gps and all(kinds[g["uprn"]] == "CM02" for g in gps)


@pytest.mark.slow
def test_full_size_borough_is_in_range(tmp_path: Path) -> None:
    files = build_borough(tmp_path / "full", seed=1)
    rows = read_csv(files.gazetteer)
    assert 30_000 <= len(rows) <= 60_000
    assert 25 <= len(_features(files.lsoa_boundaries)) <= 70
    assert 10 <= len(_features(files.ward_boundaries)) <= 15
