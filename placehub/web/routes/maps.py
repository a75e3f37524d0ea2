"""The place map (an index by LSOA or ward: legend, hover, click through) and area profiles."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from placehub.errors import NotFound
from placehub.web.deps import Viewer, require, settings_of
from placehub.web.map_data import (
    LEVELS,
    AreaProfile,
    IndexChoice,
    area_profile,
    choropleth_json,
    index_choices,
)
from placehub.web.rendering import STAFF, render

router = APIRouter()
staff = require(*STAFF)


@dataclass(frozen=True)
class MapPage:
    choices: list[IndexChoice]
    index: str | None
    level: str | None
    component: str
    data_url: str | None
    level_label: str
    components: list[str]


@router.get("/map", include_in_schema=False)
def map_page(
    request: Request,
    index: str | None = None,
    level: str | None = None,
    component: str = "index",
    viewer: Viewer = Depends(staff),
) -> Response:
    choices = index_choices(settings_of(request))
    chosen = next((c for c in choices if c.index == index and (level is None or c.level == level)), None)
    chosen = chosen or (choices[0] if choices and index is None else None)
    if index is not None and chosen is None:
        raise NotFound(f"There is no index '{index}'" + (f" by {level}" if level else "") + " to map.")
    data_url = None
    if chosen:
        component = component if component in chosen.components else "index"
        data_url = f"/api/maps/{chosen.index}?" + urlencode({"level": chosen.level, "component": component})
    page = MapPage(
        choices=choices,
        index=chosen.index if chosen else None,
        level=chosen.level if chosen else None,
        component=component,
        data_url=data_url,
        level_label=LEVELS.get(chosen.level, chosen.level) if chosen else "",
        components=chosen.components if chosen else [],
    )
    return render(request, "map.html", viewer, page, title="Place map")


@router.get("/areas/{level}/{code}", include_in_schema=False)
def area_page(request: Request, level: str, code: str, viewer: Viewer = Depends(staff)) -> Response:
    page = area_profile(settings_of(request), level, code)
    return render(request, "area.html", viewer, page, title=f"{page.name} ({code})")


@router.get("/api/indices", response_model=list[IndexChoice], tags=["maps"])
def indices_api(request: Request, viewer: Viewer = Depends(staff)) -> list[IndexChoice]:
    """Indices stored in the vault, with their level and parts."""
    return index_choices(settings_of(request))


@router.get(
    "/api/maps/{index}",
    tags=["maps"],
    responses={200: {"content": {"application/geo+json": {}}, "description": "GeoJSON FeatureCollection"}},
)
def map_api(
    request: Request,
    index: str,
    level: str = "lsoa",
    component: str = "index",
    viewer: Viewer = Depends(staff),
) -> Response:
    """An index part by area as GeoJSON (WGS84): code, name, value, rank, decile, colour; with a legend."""
    # encoded once per vault state: fifty users' maps send the same bytes, not fifty encodings of them
    return Response(
        choropleth_json(settings_of(request), index, level, component), media_type="application/geo+json"
    )


@router.get("/api/areas/{level}/{code}", response_model=AreaProfile, tags=["maps"])
def area_api(request: Request, level: str, code: str, viewer: Viewer = Depends(staff)) -> AreaProfile:
    """An area's name, size, address count and every stored index value for it."""
    return area_profile(settings_of(request), level, code)
