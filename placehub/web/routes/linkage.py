"""Linkage review: the queue of uncertain pairs, a pair side by side, accept (a) / reject (r) / next (n)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from placehub.govern import Role
from placehub.web.csrf import check_api_csrf, check_csrf
from placehub.web.deps import PurposeNeeded, Viewer, access_for, catalogue_of, require, settings_of
from placehub.web.linkage_data import LinkPairPage, PairRow, decide_pair, open_pairs, pair_page
from placehub.web.rendering import render
from placehub.web.routes.auth import PurposeChoice, purposes_for

router = APIRouter()
analyst = require(Role.ANALYST)


@dataclass(frozen=True)
class LinkQueuePage:
    pairs: list[PairRow]
    purposes: list[PurposeChoice]
    purpose: str | None


@router.get("/link-review", include_in_schema=False)
def link_queue(request: Request, viewer: Viewer = Depends(analyst)) -> Response:
    pairs = open_pairs(settings_of(request), catalogue_of(request))
    page = LinkQueuePage(pairs, purposes_for(request, viewer), viewer.purpose)
    return render(request, "link_queue.html", viewer, page, title="Linkage review")


@router.get("/link-review/{pair_id}", include_in_schema=False)
def link_pair(request: Request, pair_id: int, viewer: Viewer = Depends(analyst)) -> Response:
    try:
        access = access_for(request, viewer)
    except PurposeNeeded:
        return RedirectResponse(f"/link-review?need_purpose=1&pair={pair_id}", status_code=303)
    page = pair_page(access, settings_of(request), catalogue_of(request), pair_id)
    return render(request, "link_pair.html", viewer, page, title=f"Linkage pair {pair_id}")


@router.post("/link-review/{pair_id}", include_in_schema=False)
def link_decide(
    request: Request,
    pair_id: int,
    decision: str = Form(...),
    next_pair: str = Form(""),
    csrf_token_field: str = Form("", alias="csrf_token"),
    viewer: Viewer = Depends(analyst),
) -> Response:
    check_csrf(request, csrf_token_field)
    if decision in ("accept", "reject"):
        decide_pair(access_for(request, viewer), settings_of(request), catalogue_of(request), pair_id,
                    decision, None)  # fmt: skip
    target = f"/link-review/{int(next_pair)}" if next_pair.isdigit() and int(next_pair) != pair_id else None
    return RedirectResponse(target or "/link-review", status_code=303)


class PairOut(BaseModel):
    pair_id: int
    record_l: str
    record_r: str
    match_probability: float


class SideOut(BaseModel):
    record: str
    source: str
    shown: bool
    note: str
    values: dict[str, str | None]


class PairDetailOut(BaseModel):
    pair_id: int
    match_probability: float
    left: SideOut
    right: SideOut
    next_pair: int | None


class LinkDecisionIn(BaseModel):
    decision: Literal["accept", "reject"]
    note: str | None = None


class LinkDecisionOut(BaseModel):
    pair_id: int
    record_l: str
    record_r: str
    decision: str


@router.get("/api/link-review", response_model=list[PairOut], tags=["linkage review"])
def link_queue_api(request: Request, viewer: Viewer = Depends(analyst)) -> list[PairOut]:
    """Pairs waiting for a decision: record ids (source|record_id) and the model's probability only."""
    return [PairOut(**p.__dict__) for p in open_pairs(settings_of(request), catalogue_of(request))]


def _side(s) -> SideOut:  # type: ignore[no-untyped-def]
    return SideOut(record=s.unique_id, source=s.source, shown=s.shown, note=s.note, values=s.values)


def _pair_out(page: LinkPairPage) -> PairDetailOut:
    return PairDetailOut(
        pair_id=page.pair_id, match_probability=page.match_probability, left=_side(page.left),
        right=_side(page.right), next_pair=page.next_pair,
    )  # fmt: skip


@router.get("/api/link-review/{pair_id}", response_model=PairDetailOut, tags=["linkage review"])
def link_pair_api(request: Request, pair_id: int, viewer: Viewer = Depends(analyst)) -> PairDetailOut:
    """A pair's two records with the values the token's agreement shares (governed and audited)."""
    page = pair_page(access_for(request, viewer), settings_of(request), catalogue_of(request), pair_id)
    return _pair_out(page)


@router.post("/api/link-review/{pair_id}", response_model=LinkDecisionOut, tags=["linkage review"])
def link_decide_api(
    request: Request, pair_id: int, body: LinkDecisionIn, viewer: Viewer = Depends(analyst)
) -> LinkDecisionOut:
    """Accept (one person) or reject (two people) a pair; honoured by every later `placehub link run`."""
    check_api_csrf(request, viewer.by_token)
    made = decide_pair(access_for(request, viewer), settings_of(request), catalogue_of(request), pair_id,
                       body.decision, body.note)  # fmt: skip
    return LinkDecisionOut(**made.__dict__)
