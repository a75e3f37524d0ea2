"""Open-data files for a release: CSV, a Frictionless Data Package descriptor (Table Schema), CSV on the Web
metadata (JSON-LD), a DCAT (JSON-LD) catalogue entry, and GeoJSON for mapped releases.

Every descriptor carries the licence (Open Government Licence v3.0), the attribution, the release's version
and changelog, and the disclosure-control rule set it passed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from placehub.publish.releases import Release
from placehub.publish.spreadsheet import write_csv
from placehub.publish.table import TOTAL
from placehub.publish.tidy import SUPPRESSED, fields, rows

CSVW_TYPES = {"string": "string", "integer": "integer", "number": "double"}


def csv_name(release: Release) -> str:
    return f"{release.name}.csv"


def write_release_csv(release: Release, path: Path) -> int:
    fs = [f.name for f in fields(release)]
    data = ([SUPPRESSED if r[f] is None else r[f] for f in fs] for r in rows(release))
    return write_csv(path, fs, data)


def _version(release: Release) -> str:
    return f"{release.number or 0}.0.0"


def table_schema(release: Release) -> dict[str, Any]:
    return {
        "fields": [
            {"name": f.name, "type": f.type, "title": f.title, "description": f.description}
            for f in fields(release)
        ],
        "missingValues": ["", SUPPRESSED],
        "primaryKey": [
            f.name for f in fields(release) if f.name in ("area_code", release.meta["column_dimension"])
        ],
    }


def datapackage(release: Release, *, base_url: str = "") -> dict[str, Any]:
    m = release.meta
    return {
        "profile": "tabular-data-package",
        "name": release.name,
        "title": m["title"],
        "description": m["description"],
        "version": _version(release),
        "created": (release.published_at or release.created_at).isoformat(),
        "keywords": m["keywords"],
        "licenses": [m["licence"]],
        "contributors": [{"title": m["publisher"], "role": "publisher"}],
        "sources": [{"title": m["attribution"]}],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": release.name,
                "path": csv_name(release),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(release),
            }
        ],
        "placehub": {
            "release": release.number,
            "definition_version": release.definition_version,
            "changelog": release.changelog,
            "disclosure_control": m["rule_set"],
            "suppressed": m["suppressed"],
            "approved_by_checker": release.checker is not None,
        },
    }


def csvw(release: Release, *, base_url: str = "") -> dict[str, Any]:
    m = release.meta
    key = [f.name for f in fields(release) if f.name in ("area_code", m["column_dimension"])]
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": f"{base_url}{csv_name(release)}",
        "dc:title": m["title"],
        "dc:description": m["description"],
        "dc:license": {"@id": m["licence"]["path"]},
        "dc:publisher": m["publisher"],
        "dc:source": m["attribution"],
        "schema:version": _version(release),
        "rdfs:comment": f"Disclosure control: {m['rule_set']['name']}. {release.changelog}".strip(),
        "dialect": {"header": True, "delimiter": ","},
        "tableSchema": {
            "columns": [
                {
                    "name": f.name,
                    "titles": f.name,
                    "dc:title": f.title,
                    "dc:description": f.description,
                    "datatype": CSVW_TYPES[f.type],
                    "null": ["", SUPPRESSED],
                }
                for f in fields(release)
            ],
            "primaryKey": key,
        },
    }


def dcat(release: Release, *, base_url: str = "") -> dict[str, Any]:
    m = release.meta
    issued = (release.published_at or release.created_at).date().isoformat()
    distributions = [
        {
            "@type": "dcat:Distribution",
            "dct:title": "CSV",
            "dcat:mediaType": "text/csv",
            "dcat:downloadURL": f"{base_url}{csv_name(release)}",
            "dct:license": {"@id": m["licence"]["path"]},
        },
        {
            "@type": "dcat:Distribution",
            "dct:title": "Frictionless Data Package",
            "dcat:mediaType": "application/json",
            "dcat:downloadURL": f"{base_url}datapackage.json",
            "dct:conformsTo": {"@id": "https://specs.frictionlessdata.io/data-package/"},
        },
        {
            "@type": "dcat:Distribution",
            "dct:title": "CSV on the Web metadata",
            "dcat:mediaType": "application/csvm+json",
            "dcat:downloadURL": f"{base_url}{csv_name(release)}-metadata.json",
            "dct:conformsTo": {"@id": "http://www.w3.org/ns/csvw"},
        },
    ]
    if release.is_geographic and m["kind"] in ("counts", "index"):
        distributions.append(
            {
                "@type": "dcat:Distribution",
                "dct:title": "GeoJSON",
                "dcat:mediaType": "application/geo+json",
                "dcat:downloadURL": f"{base_url}{release.name}.geojson",
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "adms": "http://www.w3.org/ns/adms#",
        },
        "@type": "dcat:Dataset",
        "@id": f"{base_url}{release.slug}",
        "dct:identifier": release.slug,
        "dct:title": m["title"],
        "dct:description": m["description"],
        "dct:issued": issued,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": m["publisher"]},
        "dct:license": {"@id": m["licence"]["path"]},
        "dct:rights": m["attribution"],
        "dct:spatial": m["area_level"],
        "dcat:keyword": m["keywords"],
        "dcat:version": _version(release),
        "adms:versionNotes": release.changelog,
        "dct:provenance": f"Disclosure control rule set {m['rule_set']['name']}: "
        + "; ".join(m["rule_set"]["rules"]),
        "dcat:distribution": distributions,
    }


def geojson(release: Release, geometries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection: each area's published figures joined to its boundary (areas without one are left
    out and counted in ``missing_geometry``)."""
    features, missing = [], 0
    by_area: dict[str, dict[str, Any]] = {}
    for r in rows(release):
        if r["area_code"] == TOTAL:
            continue
        props = by_area.setdefault(r["area_code"], {"code": r["area_code"], "name": r["area_name"]})
        dim = release.meta["column_dimension"]
        if dim in r:
            if r[dim] != TOTAL:
                props[str(r[dim])] = r["count"]
            else:
                props["total"] = r["count"]
        else:
            props.update({k: v for k, v in r.items() if k not in ("area_code", "area_name")})
    for code, props in by_area.items():
        geom = geometries.get(code)
        if geom is None:
            missing += 1
            continue
        features.append({"type": "Feature", "id": code, "properties": props, "geometry": geom})
    return {
        "type": "FeatureCollection",
        "name": release.slug,
        "license": release.meta["licence"]["path"],
        "attribution": release.meta["attribution"],
        "missing_geometry": missing,
        "features": features,
    }


def write_package(
    release: Release, folder: Path, geometries: dict[str, dict[str, Any]] | None = None
) -> list[Path]:
    """A Data Package folder: CSV + datapackage.json + CSVW metadata + DCAT entry (+ GeoJSON when mapped)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / csv_name(release)]
    write_release_csv(release, written[0])
    docs = {
        "datapackage.json": datapackage(release),
        f"{csv_name(release)}-metadata.json": csvw(release),
        "dcat.jsonld": dcat(release),
    }
    if geometries and release.is_geographic:
        docs[f"{release.name}.geojson"] = geojson(release, geometries)
    for name, doc in docs.items():
        path = folder / name
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
