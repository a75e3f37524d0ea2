"""Sources and loads: upload a partner's file in the browser, read the plain-English report, see loads."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from placehub.govern import Role
from placehub.web.csrf import check_api_csrf, check_csrf
from placehub.web.dashboard_data import LoadRow, load_rows
from placehub.web.deps import Viewer, require, settings_of
from placehub.web.rendering import render
from placehub.web.uploads import LoadReport, SourceInfo, load_report, load_upload, sources

router = APIRouter()
analyst = require(Role.ANALYST)


@dataclass(frozen=True)
class SourcesPage:
    sources: list[SourceInfo]
    loads: list[LoadRow]


@router.get("/sources", include_in_schema=False)
def sources_page(request: Request, viewer: Viewer = Depends(analyst)) -> Response:
    s = settings_of(request)
    page = SourcesPage(sources(s), load_rows(s))
    return render(request, "sources.html", viewer, page, title="Sources and loads")


@router.post("/sources/upload", include_in_schema=False)
def upload(
    request: Request,
    source: str = Form(...),
    file: UploadFile = File(...),
    csrf_token_field: str = Form("", alias="csrf_token"),
    viewer: Viewer = Depends(analyst),
) -> Response:
    check_csrf(request, csrf_token_field)
    report = load_upload(
        settings_of(request), source, file.filename or "upload", file.file, user=viewer.username
    )
    if report.error is None:
        return RedirectResponse(f"/loads/{report.load_id}", status_code=303)
    return render(
        request, "load_report.html", viewer, report, status_code=422, title="The file was not loaded"
    )


@router.get("/loads/{load_id}", include_in_schema=False)
def load_page(request: Request, load_id: int, viewer: Viewer = Depends(analyst)) -> Response:
    report = load_report(settings_of(request), load_id, viewer=viewer.username)
    return render(request, "load_report.html", viewer, report, title=f"Load {load_id}")


@router.get("/api/sources", response_model=list[SourceInfo], tags=["sources and loads"])
def sources_api(request: Request, viewer: Viewer = Depends(analyst)) -> list[SourceInfo]:
    """Sources with a contract (name, title, provider)."""
    return sources(settings_of(request))


@router.get("/api/loads", response_model=list[LoadRow], tags=["sources and loads"])
def loads_api(request: Request, viewer: Viewer = Depends(analyst)) -> list[LoadRow]:
    """Every load, newest first, with its row counts."""
    return load_rows(settings_of(request))


@router.get("/api/loads/{load_id}", response_model=LoadReport, tags=["sources and loads"])
def load_api(request: Request, load_id: int, viewer: Viewer = Depends(analyst)) -> LoadReport:
    """One load's report: counts, reasons by kind and each rejected row's reasons."""
    return load_report(settings_of(request), load_id, viewer=viewer.username)


@router.post(
    "/api/loads",
    response_model=LoadReport,
    status_code=201,
    responses={
        422: {"model": LoadReport, "description": "The file could not be loaded; nothing was written."}
    },
    tags=["sources and loads"],
)
def load_api_upload(
    request: Request,
    source: str = Form(...),
    file: UploadFile = File(...),
    viewer: Viewer = Depends(analyst),
) -> Response:
    """Load a file for ``source`` (multipart). A session caller sends the X-CSRF-Token header."""
    check_api_csrf(request, viewer.by_token)
    report = load_upload(
        settings_of(request), source, file.filename or "upload", file.file, user=viewer.username
    )
    return JSONResponse(asdict(report), status_code=201 if report.error is None else 422)
