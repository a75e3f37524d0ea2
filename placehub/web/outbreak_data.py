"""Outbreak map data: the latest surveillance run's alerts (``placehub outbreak scan`` → vault
``outbreak_alerts``) as clusters with their time frame, p-value and recurrence interval, and the care homes
and schools near each.

Counts and circles only: a cluster is its number of cases, expected cases, radius and days. Its centre in the
vault is a case's address (the scan centres circles on case locations), so the page never shows that UPRN and
rounds the centre to a 100 m grid square before drawing; the radius drawn is widened by the rounding (at most
71 m) so the circle still covers every case in the cluster. Care homes and schools are institutions, pinned at
their own coordinates. Coordinates go from British National Grid to WGS84 with pyproj.

The map's GeoJSON is cached per vault file state (path, size, modification time), so repeated map loads do
not reopen the vault; any write to the vault (a new scan) changes the key.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date

from placehub.errors import NotFound
from placehub.insight.scan import describe_recurrence
from placehub.place.boundaries import bng_to_latlon
from placehub.settings import Settings
from placehub.store import memo
from placehub.web.vault_read import tables, vault_reader

GRID_M = 100.0  # the centre is shown only to this grid
ROUNDING_SLACK_M = GRID_M / math.sqrt(2)  # the farthest a rounded centre can move


@dataclass(frozen=True)
class NearbyView:
    uprn: str
    kind: str  # care home | school
    address: str
    distance_m: float
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class ClusterView:
    number: int  # 1.. on the page, in p-value order within the day
    rank: int
    observed: int
    expected: float
    radius_m: float
    first_day: date
    last_day: date
    p_value: float
    recurrence_days: float
    lat: float
    lon: float
    drawn_radius_m: float
    nearby: tuple[NearbyView, ...]

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def recurrence(self) -> str:
        return "once in " + describe_recurrence(self.recurrence_days)

    @property
    def care_homes(self) -> int:
        return sum(1 for p in self.nearby if p.kind == "care home")

    @property
    def schools(self) -> int:
        return sum(1 for p in self.nearby if p.kind == "school")


@dataclass
class OutbreakView:
    run_id: str | None
    run_at: str | None
    days: list[date] = field(default_factory=list)  # analysis days with alerts, newest first
    day: date | None = None
    clusters: list[ClusterView] = field(default_factory=list)
    alpha: float | None = None  # the run's alert threshold (p ≤ alpha)
    nearby_m: float | None = None
    outlines: list[dict] = field(default_factory=list)  # ward boundaries (GeoJSON features) for context


def _latest_run(con) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    row = con.execute(
        "select run_id, strftime(max(run_at), '%Y-%m-%d %H:%M') from outbreak_alerts "
        "group by run_id order by max(run_at) desc limit 1"
    ).fetchone()
    return (row[0], row[1]) if row else None


def outbreak_view(settings: Settings, day: date | None = None) -> OutbreakView:
    """The latest run's clusters on ``day`` (default: its newest analysis day with an alert)."""
    with vault_reader(settings) as v:
        if v is None or not tables(*v, "outbreak_alerts"):
            return OutbreakView(None, None)
        vault, con = v
        latest = _latest_run(con)
        if latest is None:
            return OutbreakView(None, None)
        run_id, run_at = latest
        days = [r[0] for r in con.execute(
            "select distinct analysis_day from outbreak_alerts where run_id = ? order by 1 desc", [run_id]
        ).fetchall()]  # fmt: skip
        chosen = day or days[0]
        if chosen not in days:
            raise NotFound(f"The latest outbreak run has no alert on {chosen.isoformat()}.")
        rows = con.execute(
            "select rank, observed, expected, radius_m, first_day, last_day, p_value, recurrence_days, x, y, "
            "nearby, settings from outbreak_alerts where run_id = ? and analysis_day = ? "
            "order by p_value, rank",
            [run_id, chosen],
        ).fetchall()
        nearby_uprns = sorted({p["uprn"] for r in rows for p in json.loads(r[10] or "[]")})
        places: dict[str, tuple[float, float]] = {}
        if nearby_uprns and tables(vault, con, "gazetteer"):
            for uprn, x, y in con.execute(
                "select uprn, any_value(x), any_value(y) from gazetteer "
                "where uprn in (select unnest(?::VARCHAR[])) and x is not null group by uprn",
                [nearby_uprns],
            ).fetchall():
                places[str(uprn)] = (float(x), float(y))
        outlines = []
        if tables(vault, con, "areas"):
            for code, name, geo in con.execute(
                "select code, name, geojson from areas where level = 'ward' order by code"
            ).fetchall():
                outlines.append({"type": "Feature", "geometry": json.loads(geo),
                                 "properties": {"kind": "ward", "code": code, "name": name}})  # fmt: skip
    settings_doc = json.loads(rows[0][11] or "{}") if rows else {}
    clusters = []
    for n, r in enumerate(rows, start=1):
        rank, observed, expected, radius_m, first, last, p, recurrence, x, y, nearby_json, _ = r
        gx, gy = round(x / GRID_M) * GRID_M, round(y / GRID_M) * GRID_M
        lat, lon = bng_to_latlon(gx, gy)
        nearby = []
        for p_ in json.loads(nearby_json or "[]"):
            pos = places.get(str(p_["uprn"]))
            plat, plon = bng_to_latlon(*pos) if pos else (None, None)
            nearby.append(NearbyView(str(p_["uprn"]), p_["kind"], p_["address"], float(p_["distance_m"]),
                                     plat, plon))  # fmt: skip
        clusters.append(
            ClusterView(n, int(rank), int(observed), float(expected), float(radius_m), first, last, float(p),
                        float(recurrence), lat, lon, round(float(radius_m) + ROUNDING_SLACK_M, 1),
                        tuple(nearby))
        )  # fmt: skip
    return OutbreakView(run_id, run_at, days, chosen, clusters, settings_doc.get("alert_p"),
                        settings_doc.get("nearby_m"), outlines)  # fmt: skip


