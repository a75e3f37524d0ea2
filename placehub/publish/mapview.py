"""The catalogue map's data: one figure per area (the total count, or the index value) with a colour class."""

from __future__ import annotations

from typing import Any

from placehub.publish.formats import geojson
from placehub.publish.releases import Release

COLOURS = ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")  # light (low) to dark (high)
SUPPRESSED_COLOUR = "#9e9e9e"


def _figure(release: Release, props: dict[str, Any]) -> float | int | None:
    if release.meta["kind"] == "index":
        return props.get("value")
    if "total" in props:
        return props["total"]
    return props.get(release.meta["columns"][0])


def map_data(release: Release, geometries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    doc = geojson(release, geometries)
    values = sorted(v for f in doc["features"] if (v := _figure(release, f["properties"])) is not None)
    # up to five classes with equal numbers of areas
    breaks = [values[min(len(values) - 1, (len(values) * k) // 5)] for k in range(1, 5)] if values else []
    legend = []
    lo = values[0] if values else None
    for i, colour in enumerate(COLOURS):
        hi = breaks[i] if i < len(breaks) else (values[-1] if values else None)
        if lo is None or hi is None or (legend and hi <= legend[-1]["high"]):
            continue
        legend.append({"colour": colour, "low": lo, "high": hi, "label": f"{lo} to {hi}"})
        lo = hi
    legend.append({"colour": SUPPRESSED_COLOUR, "low": None, "high": None, "label": "[c] suppressed"})
    for f in doc["features"]:
        v = _figure(release, f["properties"])
        f["properties"]["value"] = v
        colour = SUPPRESSED_COLOUR
        if v is not None:
            colour = next(
                (c["colour"] for c in legend if c["high"] is not None and v <= c["high"]), COLOURS[-1]
            )
        f["properties"]["colour"] = colour
    doc["legend"] = legend
    return doc
