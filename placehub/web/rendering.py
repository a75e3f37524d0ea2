"""Jinja rendering: each page gets the viewer, the CSRF token and the navigation, plus its page context.

The navigation lists every area the app will have; those not built yet (``ready=False``) are not shown, so a
new page only has to flip its flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from placehub.govern import Role
from placehub.web.csrf import csrf_token
from placehub.web.deps import Viewer

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The register's content is govern's own template, so the published page and /register never drift apart.
GOVERN_TEMPLATES = Path(__file__).resolve().parent.parent / "govern" / "templates"
templates = Jinja2Templates(directory=[str(TEMPLATES), str(GOVERN_TEMPLATES)])

STAFF = (Role.ANALYST, Role.IG_OFFICER, Role.PARTNER_WORKER)


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: tuple[Role, ...]
    ready: bool = True


NAV = (
    NavItem("Dashboard", "/", (Role.ANALYST, Role.IG_OFFICER)),
    NavItem("Sources and loads", "/sources", (Role.ANALYST,)),
    NavItem("Match review", "/review", (Role.ANALYST,)),
    NavItem("Linkage review", "/link-review", (Role.ANALYST,)),
    NavItem("Worklists", "/worklists", (Role.ANALYST, Role.PARTNER_WORKER)),
    NavItem("Escalations", "/escalations", (Role.ANALYST,)),
    NavItem("Place map", "/map", STAFF),
    NavItem("Outbreak map", "/outbreaks", (Role.ANALYST,)),
    NavItem("Open data", "/open-data", (*STAFF, Role.PUBLIC)),
    NavItem("Transparency register", "/register", (*STAFF, Role.PUBLIC)),
)


def nav_for(viewer: Viewer | None) -> list[NavItem]:
    if viewer is None:
        return [n for n in NAV if n.ready and Role.PUBLIC in n.roles]
    return [n for n in NAV if n.ready and viewer.role in n.roles]


def render(
    request: Request,
    template: str,
    viewer: Viewer | None,
    page: Any = None,
    *,
    status_code: int = 200,
    title: str = "",
) -> HTMLResponse:
    context = {
        "page": page,
        "viewer": viewer,
        "title": title,
        "nav": nav_for(viewer),
        "path": request.url.path,
        "csrf_token": csrf_token(request),
    }
    return templates.TemplateResponse(request, template, context, status_code=status_code)
