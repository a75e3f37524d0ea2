"""Worklists: a partner's people for a cohort (their own only, the agreed fields only) and their outcomes.

Everything goes through ``placehub.act`` under the viewer's governed access: ``worklist`` reads the assigned
records with ``access.rows`` (a partner worker gets only their organisation's assignments), ``record_outcome``
refuses a case not assigned to the recorder's organisation (audited), and ``read_outcomes`` shows a partner
only what their own organisation recorded. ``?ward=CODE`` keeps the rows in one ward (a place: the gazetteer
ward of the member's UPRN), chosen from the wards on the organisation's own list. A page shows 50 people
(``?page=N``) and the latest outcomes; every outcome has its own page. A page reads the worklist and its
outcomes over one read-only connection, opened (holding the vault lock shared: readers run side by side) only
if a read is not remembered from an earlier page at the same vault state; recording an outcome writes the
vault and holds the lock alone.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from placehub.act import Need, Status, read_outcomes, record_outcome, worklist
from placehub.act.outcomes import count_outcomes
from placehub.act.rules import available_cohorts, load_definition
from placehub.act.work_facts import ACT_TABLES
from placehub.govern import Access, Role
from placehub.settings import Settings
from placehub.store import memo
from placehub.store.vault import OnDemand
from placehub.web.csrf import check_api_csrf, check_csrf
from placehub.web.deps import (
    VAULT_LOCK,
    PurposeNeeded,
    Viewer,
    access_for,
    one_audit_commit,
    require,
    settings_of,
)
from placehub.web.rendering import render
from placehub.web.routes.auth import PurposeChoice, purposes_for
from placehub.web.vault_read import on_demand

router = APIRouter()
workers = require(Role.ANALYST, Role.PARTNER_WORKER)


@dataclass(frozen=True)
class CohortChoice:
    name: str
    title: str
    purpose: str


@dataclass
class WorklistIndex:
    cohorts: list[CohortChoice]
    purposes: list[PurposeChoice]
    purpose: str | None


@dataclass
class WorklistPage:
    cohort: str
    title: str
    purpose: str
    organisation: str
    header: list[str]
    rows: list[list[Any]]
    outcomes: list[Any] = field(default_factory=list)  # the latest, newest first
    outcomes_total: int = 0
    ward: str | None = None  # the ward filter chosen (None: every ward)
    wards: list[str | None] = field(default_factory=list)  # each row's ward
    ward_choices: list[str] = field(default_factory=list)  # the wards on this organisation's own list
    total: int = 0  # people on the whole list (this ward's, when filtered); ``rows`` is one page of them
    page: int = 1
    pages: int = 1
    first: int = 0  # the first row's number on the list (1-based; 0 when the list is empty)
    statuses: list[str] = field(default_factory=lambda: [s.value for s in Status])
    needs: list[str] = field(default_factory=lambda: [n.value for n in Need])


def cohort_choices(request: Request, purpose: str | None) -> list[CohortChoice]:
    settings = settings_of(request)
    out = []
    for name in available_cohorts(settings):
        d = load_definition(settings, name)
        if purpose is None or d.purpose == purpose:
            out.append(CohortChoice(name, d.title, d.purpose))
    return out


def _reader(settings: Settings) -> OnDemand:
    """One read-only connection for a request's worklist and outcomes, opened (with the vault lock held
    shared) only if what they read is not remembered from an earlier request."""
    return on_demand(settings)


# People a page shows: a worker goes down the list from the top; each row carries its own outcome form
PAGE_SIZE = 50
# Outcomes under the worklist: the latest (what a worker checks before a call); the rest on their own page
LATEST_OUTCOMES = 50


@dataclass
class OutcomesPage:
    cohort: str
    title: str
    purpose: str
    outcomes: list[Any]


def _page(access: Access, request: Request, cohort: str, ward: str | None, page: int) -> WorklistPage:
    settings = settings_of(request)
    page = max(page, 1)
    with _reader(settings) as con:
        wl = worklist(settings, access, cohort, ward=ward, window=_window(page), con=con)
        pages = max(1, -(-wl.total // PAGE_SIZE))
        if page > pages:  # past the end (the list has shortened since): the last page
            page = pages
            wl = worklist(settings, access, cohort, ward=ward, window=_window(page), con=con)
        outcomes = read_outcomes(settings, access, cohort, latest=LATEST_OUTCOMES, con=con)
        outcomes_total = count_outcomes(settings, access, cohort, con=con)
    start = (page - 1) * PAGE_SIZE
    return WorklistPage(
        cohort=wl.cohort, title=load_definition(settings, cohort).title, purpose=wl.purpose,
        organisation=wl.organisation, header=list(wl.header), rows=[list(r) for r in wl.rows],
        outcomes=outcomes, outcomes_total=outcomes_total, ward=ward,
        wards=list(wl.wards), ward_choices=list(wl.ward_choices),
        total=wl.total, page=page, pages=pages, first=start + 1 if wl.rows else 0,
    )  # fmt: skip


def recording(settings: Settings) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """The read-write connection an outcome is recorded over (the caller holds the vault lock alone). An
    outcome changes only the act tables (a member's state), so what pages remember of other tables — the
    governed rows, the maps — stays in memory (store.memo.writing)."""
    return memo.writing(settings.vault_path, ACT_TABLES)


def _window(page: int) -> slice:
    return slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)


@router.get("/worklists", include_in_schema=False)
def worklist_index(request: Request, viewer: Viewer = Depends(workers)) -> Response:
    cohorts = cohort_choices(request, viewer.purpose)
    page = WorklistIndex(cohorts, purposes_for(request, viewer), viewer.purpose)
    return render(request, "worklists.html", viewer, page, title="Worklists")


@router.get("/worklists/{cohort}", include_in_schema=False)
def worklist_page(
    request: Request,
    cohort: str,
    ward: str | None = None,
    page: int = 1,
    viewer: Viewer = Depends(workers),
) -> Response:
    with one_audit_commit(request):
        try:
            access = access_for(request, viewer)
        except PurposeNeeded:
            return RedirectResponse("/worklists?need_purpose=1", status_code=303)
        shown = _page(access, request, cohort, ward or None, page)
    return render(request, "worklist.html", viewer, shown, title=f"Worklist: {shown.title}")


@router.get("/worklists/{cohort}/outcomes", include_in_schema=False)
def worklist_outcomes(request: Request, cohort: str, viewer: Viewer = Depends(workers)) -> Response:
    """Every outcome the viewer may see for the cohort, oldest first (the worklist shows the latest)."""
    settings = settings_of(request)
    with one_audit_commit(request):
        try:
            access = access_for(request, viewer)
        except PurposeNeeded:
            return RedirectResponse("/worklists?need_purpose=1", status_code=303)
        with _reader(settings) as con:
            found = read_outcomes(settings, access, cohort, con=con)
    title = load_definition(settings, cohort).title
    page = OutcomesPage(cohort, title, access.purpose, found)
    return render(request, "worklist_outcomes.html", viewer, page, title=f"Outcomes: {title}")


@router.post("/worklists/{cohort}/outcomes", include_in_schema=False)
def worklist_outcome(
    request: Request,
    cohort: str,
    case_ref: str = Form(...),
    status: str = Form(...),
    note: str = Form(""),
    csrf_token_field: str = Form("", alias="csrf_token"),
    viewer: Viewer = Depends(workers),
) -> Response:
    check_csrf(request, csrf_token_field)
    access = access_for(request, viewer)
    settings = settings_of(request)
    with VAULT_LOCK, recording(settings) as con:
        record_outcome(settings, access, cohort, case_ref, status, note=note, con=con)
    return RedirectResponse(f"/worklists/{cohort}#outcomes", status_code=303)


class WorklistOut(BaseModel):
    cohort: str
    purpose: str
    organisation: str
    header: list[str]
    rows: list[list[Any]]
    wards: list[str | None]  # each row's ward (gazetteer ward of the member's UPRN)
    ward_choices: list[str]  # the wards on this organisation's whole list, for a filter


class OutcomeIn(BaseModel):
    case_ref: str
    status: Literal["contacted", "need_identified", "referred", "declined", "unreachable", "deceased"]
    needs: list[str] = []
    note: str = ""


class OutcomeOut(BaseModel):
    id: int
    cohort: str
    case_ref: str
    organisation: str
    recorded_by: str
    status: str
    needs: list[str]
    note: str


def _outcome_out(o: Any) -> OutcomeOut:
    return OutcomeOut(
        id=o.id, cohort=o.cohort, case_ref=o.case_ref, organisation=o.organisation,
        recorded_by=o.recorded_by, status=o.status, needs=list(o.needs), note=o.note,
    )  # fmt: skip


@router.get("/api/worklists/{cohort}", response_model=WorklistOut, tags=["worklists"])
def worklist_api(
    request: Request, cohort: str, ward: str | None = None, viewer: Viewer = Depends(workers)
) -> WorklistOut:
    """The cohort's open members assigned to the token's organisation, with the agreed fields only;
    ``ward`` (a ward code) keeps only those in that ward."""
    settings = settings_of(request)
    with one_audit_commit(request), _reader(settings) as con:
        wl = worklist(settings, access_for(request, viewer), cohort, ward=ward or None, con=con)
    return WorklistOut(cohort=wl.cohort, purpose=wl.purpose, organisation=wl.organisation,
                       header=list(wl.header), rows=[list(r) for r in wl.rows], wards=list(wl.wards),
                       ward_choices=list(wl.ward_choices))  # fmt: skip


@router.get("/api/worklists/{cohort}/outcomes", response_model=list[OutcomeOut], tags=["worklists"])
def outcomes_api(request: Request, cohort: str, viewer: Viewer = Depends(workers)) -> list[OutcomeOut]:
    """Outcomes the token may see: a partner's own organisation's, for members it works now."""
    settings = settings_of(request)
    with one_audit_commit(request), _reader(settings) as con:
        found = read_outcomes(settings, access_for(request, viewer), cohort, con=con)
    return [_outcome_out(o) for o in found]


@router.post("/api/worklists/{cohort}/outcomes", response_model=OutcomeOut, tags=["worklists"])
def outcome_api(
    request: Request, cohort: str, body: OutcomeIn, viewer: Viewer = Depends(workers)
) -> OutcomeOut:
    """Record what happened when the organisation reached a case on its worklist (audited)."""
    check_api_csrf(request, viewer.by_token)
    access = access_for(request, viewer)
    settings = settings_of(request)
    with VAULT_LOCK, recording(settings) as con:
        row = record_outcome(settings, access, cohort, body.case_ref, body.status,
                             needs=body.needs, note=body.note, con=con)  # fmt: skip
    return _outcome_out(row)
