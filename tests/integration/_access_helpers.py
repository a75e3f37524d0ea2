"""A constructed place for geography, access and hotspot tests: a 20 × 10 grid of UPRNs, 100 m apart.

Origin (530000, 170000) on the British National Grid; UPRN (i, j) sits at (530050 + 100 i, 170050 + 100 j) for
i = 0…19, j = 0…9. LSOA E01000001 covers i ≤ 9 (x < 531000), E01000002 the rest; one ward covers both.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from shapely.geometry import box, mapping

from placehub.place.geography import assign_uprns, load_geography
from placehub.store import Vault

X0, Y0 = 530_000.0, 170_000.0


def feature_collection(features: list[tuple[dict, object]]) -> dict:
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "features": [{"type": "Feature", "properties": p, "geometry": mapping(g)} for p, g in features],
    }


def write_json(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def grid_uprns() -> pd.DataFrame:
    rows = [
        (f"{100000 + 100 * i + j}", X0 + 50 + 100 * i, Y0 + 50 + 100 * j, "RD04" if j else "CR01")
        for i in range(20)
        for j in range(10)
    ]
    return pd.DataFrame(rows, columns=["uprn", "x", "y", "classification"])


def build_grid_place(vault: Vault, folder: Path) -> pd.DataFrame:
    """Write boundaries, load them, create the gazetteer and assign UPRNs. Returns the gazetteer frame."""
    lsoa = write_json(
        folder / "lsoa.geojson",
        feature_collection(
            [
                ({"LSOA21CD": "E01000001", "LSOA21NM": "Grid 001A"}, box(X0, Y0, X0 + 1000, Y0 + 1000)),
                (
                    {"LSOA21CD": "E01000002", "LSOA21NM": "Grid 001B"},
                    box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
                ),
            ]
        ),
    )
    ward = write_json(
        folder / "ward.geojson",
        feature_collection(
            [
                ({"WD22CD": "E05000001", "WD22NM": "Grid Ward"}, box(X0, Y0, X0 + 2000, Y0 + 1000)),
            ]
        ),
    )
    load_geography(vault, [lsoa, ward])
    gaz = grid_uprns()
    with vault.connect() as con:
        con.execute(
            "create table gazetteer (uprn varchar, postcode varchar, classification varchar, x double, "
            "y double, lsoa varchar, msoa varchar, ward varchar)"
        )
        con.register("g", gaz)
        con.execute("insert into gazetteer select uprn, null, classification, x, y, null, null, null from g")
    assign_uprns(vault)
    return gaz
