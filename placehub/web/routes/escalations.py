"""Escalations: a cohort's members nobody has reached within its ``escalate_after_days`` (council team
only), oldest first, with a ward filter. Case references, wards and counts only: ``placehub.act.escalations``
under the viewer's governed access (partner workers are refused there, and the refusal is audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from placehub.act import Escalation, escalations
from placehub.govern import Role
from placehub.web.deps import VAULT_LOCK, PurposeNeeded, Viewer, access_for, require, settings_of
from placehub.web.rendering import render
from placehub.web.routes.worklists import CohortChoice, cohort_choices

router = APIRouter()
council = require(Role.ANALYST)


@dataclass
class EscalationPage:
    cohorts: list[CohortChoice]
    cohort: str | None
    ward: str | None
    wards: list[str] = field(default_factory=list)
    rows: list[Escalation] = field(default_factory=list)


@router.get("/escalations", include_in_schema=False)
def escalation_page(
    request: Request, cohort: str | None = None, ward: str | None = None, viewer: Viewer = Depends(council)
) -> Response:
    try:
        access = access_for(request, viewer)
    except PurposeNeeded:
        return RedirectResponse("/worklists?need_purpose=1", status_code=303)
    cohorts = cohort_choices(request, access.purpose)
    chosen = cohort or (cohorts[0].name if cohorts else None)
    page = EscalationPage(cohorts, chosen, ward or None)
    if chosen:
        with VAULT_LOCK:
            everyone = escalations(settings_of(request), access, chosen)
        page.wards = sorted({e.ward for e in everyone if e.ward})
        page.rows = [e for e in everyone if not page.ward or e.ward == page.ward]
    return render(request, "escalations.html", viewer, page, title="Escalations")


class EscalationOut(BaseModel):
    cohort: str
    case_ref: str
    ward: str | None
    organisation: str
    included_at: datetime
    days_waiting: float
    priority: float
    attempts: int
    last_outcome: str


@router.get("/api/escalations/{cohort}", response_model=list[EscalationOut], tags=["worklists"])
def escalations_api(
    request: Request, cohort: str, ward: str | None = None, viewer: Viewer = Depends(council)
) -> list[EscalationOut]:
    """Members of ``cohort`` not reached in time (optionally in one ``ward``), oldest first."""
    with VAULT_LOCK:
        found = escalations(settings_of(request), access_for(request, viewer), cohort)
    return [EscalationOut(**e.__dict__) for e in found if not ward or e.ward == ward]
