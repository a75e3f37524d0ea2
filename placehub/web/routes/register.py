"""The public transparency register: no sign-in. Built from the catalogue by placehub.govern.register."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from placehub.act.rules import proxy_register
from placehub.govern.register import register_data
from placehub.web.deps import catalogue_of, optional_viewer, settings_of
from placehub.web.rendering import render

router = APIRouter()


@router.get("/register", include_in_schema=False)
def register_page(request: Request) -> Response:
    data = register_data(catalogue_of(request), cohort_proxies=proxy_register(settings_of(request)))
    return render(request, "register.html", optional_viewer(request), data, title="Data sharing register")


@router.get("/api/register", tags=["register"])
def register_api(request: Request) -> dict[str, Any]:
    """The transparency register as JSON: agreements, tools, monthly access counts, the audit head."""
    return register_data(catalogue_of(request), cohort_proxies=proxy_register(settings_of(request)))
