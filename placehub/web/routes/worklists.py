"""Worklists: a partner's people for a cohort (their own only, the agreed fields only) and their outcomes.

Everything goes through ``placehub.act`` under the viewer's governed access: ``worklist`` reads the assigned
records with ``access.rows`` (a partner worker gets only their organisation's assignments), ``record_outcome``
refuses a case not assigned to the recorder's organisation (audited), and ``read_outcomes`` shows a partner
only what their own organisation recorded. ``?ward=CODE`` keeps the rows in one ward (a place: the gazetteer
ward of the member's UPRN), chosen from the wards on the organisation's own list. A page reads the worklist
and its outcomes over one read-only connection, holding the vault lock shared (readers run side by side);
recording an outcome writes the vault and holds it alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from placehub.act import Need, Status, read_outcomes, record_outcome, worklist
from placehub.act.rules import available_cohorts, load_definition
from placehub.act.worklist import read_connection
from placehub.govern import Access, Role
from placehub.settings import Settings
from placehub.web.csrf import check_api_csrf, check_csrf
from placehub.web.deps import VAULT_LOCK, PurposeNeeded, Viewer, access_for, require, settings_of
from placehub.web.rendering import render
from placehub.web.routes.auth import PurposeChoice, purposes_for
from placehub.web.vault_read import reading, tune_reader

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
    outcomes: list[Any] = field(default_factory=list)
    ward: str | None = None  # the ward filter chosen (None: every ward)
    wards: list[str | None] = field(default_factory=list)  # each row's ward
    ward_choices: list[str] = field(default_factory=list)  # the wards on this organisation's own list
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


@contextmanager
def _reader(settings: Settings, access: Access) -> Iterator[duckdb.DuckDBPyConnection]:
    """One read-only connection for a request's worklist and outcomes, with the vault lock held shared."""
    with reading(settings), read_connection(access) as con:
        yield tune_reader(con)


def _page(access: Access, request: Request, cohort: str, ward: str | None) -> WorklistPage:
    settings = settings_of(request)
    with _reader(settings, access) as con:
        wl = worklist(settings, access, cohort, ward=ward, con=con)
        outcomes = read_outcomes(settings, access, cohort, con=con)
    return WorklistPage(
        cohort=wl.cohort, title=load_definition(settings, cohort).title, purpose=wl.purpose,
        organisation=wl.organisation, header=list(wl.header), rows=[list(r) for r in wl.rows],
        outcomes=outcomes, ward=ward, wards=list(wl.wards), ward_choices=list(wl.ward_choices),
    )  # fmt: skip


@router.get("/worklists", include_in_schema=False)
def worklist_index(request: Request, viewer: Viewer = Depends(workers)) -> Response:
    cohorts = cohort_choices(request, viewer.purpose)
    page = WorklistIndex(cohorts, purposes_for(request, viewer), viewer.purpose)
    return render(request, "worklists.html", viewer, page, title="Worklists")


@router.get("/worklists/{cohort}", include_in_schema=False)
def worklist_page(
    request: Request, cohort: str, ward: str | None = None, viewer: Viewer = Depends(workers)
) -> Response:
    try:
        access = access_for(request, viewer)
    except PurposeNeeded:
        return RedirectResponse("/worklists?need_purpose=1", status_code=303)
    page = _page(access, request, cohort, ward or None)
    return render(request, "worklist.html", viewer, page, title=f"Worklist: {page.title}")


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
    with VAULT_LOCK:
        record_outcome(settings_of(request), access, cohort, case_ref, status, note=note)
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
    access = access_for(request, viewer)
    with _reader(settings, access) as con:
        wl = worklist(settings, access, cohort, ward=ward or None, con=con)
    return WorklistOut(cohort=wl.cohort, purpose=wl.purpose, organisation=wl.organisation,
                       header=list(wl.header), rows=[list(r) for r in wl.rows], wards=list(wl.wards),
                       ward_choices=list(wl.ward_choices))  # fmt: skip


@router.get("/api/worklists/{cohort}/outcomes", response_model=list[OutcomeOut], tags=["worklists"])
def outcomes_api(request: Request, cohort: str, viewer: Viewer = Depends(workers)) -> list[OutcomeOut]:
    """Outcomes the token may see: a partner's own organisation's, for members it works now."""
    settings = settings_of(request)
    access = access_for(request, viewer)
    with _reader(settings, access) as con:
        found = read_outcomes(settings, access, cohort, con=con)
    return [_outcome_out(o) for o in found]


@router.post("/api/worklists/{cohort}/outcomes", response_model=OutcomeOut, tags=["worklists"])
def outcome_api(
    request: Request, cohort: str, body: OutcomeIn, viewer: Viewer = Depends(workers)
) -> OutcomeOut:
    """Record what happened when the organisation reached a case on its worklist (audited)."""
    check_api_csrf(request, viewer.by_token)
    access = access_for(request, viewer)
    with VAULT_LOCK:
        row = record_outcome(settings_of(request), access, cohort, body.case_ref, body.status,
                             needs=body.needs, note=body.note)  # fmt: skip
    return _outcome_out(row)
