"""Vault area tables: ``areas`` (polygons with GSS codes), ``postcode_areas`` (the lookup), ``uprn_areas``.

Geometry is kept twice: WKB on the British National Grid for analysis and GeoJSON in WGS84 (6 decimals, about
0.1 m) for maps, so a web page never needs a projection library.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from placehub.place.boundaries import BNG, WGS84, AreaLevel, BoundaryFeature, reproject

AREAS_DDL = """
create table if not exists areas (
    code varchar not null,
    name varchar,
    level varchar not null,
    parent_code varchar,
    lad_code varchar,
    area_m2 double,
    label_x double,
    label_y double,
    geometry_wkb blob,
    geojson varchar,
    source varchar,
    primary key (level, code)
)
"""

POSTCODES_DDL = """
create table if not exists postcode_areas (
    postcode varchar primary key,
    oa varchar, lsoa varchar, msoa varchar, lad varchar, ward varchar,
    introduced varchar, terminated varchar, live boolean
)
"""

UPRN_AREAS_DDL = """
create table if not exists uprn_areas (
    uprn varchar primary key,
    lsoa varchar, msoa varchar, ward varchar,
    lsoa_method varchar, msoa_method varchar, ward_method varchar
)
"""


def _geojson_wgs84(geom: BaseGeometry) -> str:
    g = shapely.set_precision(reproject(geom, BNG, WGS84), 1e-6)
    return json.dumps(shapely.geometry.mapping(g), separators=(",", ":"))


def write_areas(
    con: duckdb.DuckDBPyConnection,
    features: list[BoundaryFeature],
    *,
    parents: dict[str, str],
    lads: dict[str, str],
    source: str,
) -> int:
    """Replace the areas of the features' level(s) with these features."""
    con.execute(AREAS_DDL)
    rows = []
    for f in features:
        label = f.geometry.representative_point()
        rows.append(
            {
                "code": f.code,
                "name": f.name,
                "level": f.level.value,
                "parent_code": parents.get(f.code),
                "lad_code": lads.get(f.code),
                "area_m2": float(f.geometry.area),
                "label_x": float(label.x),
                "label_y": float(label.y),
                "geometry_wkb": shapely.to_wkb(f.geometry),
                "geojson": _geojson_wgs84(f.geometry),
                "source": source,
            }
        )
    df = pd.DataFrame(rows)
    for level in sorted({f.level.value for f in features}):
        con.execute("delete from areas where level = ?", [level])
    con.register("_areas_in", df)
    con.execute("insert into areas select * from _areas_in")
    con.unregister("_areas_in")
    return len(rows)


def read_areas(con: duckdb.DuckDBPyConnection, level: AreaLevel | str) -> list[BoundaryFeature]:
    """The stored polygons of one level, ordered by code."""
    rows = con.execute(
        "select code, name, level, parent_code, lad_code, geometry_wkb from areas where level = ? "
        "order by code",
        [str(AreaLevel(level).value)],
    ).fetchall()
    return [
        BoundaryFeature(
            code, name, AreaLevel(lvl), shapely.from_wkb(bytes(wkb)), {"parent_code": parent, "lad_code": lad}
        )
        for code, name, lvl, parent, lad, wkb in rows
    ]


def write_postcodes(con: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> int:
    con.execute(POSTCODES_DDL)
    con.execute("delete from postcode_areas")
    cols = ["postcode", "oa", "lsoa", "msoa", "lad", "ward", "introduced", "terminated", "live"]
    con.register("_pc_in", table[cols])
    con.execute(f"insert into postcode_areas select {', '.join(cols)} from _pc_in")  # noqa: S608 (fixed names)
    con.unregister("_pc_in")
    return len(table)