def geojson(view: OutbreakView) -> dict:
    """Clusters as points with ``radius_m`` (drawn as circles) and nearby places as points (WGS84)."""
    features = list(view.outlines)
    for c in view.clusters:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
            "properties": {
                "kind": "cluster", "number": c.number, "observed": c.observed,
                "expected": round(c.expected, 2), "radius_m": round(c.radius_m, 1),
                "drawn_radius_m": c.drawn_radius_m, "first_day": c.first_day.isoformat(),
                "last_day": c.last_day.isoformat(), "days": c.days, "p_value": c.p_value,
                "recurrence": c.recurrence, "care_homes": c.care_homes, "schools": c.schools,
            },
        })  # fmt: skip
        for p in c.nearby:
            if p.lat is None:
                continue
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {"kind": p.kind, "cluster": c.number, "uprn": p.uprn, "name": p.address,
                               "distance_m": round(p.distance_m)},
            })  # fmt: skip
    return {
        "type": "FeatureCollection",
        "features": features,
        "run_id": view.run_id,
        "analysis_day": view.day.isoformat() if view.day else None,
    }


# (vault state, day) → (view, encoded GeoJSON). A few entries: one per analysis day looked at.
_VIEWS = memo.VaultMemo(16)
OUTBREAK_TABLES = frozenset({"outbreak_alerts", "gazetteer", "areas"})  # what outbreak_view reads


def cached(settings: Settings, day: date | None) -> tuple[OutbreakView, bytes]:
    """The view and its encoded GeoJSON, from memory while the vault file is unchanged."""

    def compute() -> tuple[OutbreakView, bytes]:
        view = outbreak_view(settings, day)
        return view, json.dumps(geojson(view), separators=(",", ":")).encode()

    return _VIEWS.get(settings.vault_path, day, compute, tables=OUTBREAK_TABLES)
