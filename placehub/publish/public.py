"""What the public sees: the catalogue of published releases, a table with filters and facets, downloads,
and the export of every release as a Data Package folder. Only published figures leave from here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from placehub.errors import PlacehubUserError
from placehub.publish.formats import write_package
from placehub.publish.releases import Release, get_release, list_releases
from placehub.publish.table import TOTAL
from placehub.publish.tidy import fields, rows
from placehub.settings import Settings
from placehub.store import Catalogue, Vault

MAX_PAGE = 1000


class BadFilter(PlacehubUserError):
    pass


def summary(release: Release) -> dict[str, Any]:
    m = release.meta
    return {
        "name": release.name,
        "release": release.number,
        "title": m["title"],
        "description": m["description"],
        "area_level": m["area_level"],
        "kind": m["kind"],
        "published_at": release.published_at.isoformat() if release.published_at else None,
        "rule_set": release.rule_set,
        "licence": m["licence"],
        "attribution": m["attribution"],
        "changelog": release.changelog,
        "suppressed": m["suppressed"],
        "areas": len(m["rows"]),
    }


def catalogue_entries(catalogue: Catalogue) -> list[dict[str, Any]]:
    """The newest published release of each definition, with the numbers of earlier ones."""
    by_name: dict[str, list[Release]] = {}
    for r in list_releases(catalogue):
        by_name.setdefault(r.name, []).append(r)
    return [{**summary(rs[-1]), "versions": [r.number for r in rs]} for _, rs in sorted(by_name.items())]


@dataclass(frozen=True)
class TablePage:
    release: dict[str, Any]
    fields: list[dict[str, str]]
    rows: list[dict[str, Any]]
    total_rows: int
    facets: dict[str, dict[str, int]]
    filters: dict[str, str]


def table(
    catalogue: Catalogue,
    name: str,
    *,
    number: int | None = None,
    filters: dict[str, str] | None = None,
    include_totals: bool = True,
    limit: int = MAX_PAGE,
    offset: int = 0,
) -> TablePage:
    """A published table filtered by exact field values; facets count rows by each text field's values."""
    release = get_release(catalogue, name, number)
    fs = fields(release)
    names = {f.name for f in fs}
    filters = dict(filters or {})
    if unknown := sorted(set(filters) - names):
        raise BadFilter(f"Unknown filter {', '.join(unknown)}: filter on one of {', '.join(sorted(names))}.")
    all_rows = rows(release)
    if not include_totals:
        all_rows = [r for r in all_rows if r["area_code"] != TOTAL and TOTAL not in r.values()]
    kept = [r for r in all_rows if all(str(r[k]) == v for k, v in filters.items())]
    facet_fields = [f.name for f in fs if f.type == "string" and f.name != "area_name"]
    facets = {f: dict(sorted(Counter(str(r[f]) for r in kept).items())) for f in facet_fields}
    limit = max(0, min(limit, MAX_PAGE))
    return TablePage(
        release=summary(release),
        fields=[{"name": f.name, "type": f.type, "title": f.title, "description": f.description} for f in fs],
        rows=kept[offset : offset + limit],
        total_rows=len(kept),
        facets=facets,
        filters=filters,
    )


def geometries(settings: Settings, level: str) -> dict[str, dict[str, Any]]:
    """Area boundaries (WGS84 GeoJSON geometry) by code, from the vault's ``areas``; empty when not loaded."""
    import json

    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        return {}
    try:
        with vault.connect(read_only=True) as con:
            if not vault.has_table(con, "areas"):
                return {}
            found = con.execute(
                "select code, geojson from areas where lower(level) = ? and geojson is not null", [level]
            ).fetchall()
    except duckdb.IOException:
        return {}  # the vault is busy with a write; the map is left out rather than failing the page
    return {code: json.loads(g) for code, g in found}


def export_all(catalogue: Catalogue, settings: Settings, out: Path) -> list[Path]:
    """Every published release as ``out/<name>/v<n>/`` Data Package folders (and ``latest`` copies' paths)."""
    folders = []
    geo_cache: dict[str, dict[str, Any]] = {}
    for release in list_releases(catalogue):
        level = release.meta["area_level"]
        if level not in geo_cache:
            geo_cache[level] = geometries(settings, level)
        folder = out / release.name / f"v{release.number}"
        write_package(release, folder, geo_cache[level])
        folders.append(folder)
    return folders
