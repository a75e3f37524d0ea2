"""Place map data: an index (or one of its parts) by LSOA or ward as GeoJSON, its legend, and area profiles.

Values come from the vault's ``index_values`` (``placehub index build``) and polygons from ``areas``
(written by ``placehub geography load``, GeoJSON in WGS84): aggregates only, no person-level data. Index
choices, choropleths and area profiles are cached until the vault changes (``vault_read.cached``): every user
of the map asks for the same few figures, which change only when an index or boundaries are rebuilt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from placehub.errors import NotFound
from placehub.settings import Settings
from placehub.web.vault_read import cached, tables, vault_reader

MAP_TABLES = frozenset({"index_values", "areas"})  # every vault table the map's reads below look at

LEVELS = {"lsoa": "LSOA", "ward": "ward", "msoa": "MSOA"}
# Five classes, light to dark (ColorBrewer YlGnBu); the darkest holds the highest values.
COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")


@dataclass(frozen=True)
class IndexChoice:
    index: str
    level: str
    components: list[str]


@dataclass(frozen=True)
class LegendClass:
    colour: str
    low: float
    high: float


@dataclass
class Choropleth:
    index: str
    level: str
    component: str
    features: list[dict] = field(default_factory=list)
    legend: list[LegendClass] = field(default_factory=list)
    missing_areas: int = 0  # areas with a value but no polygon

    def geojson(self) -> dict:
        return {
            "type": "FeatureCollection",
            "features": self.features,
            "legend": [c.__dict__ for c in self.legend],
            "index": self.index,
            "level": self.level,
            "component": self.component,
        }


def index_choices(settings: Settings) -> list[IndexChoice]:
    return list(cached(settings, "map.index_choices", lambda: _read_index_choices(settings), MAP_TABLES))


def _read_index_choices(settings: Settings) -> tuple[IndexChoice, ...]:
    with vault_reader(settings) as v:
        if v is None or not tables(*v, "index_values"):
            return []
        rows = (
            v[1]
            .execute(
                'select "index", level, list(distinct component order by component) from index_values '
                'group by "index", level order by "index", level'
            )
            .fetchall()
        )
    return tuple(IndexChoice(i, lv, [c for c in comps if c == "index"] + [c for c in comps if c != "index"])
                 for i, lv, comps in rows)  # fmt: skip


def legend(values: list[float]) -> list[LegendClass]:
    """Up to five classes holding equal numbers of areas (quintiles), light (low) to dark (high)."""
    vals = sorted(values)
    k = min(len(COLOURS), len(set(vals)))
    if k == 0:
        return []
    palette = COLOURS[len(COLOURS) - k :]
    n = len(vals)
    chunks = [vals[i * n // k : (i + 1) * n // k] for i in range(k)]
    return [LegendClass(palette[i], c[0], c[-1]) for i, c in enumerate(chunks) if c]


def colour_for(value: float | None, classes: list[LegendClass]) -> str | None:
    if value is None or not classes:
        return None
    for c in classes:
        if value <= c.high:
            return c.colour
    return classes[-1].colour


def choropleth(settings: Settings, index: str, level: str, component: str = "index") -> Choropleth:
    """The index part by area with its legend; shared between requests, so callers must not change it."""
    if level not in LEVELS:
        raise NotFound(f"'{level}' is not a map level: choose one of {', '.join(LEVELS)}.")
    return cached(settings, ("map.choropleth", index, level, component),
                  lambda: _read_choropleth(settings, index, level, component), MAP_TABLES)  # fmt: skip


def choropleth_json(settings: Settings, index: str, level: str, component: str = "index") -> bytes:
    """The choropleth's GeoJSON, encoded once per vault state (a route can send it as it is)."""
    data = choropleth(settings, index, level, component)

    def encode() -> bytes:
        # as JSONResponse would encode it (no NaN: not JSON)
        return json.dumps(data.geojson(), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()

    return cached(settings, ("map.choropleth.json", index, level, component), encode, MAP_TABLES)


def _read_choropleth(settings: Settings, index: str, level: str, component: str) -> Choropleth:
    result = Choropleth(index, level, component)
    with vault_reader(settings) as v:
        if v is None or not tables(*v, "index_values"):
            raise NotFound("No index has been built yet: run `placehub index build NAME`.")
        vault, con = v
        values = con.execute(
            'select area_code, value, rank, decile from index_values where "index" = ? and lower(level) = ? '
            "and component = ? order by area_code",
            [index, level, component],
        ).fetchall()
        if not values:
            raise NotFound(f"There are no values of '{index}' ({component}) by {LEVELS[level]}.")
        shapes: dict[str, tuple[str | None, str]] = {}
        if tables(vault, con, "areas"):
            shapes = {
                code: (name, geo)
                for code, name, geo in con.execute(
                    "select code, name, geojson from areas where lower(level) = ?", [level]
                ).fetchall()
            }
    result.legend = legend([float(v[1]) for v in values if v[1] is not None])
    for code, value, rank, decile in values:
        if code not in shapes:
            result.missing_areas += 1
            continue
        name, geo = shapes[code]
        result.features.append({
            "type": "Feature",
            "id": code,
            "properties": {
                "code": code, "name": name or code, "value": value, "rank": rank, "decile": decile,
                "colour": colour_for(value, result.legend), "href": f"/areas/{level}/{code}",
            },
            "geometry": json.loads(geo),
        })  # fmt: skip
    return result


@dataclass(frozen=True)
class AreaValue:
    index: str
    component: str
    kind: str
    value: float | None
    rank: int | None
    decile: int | None


@dataclass
class AreaProfile:
    level: str
    code: str
    name: str
    parent_code: str | None
    area_km2: float | None
    addresses: int | None
    values: list[AreaValue] = field(default_factory=list)


def area_profile(settings: Settings, level: str, code: str) -> AreaProfile:
    """An area's name, size, address count and index values (aggregates; shared between requests)."""
    if level not in LEVELS:
        raise NotFound(f"'{level}' is not an area level: choose one of {', '.join(LEVELS)}.")
    return cached(settings, ("map.area", level, code), lambda: _read_area_profile(settings, level, code),
                  MAP_TABLES | {"gazetteer"})  # fmt: skip


def _read_area_profile(settings: Settings, level: str, code: str) -> AreaProfile:
    with vault_reader(settings) as v:
        if v is None:
            raise NotFound("Nothing has been loaded yet.")
        vault, con = v
        row = None
        if tables(vault, con, "areas"):
            row = con.execute(
                "select name, parent_code, area_m2 from areas where lower(level) = ? and code = ?",
                [level, code],
            ).fetchone()
        values = []
        if tables(vault, con, "index_values"):
            values = con.execute(
                'select "index", component, kind, value, rank, decile from index_values '
                "where lower(level) = ? and area_code = ? "
                "order by \"index\", component <> 'index', component",
                [level, code],
            ).fetchall()
        if row is None and not values:
            raise NotFound(f"There is no {LEVELS[level]} {code} in this place.")
        addresses = None
        if tables(vault, con, "gazetteer"):
            cols = {r[0] for r in con.execute("select column_name from (describe gazetteer)").fetchall()}
            if level in cols:
                addresses = con.execute(
                    # level is one of LEVELS (checked above), never request text
                    f"select count(distinct uprn) from gazetteer where {level} = ?",  # noqa: S608
                    [code],  # noqa: S608
                ).fetchone()[0]
    name, parent, area_m2 = row if row else (code, None, None)
    return AreaProfile(
        level=level, code=code, name=name or code, parent_code=parent,
        area_km2=round(area_m2 / 1e6, 3) if area_m2 else None, addresses=addresses,
        values=[AreaValue(*r) for r in values],
    )  # fmt: skip
