"""Small areas for the borough: LSOAs, MSOAs and wards as polygons that tile it exactly.

Buildings are grouped into LSOAs of similar household counts by recursive bisection (split along the longer
side at the weighted median, as ONS output areas are balanced by population). Each LSOA's polygon is the union
of its buildings' Voronoi cells clipped to the borough outline, so the LSOAs cover the borough with no gaps or
overlaps and every building lies in the polygon of the LSOA it was given. MSOAs and wards are unions of whole
LSOAs, grouped the same way. Codes are GSS-shaped but fictional (E01999xxx, E02999xxx, E05999xxx).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from placehub.demo import names
from placehub.demo.layout import Layout

LAD_CODE = "E07999001"
HOUSEHOLDS_PER_LSOA = 650


@dataclass
class Area:
    code: str
    name: str
    geometry: BaseGeometry
    households: int
    parent_codes: dict[str, str]  # e.g. {"MSOA11CD": ..., "WD22CD": ...} for an LSOA


@dataclass
class Geography:
    lsoas: list[Area]
    msoas: list[Area]
    wards: list[Area]


def bisect(points: np.ndarray, weights: np.ndarray, k: int, rng: random.Random) -> np.ndarray:
    """Labels 0..k-1 splitting points into k spatially compact groups of roughly equal total weight.

    Each cut is moved up to 10% off the exact share so that area sizes vary a little, as real ones do."""
    labels = np.zeros(len(points), dtype=int)

    def split(idx: np.ndarray, k: int, first: int) -> None:
        if k == 1 or len(idx) <= 1:
            labels[idx] = first
            return
        pts = points[idx]
        axis = 0 if np.ptp(pts[:, 0]) >= np.ptp(pts[:, 1]) else 1
        order = idx[np.lexsort((pts[:, 1 - axis], pts[:, axis]))]
        k1 = k // 2
        cum = np.cumsum(weights[order])
        cut = int(np.searchsorted(cum, cum[-1] * k1 / k * rng.uniform(0.9, 1.1))) + 1
        cut = min(max(cut, 1), len(order) - 1)
        split(order[:cut], k1, first)
        split(order[cut:], k - k1, first + k1)

    split(np.arange(len(points)), k, 0)
    return labels


def build_geography(layout: Layout, seed: int) -> Geography:
    """Group buildings into LSOAs, LSOAs into MSOAs and wards; set each address's codes; return the areas."""
    rng = random.Random(f"geography-{seed}")
    buildings = [a for a in layout.addresses if not a.parent_uprn]
    homes_on_plot = Counter(a.plot for a in layout.addresses if a.is_residential)
    points = np.array([(b.x, b.y) for b in buildings])
    weights = np.array([homes_on_plot.get(b.plot, 0) + 0.01 for b in buildings])
    households = int(sum(homes_on_plot.values()))
    n_lsoa = max(2, round(households / HOUSEHOLDS_PER_LSOA))
    lsoa_label = bisect(points, weights, n_lsoa, rng)

    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=layout.outline, ordered=True)
    cells = shapely.intersection(np.asarray(cells.geoms), layout.outline)
    lsoa_geoms = [shapely.union_all(cells[lsoa_label == i]) for i in range(n_lsoa)]
    lsoa_weight = np.array([weights[lsoa_label == i].sum() for i in range(n_lsoa)])
    centroids = np.array([(g.centroid.x, g.centroid.y) for g in lsoa_geoms])

    n_msoa = max(1, round(n_lsoa / 5))
    n_ward = max(2, round(n_lsoa / 4.5))
    msoa_label = bisect(centroids, lsoa_weight, n_msoa, rng)
    ward_label = bisect(centroids, lsoa_weight, n_ward, rng)

    # ONS numbers MSOAs from north to south; LSOAs take their MSOA's number and a letter.
    msoa_order = sorted(
        range(n_msoa),
        key=lambda m: (-centroids[msoa_label == m][:, 1].mean(), centroids[msoa_label == m][:, 0].mean()),
    )
    msoa_number = {m: i + 1 for i, m in enumerate(msoa_order)}
    lsoa_order = sorted(
        range(n_lsoa), key=lambda i: (msoa_number[msoa_label[i]], -centroids[i, 1], centroids[i, 0])
    )
    letters: Counter[int] = Counter()
    lsoa_code, lsoa_name = {}, {}
    for rank, i in enumerate(lsoa_order):
        m = msoa_number[msoa_label[i]]
        lsoa_code[i] = f"E01999{rank + 1:03d}"
        lsoa_name[i] = f"{names.BOROUGH_NAME} {m:03d}{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[letters[m]]}"
        letters[m] += 1
    msoa_code = {m: f"E02999{msoa_number[m]:03d}" for m in range(n_msoa)}
    ward_code, ward_name = _ward_names(layout, buildings, lsoa_label, ward_label, centroids, n_ward)

    plot_lsoa = {b.plot: lsoa_label[j] for j, b in enumerate(buildings)}
    for a in layout.addresses:
        i = plot_lsoa[a.plot]
        a.lsoa, a.msoa, a.ward = lsoa_code[i], msoa_code[msoa_label[i]], ward_code[ward_label[i]]

    lsoa_homes = Counter(plot_lsoa[p] for p in homes_on_plot.elements())
    lsoas = [
        Area(
            lsoa_code[i],
            lsoa_name[i],
            lsoa_geoms[i],
            lsoa_homes[i],
            {"MSOA11CD": msoa_code[msoa_label[i]], "WD22CD": ward_code[ward_label[i]]},
        )
        for i in lsoa_order
    ]
    msoas = [
        Area(
            msoa_code[m],
            f"{names.BOROUGH_NAME} {msoa_number[m]:03d}",
            shapely.union_all([lsoa_geoms[i] for i in range(n_lsoa) if msoa_label[i] == m]),
            sum(lsoa_homes[i] for i in range(n_lsoa) if msoa_label[i] == m),
            {"LAD19CD": LAD_CODE},
        )
        for m in msoa_order
    ]
    wards = [
        Area(
            ward_code[w],
            ward_name[w],
            shapely.union_all([lsoa_geoms[i] for i in range(n_lsoa) if ward_label[i] == w]),
            sum(lsoa_homes[i] for i in range(n_lsoa) if ward_label[i] == w),
            {"LAD19CD": LAD_CODE},
        )
        for w in sorted(range(n_ward), key=lambda w: ward_code[w])
    ]
    return Geography(lsoas, msoas, wards)


