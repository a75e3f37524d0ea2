"""The place dashboard: loads, match rates by source, people and households — counts only."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from placehub.govern import Role
from placehub.web.dashboard_data import dashboard
from placehub.web.deps import Viewer, catalogue_of, require, settings_of
from placehub.web.rendering import render

router = APIRouter()
staff = require(Role.ANALYST, Role.IG_OFFICER)


@router.get("/", include_in_schema=False)
def dashboard_page(request: Request, viewer: Viewer = Depends(staff)) -> Response:
    page = dashboard(settings_of(request), catalogue_of(request))
    return render(request, "dashboard.html", viewer, page, title="Place dashboard")


class MatchRateOut(BaseModel):
    source: str
    records: int
    auto: int
    reviewed: int
    review: int
    unmatched: int
    matched_rate: float


class LoadOut(BaseModel):
    id: int
    source: str
    kind: str
    file_name: str
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    status: str


class DashboardOut(BaseModel):
    loads: list[LoadOut]
    sources_current: int
    gazetteer_addresses: int | None
    match_rates: list[MatchRateOut]
    people: int | None
    households: int | None
    agreements: int
    organisations: int


@router.get("/api/dashboard", response_model=DashboardOut, tags=["dashboard"])
def dashboard_api(request: Request, viewer: Viewer = Depends(staff)) -> DashboardOut:
    """The place's figures: loads, match rates by source, people and households (counts; null when absent)."""
    d = dashboard(settings_of(request), catalogue_of(request))
    return DashboardOut(
        loads=[LoadOut(**{k: getattr(r, k) for k in LoadOut.model_fields}) for r in d.loads],
        sources_current=d.sources_current,
        gazetteer_addresses=d.gazetteer_addresses,
        match_rates=[
            MatchRateOut(
                source=m.source,
                records=m.records,
                auto=m.auto,
                reviewed=m.reviewed,
                review=m.review,
                unmatched=m.unmatched,
                matched_rate=round(m.rate, 4),
            )
            for m in d.match_rates
        ],  # fmt: skip
        people=d.people,
        households=d.households,
        agreements=d.agreements,
        organisations=d.organisations,
    )
