"""Boundary files → small-area polygons on the British National Grid.

Reads GeoJSON (RFC 7946 WGS84, or a FeatureCollection whose ``crs`` names EPSG:27700) and OGC GeoPackage
files.
GeoPackage is read with the standard library's sqlite3 and shapely (a GeoPackage geometry is a small header
followed by WKB), so no GDAL is needed. Everything is reprojected to EPSG:27700 (metres) because distances,
areas and point-in-polygon tests on the council's UPRN coordinates all happen there.
"""

from __future__ import annotations

import json
import re
import sqlite3
import struct
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from placehub.errors import PlacehubUserError

BNG = 27700
WGS84 = 4326


class BoundaryError(PlacehubUserError):
    """A boundary file cannot be read or does not carry recognisable ONS GSS codes."""


class AreaLevel(StrEnum):
    OA = "oa"
    LSOA = "lsoa"
    MSOA = "msoa"
    WARD = "ward"
    LAD = "lad"


# ONS GSS entity codes (first three characters) for England (E) and Wales (W).
_GSS_LEVEL = {
    "00": AreaLevel.OA,
    "01": AreaLevel.LSOA,
    "02": AreaLevel.MSOA,
    "05": AreaLevel.WARD,
    "06": AreaLevel.LAD,
    "07": AreaLevel.LAD,
    "08": AreaLevel.LAD,
    "09": AreaLevel.LAD,
}
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")


def level_of_code(code: str) -> AreaLevel | None:
    """The small-area level an ONS GSS code belongs to (E01… = LSOA, E05… = ward…), or None."""
    if not GSS_CODE.match(code):
        return None
    return _GSS_LEVEL.get(code[1:3])


@dataclass
class BoundaryFeature:
    code: str
    name: str | None
    level: AreaLevel
    geometry: BaseGeometry  # EPSG:27700
    properties: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=8)
def _transformer(src: int, dst: int):  # type: ignore[no-untyped-def]
    import pyproj

    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def reproject(geom: BaseGeometry, src: int, dst: int) -> BaseGeometry:
    """Reproject a shapely geometry between EPSG codes (lon/lat order for WGS84)."""
    if src == dst:
        return geom
    t = _transformer(src, dst)

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = t.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def reproject_points(x: np.ndarray, y: np.ndarray, src: int, dst: int) -> tuple[np.ndarray, np.ndarray]:
    if src == dst:
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ox, oy = _transformer(src, dst).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(ox), np.asarray(oy)


def bng_to_latlon(x: float, y: float) -> tuple[float, float]:
    """A British National Grid point as (lat, lon), to six decimal places (about 10 cm): a map pin."""
    lon, lat = _transformer(27700, 4326).transform(x, y)
    return round(lat, 6), round(lon, 6)


def geojson_crs(doc: dict[str, Any]) -> int:
    name = str(((doc.get("crs") or {}).get("properties") or {}).get("name", ""))
    m = re.search(r"EPSG:+(\d+)", name)
    return int(m.group(1)) if m else WGS84


def _detect_fields(
    props: list[dict[str, Any]], code_field: str | None, name_field: str | None
) -> tuple[str, str | None]:
    """Choose the column holding GSS codes (all values GSS-shaped, one level) and its name column."""
    if not props:
        raise BoundaryError("the boundary file has no features")
    if code_field is None:
        candidates = []
        for key in props[0]:
            values = [str(p.get(key) or "") for p in props]
            levels = {level_of_code(v) for v in values}
            if None not in levels and len(levels) == 1 and len(set(values)) == len(values):
                candidates.append(key)
        if not candidates:
            raise BoundaryError(
                "no property holds a unique ONS GSS code (E01…, E02…, E05…) for every feature; "
                f"properties seen: {', '.join(props[0])}. Pass --code-field to name it."
            )
        # Prefer a field named like LSOA11CD / WD22CD over e.g. a generic `ons_code` duplicate.
        candidates.sort(key=lambda k: (not k.upper().endswith("CD"), k))
        code_field = candidates[0]
    elif code_field not in props[0]:
        raise BoundaryError(f"property {code_field!r} not found; properties seen: {', '.join(props[0])}")
    if name_field is None:
        stem = code_field.upper()[:-2] if code_field.upper().endswith("CD") else None
        keys = list(props[0])
        by_stem = [k for k in keys if stem and k.upper() == stem + "NM"]
        generic = [k for k in keys if k.lower() in ("name", "nm")]
        name_field = (by_stem or generic or [None])[0]
    return code_field, name_field