def _ward_names(layout, buildings, lsoa_label, ward_label, centroids, n_ward):
    """Wards are named after the locality most of their homes are in; repeats get a compass point."""
    counts: dict[int, Counter[str]] = {w: Counter() for w in range(n_ward)}
    for j, b in enumerate(buildings):
        counts[ward_label[lsoa_label[j]]][b.locality or "TOWN CENTRE"] += 1
    base = {w: (c.most_common(1)[0][0] if c else "RURAL") for w, c in counts.items()}
    name: dict[int, str] = {}
    for w in range(n_ward):
        label = base[w].title() if base[w] != "TOWN CENTRE" else f"{names.BOROUGH_NAME} Central"
        twins = [v for v in range(n_ward) if base[v] == base[w]]
        if len(twins) > 1:
            ys = {v: centroids[ward_label == v][:, 1].mean() for v in twins}
            xs = {v: centroids[ward_label == v][:, 0].mean() for v in twins}
            rank = sorted(twins, key=lambda v: (-ys[v], xs[v])).index(w)
            label += " " + ["North", "South", "East", "West", "Park", "Vale"][rank % 6]
        name[w] = label
    order = sorted(range(n_ward), key=lambda w: name[w])
    code = {w: f"E05999{i + 1:03d}" for i, w in enumerate(order)}
    return code, name


_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """BNG metres to WGS84 lon/lat to 7 decimals (about 1 cm), counter-clockwise exteriors (RFC 7946)."""
    moved = shapely.transform(geom, lambda xy: np.column_stack(_TO_WGS84.transform(xy[:, 0], xy[:, 1])))
    return shapely.orient_polygons(shapely.set_precision(moved, 1e-7))


def write_areas(path: Path, areas: list[Area], code_key: str, name_key: str) -> Path:
    """One RFC 7946 FeatureCollection, properties in ONS style (e.g. LSOA11CD, LSOA11NM)."""
    features = []
    for a in areas:
        props = {code_key: a.code, name_key: a.name, **a.parent_codes, "households": a.households}
        features.append({"type": "Feature", "properties": props, "geometry": mapping(to_wgs84(a.geometry))})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")) + "\n"
    )
    return path


def write_borough(path: Path, outline: Polygon) -> Path:
    area = Area(LAD_CODE, names.BOROUGH_NAME, outline, 0, {})
    return write_areas(path, [area], "LAD19CD", "LAD19NM")
