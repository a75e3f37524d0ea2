"""Agreements in the catalogue: add a YAML file (a changed file makes a new version), list, show, look up."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from placehub.errors import NotFound
from placehub.govern.agreement import Agreement, ContractLookup, check_document, load_yaml
from placehub.govern.audit import AuditEvent, append
from placehub.store import Catalogue
from placehub.store.models_govern import AgreementRecord, AgreementVersion


@dataclass(frozen=True)
class AddResult:
    agreement: Agreement
    new_version: bool  # False when the file is byte-identical to the current version


def validate_file(path: Path, contracts: ContractLookup) -> Agreement:
    """Check a file without recording it. Raises InvalidAgreement listing every problem."""
    return check_document(load_yaml(path), str(path), contracts)


def add_agreement(catalogue: Catalogue, path: Path, contracts: ContractLookup, *, added_by: str) -> AddResult:
    """Validate and record ``path``: a changed file makes the next version; an unchanged one, nothing."""
    text = path.read_text(encoding="utf-8")
    checked = validate_file(path, contracts)
    sha = hashlib.sha256(text.encode()).hexdigest()
    with catalogue.session() as s:
        record = s.get(AgreementRecord, checked.id)
        if record is not None:
            current = s.scalars(
                select(AgreementVersion).where(
                    AgreementVersion.agreement_id == checked.id,
                    AgreementVersion.version == record.current_version,
                )
            ).one()
            if current.sha256 == sha:
                return AddResult(Agreement.from_document(checked.document, record.current_version), False)
            version = record.current_version + 1
            record.current_version = version
            record.purpose = checked.purpose
        else:
            version = 1
            s.add(AgreementRecord(id=checked.id, purpose=checked.purpose, current_version=1))
            s.flush()
        s.add(
            AgreementVersion(
                agreement_id=checked.id,
                version=version,
                sha256=sha,
                document=json.dumps(checked.document, sort_keys=True),
                source_yaml=text,
                added_by=added_by,
                added_at=datetime.now(UTC),
            )
        )
    agreement = Agreement.from_document(checked.document, version)
    append(
        catalogue,
        AuditEvent(
            action="agreement.add",
            actor=added_by,
            purpose=agreement.purpose,
            dataset="",
            outcome="done",
            detail={"agreement": agreement.id, "version": version, "sha256": sha},
        ),
    )
    return AddResult(agreement, True)


def current_agreements(catalogue: Catalogue) -> list[Agreement]:
    """The current version of every agreement, by id."""
    with catalogue.session() as s:
        rows = s.execute(
            select(AgreementRecord.current_version, AgreementVersion.document)
            .join(
                AgreementVersion,
                (AgreementVersion.agreement_id == AgreementRecord.id)
                & (AgreementVersion.version == AgreementRecord.current_version),
            )
            .order_by(AgreementRecord.id)
        ).all()
    return [Agreement.from_document(json.loads(doc), version) for version, doc in rows]


def get_agreement(catalogue: Catalogue, agreement_id: str, version: int | None = None) -> Agreement:
    with catalogue.session() as s:
        record = s.get(AgreementRecord, agreement_id)
        if record is None:
            raise NotFound(f"No agreement '{agreement_id}': see `placehub agreement list`.")
        wanted = version or record.current_version
        row = s.scalars(
            select(AgreementVersion).where(
                AgreementVersion.agreement_id == agreement_id, AgreementVersion.version == wanted
            )
        ).one_or_none()
        if row is None:
            raise NotFound(
                f"Agreement '{agreement_id}' has no version {wanted} (versions 1–{record.current_version})."
            )
        return Agreement.from_document(json.loads(row.document), row.version)


def version_history(catalogue: Catalogue, agreement_id: str) -> list[tuple[int, str, str, datetime]]:
    """(version, sha256, added_by, added_at) oldest first."""
    with catalogue.session() as s:
        if s.get(AgreementRecord, agreement_id) is None:
            raise NotFound(f"No agreement '{agreement_id}': see `placehub agreement list`.")
        rows = s.execute(
            select(
                AgreementVersion.version,
                AgreementVersion.sha256,
                AgreementVersion.added_by,
                AgreementVersion.added_at,
            )
            .where(AgreementVersion.agreement_id == agreement_id)
            .order_by(AgreementVersion.version)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]
