"""Boundary reading (GeoJSON, GeoPackage without GDAL), GSS codes, postcodes and point-in-polygon rules."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
import shapely.geometry
from shapely.geometry import box

from placehub.place.areas_assign import PolygonIndex
from placehub.place.areas_lookup import normalise_postcode
from placehub.place.boundaries import (
    AreaLevel,
    BoundaryError,
    BoundaryFeature,
    gpkg_header,
    level_of_code,
    read_boundaries,
)


def _gpkg(path: Path, features: list[tuple[str, str, shapely.Geometry]], *, envelope: bool = False) -> Path:
    """A minimal GeoPackage: the two catalogue tables a reader needs and one feature table."""
    con = sqlite3.connect(path)
    con.execute("create table gpkg_contents (table_name text primary key, data_type text, srs_id integer)")
    con.execute(
        "create table gpkg_geometry_columns (table_name text, column_name text, geometry_type_name text, "
        "srs_id integer, z integer, m integer)"
    )
    con.execute("insert into gpkg_contents values ('lsoa21', 'features', 27700)")
    con.execute("insert into gpkg_geometry_columns values ('lsoa21', 'geom', 'POLYGON', 27700, 0, 0)")
    con.execute("create table lsoa21 (fid integer primary key, geom blob, LSOA21CD text, LSOA21NM text)")
    for code, name, geom in features:
        if envelope:  # flags: little endian + envelope code 1 (minx, maxx, miny, maxy)
            x0, y0, x1, y1 = geom.bounds
            blob = b"GP" + bytes([0, 0x03]) + struct.pack("<i", 27700) + struct.pack("<4d", x0, x1, y0, y1)
        else:
            blob = gpkg_header(27700)
        con.execute(
            "insert into lsoa21 (geom, LSOA21CD, LSOA21NM) values (?, ?, ?)",
            [blob + shapely.to_wkb(geom), code, name],
        )
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("envelope", [False, True])
def test_geopackage_read_without_gdal(tmp_path, envelope):
    path = _gpkg(
        tmp_path / "lsoa.gpkg",
        [("E01000002", "Second", box(100, 0, 200, 100)), ("E01000001", "First", box(0, 0, 100, 100))],
        envelope=envelope,
    )
    feats = read_boundaries(path)
    assert [(f.code, f.name, f.level, f.geometry.area) for f in feats] == [
        ("E01000002", "Second", AreaLevel.LSOA, 10_000.0),
        ("E01000001", "First", AreaLevel.LSOA, 10_000.0),
    ]


def test_geojson_in_wgs84_is_reprojected_to_bng(tmp_path):
    # A 0.01° square near Lewisham: about 694 m east-west by 1,112 m north-south on the National Grid.
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"WD22CD": "E05000001", "WD22NM": "Somewhere"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[-0.02, 51.45], [-0.01, 51.45], [-0.01, 51.46], [-0.02, 51.46], [-0.02, 51.45]]
                    ],
                },
            }
        ],
    }
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps(doc))
    (f,) = read_boundaries(path)
    assert (f.code, f.name, f.level) == ("E05000001", "Somewhere", AreaLevel.WARD)
    x0, y0, _, _ = f.geometry.bounds
    assert 537_000 < x0 < 538_000 and 174_000 < y0 < 175_000
    # the grid's area equals the ellipsoidal area to within the projection's scale error (< 0.1% here)
    geodesic, _ = pyproj.Geod(ellps="WGS84").geometry_area_perimeter(
        shapely.geometry.shape(doc["features"][0]["geometry"])
    )
    assert abs(f.geometry.area / abs(geodesic) - 1) < 0.001


def test_no_gss_codes_is_a_clear_error(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": 1, "label": "x"},
                "geometry": {"type": "Point", "coordinates": [0, 51]},
            }
        ],
    }
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(
        BoundaryError, match="no property holds a unique ONS GSS code .* properties seen: id, label"
    ):
        read_boundaries(path)


def test_gss_levels_and_postcodes():
    assert [
        level_of_code(c)
        for c in ["E01003189", "E02006784", "E05013720", "E09000023", "E00016368", "W01000001", "X01", "E01"]
    ] == [
        AreaLevel.LSOA,
        AreaLevel.MSOA,
        AreaLevel.WARD,
        AreaLevel.LAD,
        AreaLevel.OA,
        AreaLevel.LSOA,
        None,
        None,
    ]
    assert [
        normalise_postcode(p) for p in ["se64rj", "SE6  4RJ", "br1 4by ", "EC1A1BB", "nonsense", None]
    ] == ["SE6 4RJ", "SE6 4RJ", "BR1 4BY", "EC1A 1BB", None, None]


def test_point_in_polygon_boundary_rule():
    feats = [
        BoundaryFeature("E01000002", None, AreaLevel.LSOA, box(100, 0, 200, 100)),
        BoundaryFeature("E01000001", None, AreaLevel.LSOA, box(0, 0, 100, 100)),
    ]
    idx = PolygonIndex(feats)
    got = idx.locate(
        np.array([50.0, 150.0, 100.0, 100.0, 300.0, np.nan]), np.array([50.0, 50.0, 50.0, 100.0, 50.0, 50.0])
    )
    # on the shared edge (and the shared corner) the smaller code wins; outside and missing give None
    assert got.tolist() == ["E01000001", "E01000002", "E01000001", "E01000001", None, None]
    assert idx.overlap_shares(box(50, 0, 150, 100)) == {"E01000001": 0.5, "E01000002": 0.5}
