"""Partner organisations and services in the catalogue: import from, export to Open Referral UK JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from placehub.act.oruk import (
    Area,
    InvalidServices,
    Organisation,
    Service,
    read_file,
    schema_problems,
    to_package,
)
from placehub.govern import AuditEvent, append
from placehub.settings import Settings
from placehub.store import Catalogue
from placehub.store.models_act import PartnerOrganisation, PartnerService

DEMO_SERVICES = Path(__file__).resolve().parent / "demo_services.json"


@dataclass(frozen=True)
class ImportResult:
    organisations: int
    services: int
    capacity: int


def store(catalogue: Catalogue, orgs: list[Organisation]) -> ImportResult:
    """Replace each organisation (by placehub id) and its services with the file's."""
    with catalogue.session() as s:
        for o in orgs:
            old = s.scalars(select(PartnerOrganisation).where(PartnerOrganisation.slug == o.slug)).first()
            if old is not None:
                s.execute(delete(PartnerService).where(PartnerService.organisation_id == old.id))
                s.delete(old)
                s.flush()
            s.add(
                PartnerOrganisation(
                    id=o.id,
                    slug=o.slug,
                    name=o.name,
                    description=o.description,
                    document={k: v for k, v in o.document.items() if k != "services"},
                )
            )
            for v in o.services:
                s.add(
                    PartnerService(
                        id=v.id,
                        organisation_id=o.id,
                        name=v.name,
                        description=v.description,
                        status=v.status,
                        capacity=v.capacity,
                        purposes=list(v.purposes),
                        needs=list(v.needs),
                        areas=[{"code": a.code, "name": a.name} for a in v.areas],
                        document={k: x for k, x in v.document.items() if k not in ("service_areas",)},
                    )
                )
    return ImportResult(
        len(orgs), sum(len(o.services) for o in orgs), sum(v.capacity for o in orgs for v in o.services)
    )


def import_services(settings: Settings, catalogue: Catalogue, path: Path, *, actor: str) -> ImportResult:
    """Validate an ORUK file against the schema and placehub's attributes, then store it (audited)."""
    orgs = read_file(settings, path)
    result = store(catalogue, orgs)
    append(
        catalogue,
        AuditEvent(
            "act.services.import",
            actor,
            "done",
            dataset=path.name,
            row_count=result.services,
            detail={"organisations": result.organisations, "services": result.services},
        ),
    )
    return result


def organisations(catalogue: Catalogue) -> list[Organisation]:
    """Every stored partner organisation with its services."""
    with catalogue.session() as s:
        orgs = s.scalars(select(PartnerOrganisation).order_by(PartnerOrganisation.slug)).all()
        svcs = s.scalars(select(PartnerService).order_by(PartnerService.name, PartnerService.id)).all()
        out = []
        for o in orgs:
            services = tuple(
                Service(
                    id=v.id,
                    organisation=o.slug,
                    name=v.name,
                    description=v.description,
                    status=v.status,
                    capacity=v.capacity,
                    purposes=tuple(v.purposes),
                    needs=tuple(v.needs),
                    areas=tuple(Area(a["code"], a["name"]) for a in v.areas),
                    document=dict(v.document),
                )
                for v in svcs
                if v.organisation_id == o.id
            )
            out.append(Organisation(o.id, o.slug, o.name, o.description, services, dict(o.document)))
    return out


def services(catalogue: Catalogue) -> list[Service]:
    return [v for o in organisations(catalogue) for v in o.services]


def export_services(settings: Settings, catalogue: Catalogue, path: Path, *, actor: str) -> int:
    """Write every partner organisation as an ORUK package, checked against the schema first."""
    doc = to_package(organisations(catalogue))
    problems = schema_problems(settings, doc)
    if problems:  # a bug, not a user error: what we write must always be valid
        raise InvalidServices("The export", problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    append(
        catalogue,
        AuditEvent("act.services.export", actor, "done", dataset=path.name, row_count=len(doc)),
    )
    return len(doc)