def _features(
    records: list[tuple[dict[str, Any], BaseGeometry]],
    src_crs: int,
    code_field: str | None,
    name_field: str | None,
) -> list[BoundaryFeature]:
    props = [p for p, _ in records]
    code_field, name_field = _detect_fields(props, code_field, name_field)
    out = []
    for p, geom in records:
        code = str(p[code_field]).strip()
        level = level_of_code(code)
        if level is None:
            raise BoundaryError(f"{code_field}={code!r} is not an ONS GSS code")
        geom = reproject(geom, src_crs, BNG)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        out.append(BoundaryFeature(code, str(p[name_field]) if name_field else None, level, geom, p))
    return out


def read_geojson(
    path: Path, *, code_field: str | None = None, name_field: str | None = None
) -> list[BoundaryFeature]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BoundaryError(f"cannot read GeoJSON {path}: {exc}") from exc
    if doc.get("type") != "FeatureCollection":
        raise BoundaryError(f"{path} is not a GeoJSON FeatureCollection")
    records = [
        (f.get("properties") or {}, shape(f["geometry"])) for f in doc["features"] if f.get("geometry")
    ]
    return _features(records, geojson_crs(doc), code_field, name_field)


def gpkg_geometry(blob: bytes) -> BaseGeometry:
    """Decode one GeoPackage geometry: 'GP', version, flags, srs_id, optional envelope, then WKB."""
    if blob[:2] != b"GP":
        raise BoundaryError("not a GeoPackage geometry blob")
    flags = blob[3]
    envelope_len = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0x07)
    if envelope_len is None:
        raise BoundaryError("GeoPackage geometry has an invalid envelope code")
    return shapely.from_wkb(blob[8 + envelope_len :])


def gpkg_header(srs_id: int, little_endian: bool = True) -> bytes:
    """The 8-byte GeoPackage header without envelope (used to write test fixtures and exports)."""
    flags = 0x01 if little_endian else 0x00
    return b"GP" + bytes([0, flags]) + struct.pack("<i" if little_endian else ">i", srs_id)


def read_geopackage(
    path: Path, *, layer: str | None = None, code_field: str | None = None, name_field: str | None = None
) -> list[BoundaryFeature]:
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select table_name, column_name, srs_id from gpkg_geometry_columns order by table_name"
        ).fetchall()
        if not rows:
            raise BoundaryError(f"{path} has no geometry layers (gpkg_geometry_columns is empty)")
        if layer is None:
            if len(rows) > 1:
                raise BoundaryError(
                    f"{path} has several layers ({', '.join(r[0] for r in rows)}): pass --layer"
                )
            chosen = rows[0]
        else:
            matches = [r for r in rows if r[0] == layer]
            if not matches:
                raise BoundaryError(f"layer {layer!r} not in {path}; layers: {', '.join(r[0] for r in rows)}")
            chosen = matches[0]
        table, geom_col, srs_id = chosen
        cur = con.execute(f'select * from "{table}"')  # noqa: S608 (names come from the file's own catalogue)
        cols = [d[0] for d in cur.description]
        records = []
        for row in cur:
            rec = dict(zip(cols, row, strict=True))
            blob = rec.pop(geom_col)
            if blob is not None:
                records.append((rec, gpkg_geometry(blob)))
    except sqlite3.DatabaseError as exc:
        raise BoundaryError(f"cannot read GeoPackage {path}: {exc}") from exc
    finally:
        con.close()
    return _features(records, int(srs_id), code_field, name_field)


def read_boundaries(
    path: Path | str,
    *,
    layer: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
) -> list[BoundaryFeature]:
    """Read a boundary file (GeoJSON or GeoPackage, by extension) into features on EPSG:27700."""
    path = Path(path)
    if not path.is_file():
        raise BoundaryError(f"boundary file not found: {path}")
    if path.suffix.lower() == ".gpkg":
        return read_geopackage(path, layer=layer, code_field=code_field, name_field=name_field)
    if path.suffix.lower() in (".json", ".geojson"):
        return read_geojson(path, code_field=code_field, name_field=name_field)
    raise BoundaryError(f"{path.name}: boundary files must be .geojson, .json or .gpkg")
