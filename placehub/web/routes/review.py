"""Match review: the queue, a record beside its candidates on a map, accept (a) / reject (r) / next (n)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from placehub.govern import Role
from placehub.web.csrf import check_api_csrf, check_csrf
from placehub.web.deps import PurposeNeeded, Viewer, access_for, one_audit_commit, require, settings_of
from placehub.web.rendering import render
from placehub.web.review_data import Queue, ReviewPage, decide, queue, review_page
from placehub.web.routes.auth import PurposeChoice, purposes_for

router = APIRouter()
analyst = require(Role.ANALYST)


@dataclass(frozen=True)
class QueuePage:
    queue: Queue
    purposes: list[PurposeChoice]
    purpose: str | None
    source: str | None


@router.get("/review", include_in_schema=False)
def review_queue(request: Request, source: str | None = None, viewer: Viewer = Depends(analyst)) -> Response:
    page = QueuePage(
        queue(settings_of(request), source), purposes_for(request, viewer), viewer.purpose, source
    )
    return render(request, "review_queue.html", viewer, page, title="Match review")


@router.get("/review/{item_id}", include_in_schema=False)
def review_item(request: Request, item_id: int, viewer: Viewer = Depends(analyst)) -> Response:
    with one_audit_commit(request):
        try:
            access = access_for(request, viewer)
        except PurposeNeeded:
            return RedirectResponse(f"/review?need_purpose=1&item={item_id}", status_code=303)
        page = review_page(access, settings_of(request), item_id)
    return render(request, "review_item.html", viewer, page, title=f"Review item {item_id}")


@router.post("/review/{item_id}", include_in_schema=False)
def review_decide(
    request: Request,
    item_id: int,
    decision: str = Form(...),
    uprn: str = Form(""),
    next_item: str = Form(""),
    csrf_token_field: str = Form("", alias="csrf_token"),
    viewer: Viewer = Depends(analyst),
) -> Response:
    check_csrf(request, csrf_token_field)
    if decision != "next":
        decide(access_for(request, viewer), settings_of(request), item_id, decision, uprn, viewer.username)
    target = f"/review/{int(next_item)}" if next_item.isdigit() and int(next_item) != item_id else "/review"
    return RedirectResponse(target, status_code=303)


class CandidateOut(BaseModel):
    uprn: str
    address: str
    postcode: str | None
    score: float | None
    suggested: bool
    lat: float | None
    lon: float | None


class ReviewItemOut(BaseModel):
    item_id: int
    source: str
    record_id: str
    address: str | None
    postcode: str | None
    reason: str
    suggested_uprn: str | None
    candidates: list[CandidateOut]
    next_item: int | None


class QueueRowOut(BaseModel):
    item_id: int
    source: str
    record_id: str
    reason: str
    candidates: int


class DecisionIn(BaseModel):
    decision: Literal["accept", "reject"]
    uprn: str | None = None


class DecisionOut(BaseModel):
    item_id: int
    source: str
    uprn: str | None
    records_updated: int


@router.get("/api/review", response_model=list[QueueRowOut], tags=["match review"])
def review_queue_api(request: Request, source: str | None = None, viewer: Viewer = Depends(analyst)) -> list:
    """Open review items (ids and reasons; no addresses)."""
    return [QueueRowOut(**r.__dict__) for r in queue(settings_of(request), source).rows]


def _item_out(page: ReviewPage) -> ReviewItemOut:
    return ReviewItemOut(
        item_id=page.item_id, source=page.source, record_id=page.record_id, address=page.address,
        postcode=page.postcode, reason=page.reason, suggested_uprn=page.suggested_uprn,
        candidates=[
            CandidateOut(**{k: getattr(c, k) for k in CandidateOut.model_fields}) for c in page.candidates
        ],
        next_item=page.next_item,
    )  # fmt: skip


@router.get("/api/review/{item_id}", response_model=ReviewItemOut, tags=["match review"])
def review_item_api(request: Request, item_id: int, viewer: Viewer = Depends(analyst)) -> ReviewItemOut:
    """One item with the record's address (governed and audited) and its candidates with coordinates."""
    with one_audit_commit(request):
        page = review_page(access_for(request, viewer), settings_of(request), item_id)
    return _item_out(page)


@router.post("/api/review/{item_id}", response_model=DecisionOut, tags=["match review"])
def review_decide_api(
    request: Request, item_id: int, body: DecisionIn, viewer: Viewer = Depends(analyst)
) -> DecisionOut:
    """Accept (the suggestion or ``uprn``) or reject an item; the decision is remembered for later loads."""
    check_api_csrf(request, viewer.by_token)
    out = decide(access_for(request, viewer), settings_of(request), item_id, body.decision, body.uprn,
                 viewer.username)  # fmt: skip
    return DecisionOut(
        item_id=out.item_id, source=out.source, uprn=out.uprn, records_updated=out.records_updated
    )
