"""Community capacity in Open Referral UK (ORUK 3.0 / HSDS 3.0): read, check and write its JSON.

A file is a JSON array of organizations with their services (the schema ``organization_package.json``). ORUK
has no field for what placehub needs to assign people, so placehub uses the standard's own extension point,
a service's ``attributes`` (taxonomy terms from placehub's taxonomies):

- ``placehub-capacity``: ``term`` is how many people the service can work with at once (one per service);
- ``placehub-purpose``: ``term`` is an agreement purpose code the service works under (one or more);
- ``placehub-need``: ``term`` is a need it meets (food, medicine, loneliness, digital, money, housing).

``service_areas`` give GSS codes (wards or LSOAs): ``uri`` is the ONS statistical-geography URI and
``extent`` the code (``extent_type: text``). An organization carries its placehub organisation id as an
``organization_identifiers`` entry with ``identifier_scheme: placehub``. Ids are UUIDs; placehub makes its
own deterministically (UUID v5) when it writes a file.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from placehub.act.outcomes_vocab import Need
from placehub.errors import PlacehubUserError
from placehub.settings import Settings

PACKAGE_SCHEMA = "organization_package.json"
CAPACITY, PURPOSE, NEED = "placehub-capacity", "placehub-purpose", "placehub-need"
PLACEHUB_SCHEME = "placehub"
GSS = re.compile(r"^[EWSN]\d{8}$")
GEOGRAPHY_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
NAMESPACE = uuid.UUID("6f2b8a52-4a0e-4d8c-9a57-3f1c1f0f6a11")  # placehub's UUID v5 namespace


class InvalidServices(PlacehubUserError):
    """An Open Referral UK file that does not follow the schema or lacks what assignment needs."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  * {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{name} was refused ({len(problems)} problem(s)):\n{lines}{more}")


class SchemaNotFound(PlacehubUserError):
    pass


@dataclass(frozen=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True)
class Service:
    id: str
    organisation: str  # placehub organisation id (slug)
    name: str
    description: str
    status: str
    capacity: int
    purposes: tuple[str, ...]
    needs: tuple[str, ...]
    areas: tuple[Area, ...]
    document: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Organisation:
    id: str
    slug: str
    name: str
    description: str
    services: tuple[Service, ...]
    document: dict[str, Any] = field(default_factory=dict, compare=False)


def make_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def schema_dir(settings: Settings) -> Path:
    """``PLACEHUB_ORUK_SCHEMA`` or the shared standards folder beside the shared data."""
    env = os.environ.get("PLACEHUB_ORUK_SCHEMA")
    return Path(env) if env else settings.shared_data.parent / "standards" / "openreferral-uk" / "schema"


@cache
def _package_schema(folder: str) -> dict[str, Any]:
    return json.loads((Path(folder) / "compiled" / PACKAGE_SCHEMA).read_text(encoding="utf-8"))


def schema_problems(settings: Settings, doc: Any) -> list[str]:
    """Every way ``doc`` departs from ORUK's organization package schema."""
    folder = schema_dir(settings)
    if not (folder / "compiled" / PACKAGE_SCHEMA).is_file():
        raise SchemaNotFound(
            f"The Open Referral UK schema was not found in {folder}: set PLACEHUB_ORUK_SCHEMA to the "
            "uk-profile 'schema' folder (it holds compiled/organization_package.json)."
        )
    schema = _package_schema(str(folder))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    out = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        out.append(f"{where}: {err.message}")
    return out


def _terms(svc: dict[str, Any], taxonomy: str) -> list[str]:
    return [
        str(a["taxonomy_term"].get("term") or "")
        for a in svc.get("attributes") or []
        if isinstance(a.get("taxonomy_term"), dict) and a["taxonomy_term"].get("taxonomy") == taxonomy
    ]


def _area(raw: dict[str, Any]) -> Area | None:
    for candidate in (
        str(raw.get("uri") or "").rstrip("/").rsplit("/", 1)[-1],
        raw.get("extent"),
        raw.get("name"),
    ):
        if candidate and GSS.match(str(candidate)):
            return Area(str(candidate), str(raw.get("name") or candidate))
    return None


