"""The outbreak map: the latest surveillance run's clusters (time frame, p-value, recurrence interval) drawn
as circles, with the care homes and schools near each listed and pinned. Counts only: no case is shown."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from placehub.govern import Role
from placehub.web.deps import Viewer, require, settings_of
from placehub.web.outbreak_data import cached
from placehub.web.rendering import render

router = APIRouter()
analyst = require(Role.ANALYST)


@router.get("/outbreaks", include_in_schema=False)
def outbreak_page(request: Request, day: date | None = None, viewer: Viewer = Depends(analyst)) -> Response:
    view, _ = cached(settings_of(request), day)
    data_url = "/api/outbreaks/map" + (f"?day={view.day.isoformat()}" if view.day else "")
    return render(
        request, "outbreaks.html", viewer, {"view": view, "data_url": data_url}, title="Outbreak map"
    )


class NearbyOut(BaseModel):
    uprn: str
    kind: str
    address: str
    distance_m: float
    lat: float | None
    lon: float | None


class ClusterOut(BaseModel):
    number: int
    observed: int
    expected: float
    radius_m: float
    first_day: date
    last_day: date
    days: int
    p_value: float
    recurrence_days: float
    recurrence: str
    lat: float
    lon: float
    nearby: list[NearbyOut]


class OutbreakOut(BaseModel):
    run_id: str | None
    run_at: str | None
    analysis_days: list[date]
    analysis_day: date | None
    clusters: list[ClusterOut]


@router.get("/api/outbreaks", response_model=OutbreakOut, tags=["outbreaks"])
def outbreaks_api(
    request: Request, day: date | None = None, viewer: Viewer = Depends(analyst)
) -> OutbreakOut:
    """The latest run's clusters on ``day`` (default: its newest day with an alert): counts, time frame,
    p-value, recurrence interval, centre to 100 m, and the care homes and schools nearby."""
    view, _ = cached(settings_of(request), day)
    clusters = [
        ClusterOut(
            number=c.number,
            observed=c.observed,
            expected=c.expected,
            radius_m=c.radius_m,
            first_day=c.first_day,
            last_day=c.last_day,
            days=c.days,
            p_value=c.p_value,
            recurrence_days=c.recurrence_days,
            recurrence=c.recurrence,
            lat=c.lat,
            lon=c.lon,
            nearby=[NearbyOut(**p.__dict__) for p in c.nearby],
        )  # fmt: skip
        for c in view.clusters
    ]
    return OutbreakOut(run_id=view.run_id, run_at=view.run_at, analysis_days=view.days,
                       analysis_day=view.day, clusters=clusters)  # fmt: skip


@router.get(
    "/api/outbreaks/map",
    tags=["outbreaks"],
    responses={200: {"content": {"application/geo+json": {}}, "description": "GeoJSON FeatureCollection"}},
)
def outbreak_map_api(
    request: Request, day: date | None = None, viewer: Viewer = Depends(analyst)
) -> Response:
    """Clusters (points with ``drawn_radius_m``), nearby care homes and schools, and ward outlines (WGS84)."""
    _, body = cached(settings_of(request), day)
    return Response(body, media_type="application/geo+json")
