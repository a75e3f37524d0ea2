"""The borough's physical layout: outline, neighbourhoods, streets, properties, postcodes and UPRNs.

``lay_out_borough`` is the one entry point; everything else in the demo (people, partner files, small areas)
starts from the ``Layout`` it returns. Deterministic for a seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from shapely.geometry import Polygon

from placehub.demo.addresses import Address, Builder, assign_uprns, place_services
from placehub.demo.postcodes import assign_postcodes
from placehub.demo.streets import (
    Cell,
    Neighbourhood,
    Street,
    StreetNamer,
    borough_outline,
    cells,
    lay_streets,
    neighbourhoods,
    usrns,
)

DEFAULT_HOUSEHOLDS = 38_000


@dataclass
class Layout:
    outline: Polygon
    neighbourhoods: list[Neighbourhood]
    built: list[Cell]
    park_cells: list[Cell]
    streets: list[Street]
    addresses: list[Address]

    @property
    def residential(self) -> list[Address]:
        return [a for a in self.addresses if a.is_residential]


def _character(cell: Cell, scale: float) -> str:
    h = cell.neighbourhood
    if not h.locality and math.hypot(cell.x0 + 100 - h.x, cell.y0 + 100 - h.y) < max(500 * scale, 220):
        return "centre"
    if cell.density > 0.72:
        return "urban"
    if cell.density > 0.2:
        return "suburban"
    return "rural"


def lay_out_borough(seed: int, households: int | None = None) -> Layout:
    """Lay out streets and properties until about ``households`` dwellings exist (default 38,000)."""
    target = households or DEFAULT_HOUSEHOLDS
    rng = random.Random(f"layout-{seed}")
    outline = borough_outline(rng)
    scale = min(1.0, math.sqrt(target / DEFAULT_HOUSEHOLDS))
    hoods = neighbourhoods(rng, scale)
    all_cells = cells(outline, hoods)
    ranked = sorted(all_cells, key=lambda c: -c.density * rng.uniform(0.8, 1.25))

    # Parks first: a cell or two a few hundred metres from each neighbourhood centre stays green.
    n_parks = min(14, max(2, round(target / 2700)))
    parks: list[Cell] = []
    for h in hoods[:n_parks]:
        near = [
            c
            for c in all_cells
            if 250 * scale < math.hypot(c.x0 + 100 - h.x, c.y0 + 100 - h.y) < 750 * scale + 150
            and c not in parks
        ]
        if near:
            parks.append(rng.choice(near))
    park_ids = {(c.col, c.row) for c in parks}

    namer = StreetNamer(rng)
    builder = Builder(rng)
    streets: list[Street] = []
    built: list[Cell] = []
    for cell in ranked:
        if (cell.col, cell.row) in park_ids:
            continue
        cell.character = _character(cell, scale)
        built.append(cell)
        for street in lay_streets(rng, cell, namer):
            streets.append(street)
    codes = usrns(rng, len(streets))
    for street, usrn in zip(streets, codes, strict=True):
        street.usrn = usrn
    # Lay properties street by street, stopping at the target (a cell's streets are finished first).
    streets_used: list[Street] = []
    count = 0
    for street in streets:
        if count >= target:
            break
        before = len(builder.addresses)
        builder.street(street)
        count += sum(1 for a in builder.addresses[before:] if a.is_residential)
        streets_used.append(street)
    place_services(rng, builder.addresses, target)
    assign_postcodes(rng, builder.addresses, {s.usrn: s.cell.neighbourhood.district for s in streets_used})
    assign_uprns(rng, builder.addresses)
    used_cells = {id(s.cell) for s in streets_used}
    return Layout(
        outline, hoods, [c for c in built if id(c) in used_cells], parks, streets_used, builder.addresses
    )
