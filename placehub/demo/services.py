"""Public services on the map: green spaces (polygons with their access points) and GP surgeries.

Green spaces are the cells the layout kept free of building, drawn as irregular parks; each has two to four
gates (access points) on its edge, which is what access-to-green-space measures use. GP surgeries, care homes
and schools are gazetteer properties (CM02, RI01, CE02-CE04); the surgeries are also listed with their points.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from shapely.geometry import Polygon, mapping

from placehub.demo import names
from placehub.demo.addresses import Address
from placehub.demo.geography import to_wgs84
from placehub.demo.layout import Layout
from placehub.demo.streets import CELL


def write_green_spaces(out_dir: Path, layout: Layout, seed: int) -> tuple[Path, Path]:
    rng = random.Random(f"green-{seed}")
    out_dir.mkdir(parents=True, exist_ok=True)
    features, gates = [], []
    for i, cell in enumerate(layout.park_cells):
        site = f"GS{i + 1:03d}"
        name = names.PARK_NAMES[i % len(names.PARK_NAMES)].title()
        inset = lambda: rng.uniform(12, 40)  # noqa: E731 - a fresh margin for each corner
        x0, y0, x1, y1 = cell.x0, cell.y0, cell.x0 + CELL, cell.y0 + CELL
        ring = [
            (x0 + inset(), y0 + inset()),
            ((x0 + x1) / 2, y0 + inset() / 2),
            (x1 - inset(), y0 + inset()),
            (x1 - inset() / 2, (y0 + y1) / 2),
            (x1 - inset(), y1 - inset()),
            ((x0 + x1) / 2, y1 - inset() / 2),
            (x0 + inset(), y1 - inset()),
            (x0 + inset() / 2, (y0 + y1) / 2),
        ]
        park = Polygon([(round(x, 1), round(y, 1)) for x, y in ring])
        kind = rng.choice(
            ["Public park or garden", "Playing field", "Public park or garden", "Nature reserve"]
        )
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(to_wgs84(park)),
                "properties": {
                    "id": site,
                    "name": name,
                    "function": kind,
                    "area_ha": round(park.area / 10_000, 2),
                },
            }
        )
        boundary = park.exterior
        for g, label in enumerate(
            rng.sample(["North gate", "South gate", "East gate", "West gate", "Car park"], rng.randint(2, 4))
        ):
            point = boundary.interpolate(rng.uniform(0, boundary.length))
            gates.append([f"{site}-{g + 1}", f"{name} – {label}", f"{point.x:.1f}", f"{point.y:.1f}", site])
    geojson = out_dir / "green_spaces.geojson"
    geojson.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    points = out_dir / "green_space_access_points.csv"
    with points.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "x", "y", "site_id"])
        w.writerows(gates)
    return geojson, points


def write_gp_surgeries(path: Path, addresses: list[Address]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    surgeries = sorted((a for a in addresses if a.classification == "CM02"), key=lambda a: a.pao_text)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "uprn", "x", "y"])
        for i, a in enumerate(surgeries):
            w.writerow([f"Y{10001 + i}", a.pao_text.title(), a.uprn, f"{a.x:.1f}", f"{a.y:.1f}"])
    return path
