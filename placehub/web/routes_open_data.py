"""Open data: the public catalogue of published releases (no sign-in), its JSON API and downloads.

Only published, disclosure-controlled figures leave through here (``placehub.publish.public``); drafts, SDC
logs and true counts never do. Mount with ``app.include_router(routes_open_data.router)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from placehub.errors import NotFound
from placehub.publish import public
from placehub.publish.formats import csv_name, csvw, datapackage, dcat, geojson, write_release_csv
from placehub.publish.mapview import map_data
from placehub.publish.releases import Release, get_release
from placehub.web.deps import catalogue_of, optional_viewer, settings_of
from placehub.web.rendering import render

router = APIRouter()
ASSETS = Path(__file__).resolve().parent.parent / "publish" / "assets"
RESERVED = {"limit", "offset", "release", "totals"}


def _base(name: str, number: int | None) -> str:
    return f"/api/open-data/releases/{name}/v{number}/"


def _release(request: Request, name: str, version: str) -> Release:
    if version == "latest":
        return get_release(catalogue_of(request), name)
    if not version.startswith("v") or not version[1:].isdigit():
        raise NotFound(f"'{version}' is not a release version: use v1, v2 … or latest.")
    return get_release(catalogue_of(request), name, int(version[1:]))


@router.get("/open-data", include_in_schema=False)
def catalogue_page(request: Request) -> Response:
    entries = public.catalogue_entries(catalogue_of(request))
    return render(
        request, "open_data/catalogue.html", optional_viewer(request), {"entries": entries}, title="Open data"
    )


@router.get("/open-data/{name}", include_in_schema=False)
def release_page(request: Request, name: str, release: int | None = None) -> Response:
    page = public.table(catalogue_of(request), name, number=release)
    r = get_release(catalogue_of(request), name, release)
    context: dict[str, Any] = {
        "table": page,
        "base": _base(name, r.number),
        "csv": csv_name(r),
        "geographic": r.is_geographic,
        "map_url": f"{_base(name, r.number)}map.geojson",
        "versions": public.catalogue_entries(catalogue_of(request)),
    }
    return render(request, "open_data/release.html", optional_viewer(request), context, title=r.title)


@router.get("/open-data-assets/map.js", include_in_schema=False)
def map_script() -> Response:
    return FileResponse(ASSETS / "open_data_map.js", media_type="text/javascript")


@router.get("/api/open-data/releases", tags=["open data"])
def list_releases(request: Request) -> list[dict[str, Any]]:
    """Every published release (newest of each definition), with licence, rule set and changelog."""
    return public.catalogue_entries(catalogue_of(request))


@router.get("/api/open-data/catalog.jsonld", tags=["open data"])
def dcat_catalogue(request: Request) -> Response:
    """The DCAT (JSON-LD) catalogue of every published release."""
    from placehub.publish.releases import list_releases as all_releases

    datasets = [dcat(r, base_url=_base(r.name, r.number)) for r in all_releases(catalogue_of(request))]
    doc = {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        "@type": "dcat:Catalog",
        "dct:title": "Open data",
        "dcat:dataset": datasets,
    }
    return JSONResponse(doc, media_type="application/ld+json")


@router.get("/api/open-data/releases/{name}", tags=["open data"])
def release_table(
    request: Request,
    name: str,
    release: int | None = None,
    totals: bool = True,
    limit: int = public.MAX_PAGE,
    offset: int = 0,
) -> dict[str, Any]:
    """A published table. Any other query parameter filters a field by exact value (e.g. ``?ward=E05…``);
    ``facets`` count the filtered rows by each text field's values."""
    filters = {k: v for k, v in request.query_params.items() if k not in RESERVED}
    page = public.table(
        catalogue_of(request),
        name,
        number=release,
        filters=filters,
        include_totals=totals,
        limit=limit,
        offset=offset,
    )
    return page.__dict__


@router.get("/api/open-data/releases/{name}/{version}/{file}", tags=["open data"])
def download(request: Request, name: str, version: str, file: str) -> Response:
    """Downloads: ``<name>.csv``, ``datapackage.json``, ``<name>.csv-metadata.json`` (CSVW), ``dcat.jsonld``,
    ``<name>.geojson`` and ``map.geojson`` (with colours, for the catalogue map)."""
    r = _release(request, name, version)
    base = _base(r.name, r.number)
    docs = {
        "datapackage.json": (lambda: datapackage(r, base_url=base), "application/json"),
        f"{csv_name(r)}-metadata.json": (lambda: csvw(r, base_url=base), "application/csvm+json"),
        "dcat.jsonld": (lambda: dcat(r, base_url=base), "application/ld+json"),
    }
    if r.is_geographic:
        level = r.meta["area_level"]
        geo = lambda: public.geometries(settings_of(request), level)  # noqa: E731
        docs[f"{r.name}.geojson"] = (lambda: geojson(r, geo()), "application/geo+json")
        docs["map.geojson"] = (lambda: map_data(r, geo()), "application/geo+json")
    if file == csv_name(r):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / file
            write_release_csv(r, path)
            body = path.read_bytes()
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{r.slug}.csv"'},
        )
    if file not in docs:
        raise NotFound(f"Release {r.slug} has no file '{file}': choose {csv_name(r)} or {', '.join(docs)}.")
    make, media = docs[file]
    return Response(json.dumps(make(), ensure_ascii=False, indent=2), media_type=media)