def parse(doc: Any, name: str = "The services file") -> list[Organisation]:
    """placehub's view of a schema-valid ORUK package; every missing placehub attribute is listed."""
    problems: list[str] = []
    orgs = []
    needs = {n.value for n in Need}
    for i, o in enumerate(doc):
        slugs = [
            x["identifier"]
            for x in o.get("organization_identifiers") or []
            if x.get("identifier_scheme") == PLACEHUB_SCHEME
        ]
        if len(slugs) != 1:
            problems.append(
                f"{i} ({o.get('name')}): give one organization_identifiers entry with identifier_scheme "
                "'placehub' (its placehub organisation id)"
            )
            continue
        services = []
        for j, s in enumerate(o.get("services") or []):
            where = f"{i}/services/{j} ({s.get('name')})"
            caps = _terms(s, CAPACITY)
            if len(caps) != 1 or not caps[0].isdigit():
                problems.append(
                    f"{where}: give one attribute of taxonomy '{CAPACITY}' whose term is a whole number"
                )
            purposes = _terms(s, PURPOSE)
            if not purposes:
                problems.append(
                    f"{where}: give at least one attribute of taxonomy '{PURPOSE}' (a purpose code)"
                )
            bad = [n for n in _terms(s, NEED) if n not in needs]
            if bad:
                problems.append(f"{where}: unknown need(s) {', '.join(bad)}; use: {', '.join(sorted(needs))}")
            areas = [_area(a) for a in s.get("service_areas") or []]
            if not areas or None in areas:
                problems.append(
                    f"{where}: every service area needs a ward or LSOA GSS code (in uri or extent)"
                )
            if problems:
                continue
            services.append(
                Service(
                    id=s["id"],
                    organisation=slugs[0],
                    name=s["name"],
                    description=s.get("description") or "",
                    status=s["status"],
                    capacity=int(caps[0]),
                    purposes=tuple(purposes),
                    needs=tuple(_terms(s, NEED)),
                    areas=tuple(a for a in areas if a),
                    document=s,
                )
            )
        orgs.append(Organisation(o["id"], slugs[0], o["name"], o["description"], tuple(services), o))
    if problems:
        raise InvalidServices(name, problems)
    return orgs


def read_file(settings: Settings, path: Path) -> list[Organisation]:
    """Read, validate against the ORUK schema, then check placehub's attributes (all problems at once)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidServices(path.name, [f"the file {path} does not exist"]) from None
    except json.JSONDecodeError as exc:
        raise InvalidServices(path.name, [f"not valid JSON: {exc}"]) from None
    problems = schema_problems(settings, doc)
    if problems:
        raise InvalidServices(path.name, problems)
    return parse(doc, path.name)


def _attribute(service_id: str, taxonomy: str, term: str, label: str) -> dict[str, Any]:
    term_id = make_id("term", taxonomy, term)
    return {
        "id": make_id("attribute", service_id, taxonomy, term),
        "link_id": service_id,
        "taxonomy_term_id": term_id,
        "link_type": taxonomy.removeprefix("placehub-"),
        "taxonomy_term": {
            "id": term_id,
            "name": label,
            "description": label,
            "taxonomy": taxonomy,
            "term": term,
        },
    }


def service_document(s: Service, organisation_id: str) -> dict[str, Any]:
    """The service as ORUK JSON: its stored document with placehub's parts rewritten from the values."""
    kept = [
        a for a in s.document.get("attributes") or []
        if (a.get("taxonomy_term") or {}).get("taxonomy") not in (CAPACITY, PURPOSE, NEED)
    ]  # fmt: skip
    attributes = kept + [
        _attribute(s.id, CAPACITY, str(s.capacity), f"Capacity: {s.capacity} people at once")
    ]
    attributes += [_attribute(s.id, PURPOSE, p, f"Works under the purpose {p}") for p in s.purposes]
    attributes += [_attribute(s.id, NEED, n, f"Meets the need: {n}") for n in s.needs]
    areas = [
        {
            "id": make_id("service_area", s.id, a.code),
            "service_id": s.id,
            "name": a.name,
            "extent": a.code,
            "extent_type": "text",
            "uri": GEOGRAPHY_URI + a.code,
        }
        for a in s.areas
    ]
    return {
        **s.document,
        "id": s.id,
        "organization_id": organisation_id,
        "name": s.name,
        "description": s.description,
        "status": s.status,
        "service_areas": areas,
        "attributes": attributes,
    }


def organisation_document(o: Organisation) -> dict[str, Any]:
    idents = [
        x
        for x in o.document.get("organization_identifiers") or []
        if x.get("identifier_scheme") != PLACEHUB_SCHEME
    ]
    idents.append(
        {
            "id": make_id("organization_identifier", o.slug),
            "organization_id": o.id,
            "identifier_scheme": PLACEHUB_SCHEME,
            "identifier_type": "placehub organisation id",
            "identifier": o.slug,
        }
    )
    return {
        **{k: v for k, v in o.document.items() if k != "services"},
        "id": o.id,
        "name": o.name,
        "description": o.description,
        "organization_identifiers": idents,
        "services": [service_document(s, o.id) for s in o.services],
    }


def to_package(orgs: list[Organisation]) -> list[dict[str, Any]]:
    return [organisation_document(o) for o in sorted(orgs, key=lambda o: o.slug)]
