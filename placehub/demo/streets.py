"""The borough's shape, its neighbourhoods and its streets (with USRNs and realistic, sometimes repeated,
names).

The borough is an irregular outline about 8 km by 6 km in British National Grid (EPSG:27700), placed in the
East Midlands countryside where no real town of this name exists. It is cut into 200 m cells; the densest
cells (near the town centre and its villages' centres) are built on first until the requested number of homes
is reached. Each built cell holds one to three parallel streets, so streets never cross and every building has
its own point.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from shapely.geometry import Polygon, box

from placehub.demo import names

ORIGIN_E = 452_000.0  # south-west corner of the borough's bounding box (BNG metres)
ORIGIN_N = 318_000.0
WIDTH = 8_000.0
HEIGHT = 6_000.0
CELL = 200.0

TOWN_CENTRE = ""  # the post town's own centre carries no locality line


@dataclass(frozen=True)
class Neighbourhood:
    locality: str  # "" for the town centre
    x: float
    y: float
    radius: float  # spread of its built-up area (m)
    weight: float  # how dense its core is, relative to the town centre
    district: int  # postcode district number (YQ<district>)


@dataclass
class Cell:
    col: int
    row: int
    x0: float
    y0: float
    density: float
    neighbourhood: Neighbourhood
    character: str = ""  # centre | urban | suburban | rural, set once the cells to build are chosen

    @property
    def geometry(self) -> Polygon:
        return box(self.x0, self.y0, self.x0 + CELL, self.y0 + CELL)


@dataclass
class Street:
    usrn: str
    name: str
    locality: str
    town: str
    x0: float
    y0: float
    x1: float
    y1: float
    cell: Cell

    @property
    def length(self) -> float:
        return math.hypot(self.x1 - self.x0, self.y1 - self.y0)


def borough_outline(rng: random.Random) -> Polygon:
    """An irregular closed outline (a perturbed ellipse) inside the bounding box."""
    cx, cy = ORIGIN_E + WIDTH / 2, ORIGIN_N + HEIGHT / 2
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(4)]
    amps = [0.06, 0.04, 0.025, 0.015]
    pts = []
    for i in range(180):
        t = 2 * math.pi * i / 180
        r = 1.0 + sum(
            a * math.sin((k + 2) * t + p) for k, (a, p) in enumerate(zip(amps, phases, strict=True))
        )
        r = min(r, 0.985)
        pts.append((round(cx + r * WIDTH / 2 * math.cos(t), 1), round(cy + r * HEIGHT / 2 * math.sin(t), 1)))
    return Polygon(pts)


def neighbourhoods(rng: random.Random, scale: float = 1.0) -> list[Neighbourhood]:
    """The town centre plus villages and estates spread around it.

    ``scale`` shrinks every built-up area (a small demo borough is a miniature of the full one, with the same
    mix of town centre, terraces, suburbs and villages, rather than just its town centre)."""
    result = [Neighbourhood(TOWN_CENTRE, ORIGIN_E + WIDTH / 2, ORIGIN_N + HEIGHT / 2, 1000.0 * scale, 1.0, 1)]
    # Fixed ring positions (fractions of the box), jittered by the seed, keep villages apart.
    ring = [
        (0.2, 0.75),
        (0.5, 0.85),
        (0.8, 0.75),
        (0.85, 0.45),
        (0.78, 0.2),
        (0.5, 0.15),
        (0.22, 0.22),
        (0.15, 0.5),
        (0.35, 0.55),
        (0.65, 0.6),
        (0.62, 0.35),
        (0.38, 0.35),
    ]
    for i, (locality, (fx, fy)) in enumerate(zip(names.LOCALITIES, ring, strict=True)):
        inner = fx in (0.35, 0.65, 0.62, 0.38)
        result.append(
            Neighbourhood(
                locality,
                ORIGIN_E + (fx + rng.uniform(-0.04, 0.04)) * WIDTH,
                ORIGIN_N + (fy + rng.uniform(-0.04, 0.04)) * HEIGHT,
                (rng.uniform(550, 800) if inner else rng.uniform(380, 600)) * scale,
                rng.uniform(0.75, 0.95) if inner else rng.uniform(0.45, 0.75),
                i + 2,
            )
        )
    return result


def cells(outline: Polygon, hoods: list[Neighbourhood]) -> list[Cell]:
    """Every 200 m cell fully inside the outline, with its density and nearest neighbourhood."""
    result = []
    for col in range(int(WIDTH // CELL)):
        for row in range(int(HEIGHT // CELL)):
            x0, y0 = ORIGIN_E + col * CELL, ORIGIN_N + row * CELL
            if not outline.contains(box(x0, y0, x0 + CELL, y0 + CELL)):
                continue
            cx, cy = x0 + CELL / 2, y0 + CELL / 2
            scores = [
                h.weight * math.exp(-((cx - h.x) ** 2 + (cy - h.y) ** 2) / (2 * h.radius**2)) for h in hoods
            ]
            best = max(range(len(hoods)), key=scores.__getitem__)
            result.append(Cell(col, row, x0, y0, scores[best], hoods[best]))
    return result


class StreetNamer:
    """Names unique within a locality; the common names (HIGH STREET, CHURCH ROAD) recur across localities."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: dict[str, set[str]] = {}
        self.common: dict[str, list[str]] = {}
        self.types = [t for t, _ in names.STREET_TYPES]
        self.type_weights = [w for _, w in names.STREET_TYPES]

    def name(self, locality: str, *, short: bool) -> str:
        used = self.used.setdefault(locality, set())
        if locality not in self.common:
            pool = [n for n in names.COMMON_STREETS if n != "HIGH STREET"]
            picks = self.rng.sample(pool, self.rng.randint(2, 4))
            self.common[locality] = ["HIGH STREET", *picks] if self.rng.random() < 0.8 else picks
        if self.common[locality] and not short:
            candidate = self.common[locality].pop(0)
            used.add(candidate)
            return candidate
        for _ in range(200):
            stem = self.rng.choice(names.STREET_STEMS)
            kind = (
                self.rng.choice(["CLOSE", "COURT", "MEWS", "WAY", "GARDENS"])
                if short
                else self.rng.choices(self.types, self.type_weights)[0]
            )
            candidate = f"{stem} {kind}"
            if candidate not in used:
                used.add(candidate)
                return candidate
        raise RuntimeError("street names exhausted")  # pragma: no cover - 150 stems x 16 types


