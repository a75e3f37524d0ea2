"""Lewisham's real boundaries and postcode lookup: loaded, checked against each other, assigning UPRNs."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from placehub.place.areas_check import label_points_check, lookup_agreement
from placehub.place.areas_lookup import read_postcode_lookup
from placehub.place.areas_store import read_areas
from placehub.place.boundaries import read_boundaries
from placehub.place.geography import assign_uprns, load_geography
from placehub.store import Vault

pytestmark = pytest.mark.shared_data

LSOA = "lbl_lsoa11_full.json"
WARD = "lbl_wd22_proposed_wgs84.geojson"
LOOKUP = "lbl_postcode_oa11_lsoa11_msoa11_wd22.csv"


@pytest.fixture(scope="module")
def lewisham(shared_data):
    folder = shared_data / "geography/lewisham"
    return (
        read_boundaries(folder / LSOA),
        read_boundaries(folder / WARD),
        read_postcode_lookup(folder / LOOKUP),
    )


def test_every_lsoa_centroid_lands_in_its_own_polygon(lewisham):
    lsoas, _, _ = lewisham
    check = label_points_check(
        lsoas, [f.properties["BNG_E"] for f in lsoas], [f.properties["BNG_N"] for f in lsoas]
    )
    assert (check.areas, check.inside_own, check.wrong) == (169, 169, [])
    # reprojection WGS84 → British National Grid keeps the published areas (Shape__Are, m²) to within 1 m²
    assert max(abs(f.geometry.area - f.properties["Shape__Are"]) for f in lsoas) < 1.0


def test_postcode_lookup_agrees_with_the_ward_polygons(lewisham):
    lsoas, wards, lookup = lewisham
    assert (len(lookup.table), int(lookup.table["live"].sum())) == (8419, 4969)
    agreement = lookup_agreement(lookup.table, lsoas, wards)
    # every live postcode's ward overlaps its LSOA; 2011 LSOAs straddle 2022 wards, so the stricter
    # "lookup ward = ward holding most of the LSOA" holds for 95.1% of live postcodes
    assert agreement.live_postcodes == 4969
    assert agreement.overlapping == 4969
    assert agreement.best_fit == 4727
    assert agreement.best_fit_share >= 0.95
    assert (agreement.lsoas_within_one_ward, agreement.lsoas) == (123, 169)


def test_load_assign_and_fill_the_gazetteer(settings, shared_data, lewisham):
    lsoas, wards, lookup = lewisham
    folder = shared_data / "geography/lewisham"
    vault = Vault(settings.vault_path)
    loaded = load_geography(vault, [folder / LSOA, folder / WARD], folder / LOOKUP)
    assert loaded.areas == {"lsoa": 169, "ward": 19, "msoa": 36}
    assert loaded.derived == {"msoa": 36}
    assert (loaded.postcodes, loaded.live_postcodes) == (8419, 4969)

    # One UPRN at each LSOA's centroid, one without coordinates (postcode fallback), one far outside.
    live = lookup.live.sort_values("postcode").iloc[0]
    gaz = pd.DataFrame(
        {
            "uprn": [f"1000{i:08d}" for i in range(169)] + ["999000000001", "999000000002"],
            "postcode": [None] * 169 + [live["postcode"], "ZZ9 9ZZ"],
            "x": [f.properties["BNG_E"] for f in lsoas] + [None, 100.0],
            "y": [f.properties["BNG_N"] for f in lsoas] + [None, 100.0],
        }
    )
    gaz = pd.concat([gaz, gaz.iloc[[0]]], ignore_index=True)  # a UPRN repeated, as real gazetteers do
    with vault.connect() as con:
        con.execute(
            "create table gazetteer (uprn varchar, postcode varchar, x double, y double, "
            "lsoa varchar, msoa varchar, ward varchar)"
        )
        con.register("g", gaz)
        con.execute("insert into gazetteer select uprn, postcode, x, y, null, null, null from g")
    summary = assign_uprns(vault)
    assert summary.uprns == 171
    assert summary.methods["lsoa"] == {"none": 1, "polygon": 169, "postcode": 1}
    assert summary.methods["msoa"] == {"none": 1, "polygon": 169, "postcode": 1}
    assert summary.methods["ward"] == {"none": 1, "polygon": 169, "postcode": 1}

    parents = lookup.table.dropna(subset=["lsoa"]).groupby("lsoa")["msoa"].agg(lambda s: s.mode().iloc[0])
    with vault.connect(read_only=True) as con:
        got = con.execute("select uprn, lsoa, msoa, ward from gazetteer order by uprn").df()
        assert got["uprn"].duplicated().sum() == 1
        assert got[got["uprn"] == "100000000000"]["lsoa"].tolist() == [lsoas[0].code] * 2
        got = got.drop_duplicates("uprn").set_index("uprn")
        stored = read_areas(con, "msoa")
    for i, f in enumerate(lsoas):
        row = got.loc[f"1000{i:08d}"]
        assert row["lsoa"] == f.code
        assert row["msoa"] == parents[f.code]
        point = shapely.Point(f.properties["BNG_E"], f.properties["BNG_N"])
        assert row["ward"] == next(w.code for w in wards if w.geometry.intersects(point))
    fallback = got.loc["999000000001"]
    assert (fallback["lsoa"], fallback["msoa"], fallback["ward"]) == (
        live["lsoa"],
        live["msoa"],
        live["ward"],
    )
    assert got.loc["999000000002"].isna().all()
    # derived MSOAs tile the borough exactly as the LSOAs do
    lsoa_union = shapely.union_all([f.geometry for f in lsoas])
    msoa_union = shapely.union_all([f.geometry for f in stored])
    assert abs(lsoa_union.area - msoa_union.area) < 1.0