def usrns(rng: random.Random, n: int) -> list[str]:
    """Unique 8-digit USRNs in a random, non-sequential order (as a real authority's would look)."""
    return [str(20_000_000 + v) for v in rng.sample(range(10_000_000), n)]


def lay_streets(rng: random.Random, cell: Cell, namer: StreetNamer) -> list[Street]:
    """One to three parallel streets across a cell (shorter closes in suburban and rural cells)."""
    count = {"centre": 3, "urban": rng.choice([2, 3]), "suburban": 2, "rural": 1}[cell.character]
    horizontal = rng.random() < 0.5
    result = []
    for i in range(count):
        offset = CELL * (i + 0.5) / count
        short = cell.character in ("suburban", "rural") and rng.random() < 0.35
        length = rng.uniform(70, 110) if short else rng.uniform(150, 185)
        start = rng.uniform(8, CELL - 8 - length)
        if horizontal:
            x0, y0 = cell.x0 + start, cell.y0 + offset
            x1, y1 = x0 + length, y0
        else:
            x0, y0 = cell.x0 + offset, cell.y0 + start
            x1, y1 = x0, y0 + length
        locality = cell.neighbourhood.locality
        result.append(
            Street("", namer.name(locality, short=short), locality, names.POST_TOWN, x0, y0, x1, y1, cell)
        )
    return result
