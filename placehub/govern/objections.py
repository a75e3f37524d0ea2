"""The objections register: people who object to their data being used, by NHS number or person id.

Identifiers are stored as HMAC-SHA256 under a register key (``keys_dir/objections.key``, 0600), never in
clear. ``apply_objections`` removes objectors from a DuckDB table (at ingest) or relation (before sharing) and
counts, never names, those removed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import duckdb
from sqlalchemy import or_, select

from placehub.errors import NotFound, PlacehubUserError
from placehub.govern.audit import AuditEvent, append
from placehub.govern.pseudonyms import read_or_create_key
from placehub.store import Catalogue
from placehub.store.models_govern import Objection


class IdentifierKind(StrEnum):
    NHS_NUMBER = "nhs_number"
    PERSON_ID = "person_id"


class InvalidIdentifier(PlacehubUserError):
    pass


@dataclass(frozen=True)
class ObjectionOutcome:
    relation: (
        duckdb.DuckDBPyRelation | None
    )  # the filtered relation (None when a table was filtered in place)
    excluded: int
    excluded_by_kind: dict[str, int]


def _register_key(keys_dir: Path) -> bytes:
    return read_or_create_key(keys_dir / "objections.key")


def normalise_nhs_number(value: str) -> str | None:
    """Ten digits passing the Modulus 11 check, or None."""
    digits = re.sub(r"\D", "", str(value))
    if len(digits) != 10:
        return None
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return digits if check != 10 and check == int(digits[9]) else None


def _normalise(kind: IdentifierKind, value: str) -> str | None:
    if kind is IdentifierKind.NHS_NUMBER:
        return normalise_nhs_number(value)
    v = str(value).strip()
    return v or None


def identifier_hash(keys_dir: Path, kind: IdentifierKind, value: str) -> str:
    return hmac.new(_register_key(keys_dir), f"{kind.value}:{value}".encode(), hashlib.sha256).hexdigest()


def add_objection(
    catalogue: Catalogue,
    keys_dir: Path,
    kind: IdentifierKind,
    value: str,
    *,
    recorded_by: str,
    scope: str = "all",
) -> int:
    """Register an objection; returns its id. Adding the same person twice returns the existing id."""
    norm = _normalise(kind, value)
    if norm is None:
        raise InvalidIdentifier(
            "That is not a valid NHS number (10 digits passing the Modulus 11 check)."
            if kind is IdentifierKind.NHS_NUMBER
            else "A person id cannot be blank."
        )
    digest = identifier_hash(keys_dir, kind, norm)
    with catalogue.session() as s:
        existing = s.scalars(
            select(Objection).where(Objection.kind == kind.value, Objection.identifier_hash == digest)
        ).first()
        if existing is not None:
            return existing.id
        row = Objection(
            kind=kind.value,
            identifier_hash=digest,
            scope=scope,
            recorded_by=recorded_by,
            recorded_at=datetime.now(UTC),
        )
        s.add(row)
        s.flush()
        new_id = row.id
    append(
        catalogue,
        AuditEvent("objection.add", recorded_by, "done", purpose=scope, detail={"objection": new_id}),
    )
    return new_id


def list_objections(catalogue: Catalogue) -> list[tuple[int, str, str, str, datetime]]:
    """(id, kind, scope, recorded_by, recorded_at): no identifiers, not even their hashes."""
    with catalogue.session() as s:
        rows = s.scalars(select(Objection).order_by(Objection.id)).all()
        return [(o.id, o.kind, o.scope, o.recorded_by, o.recorded_at) for o in rows]


def remove_objection(catalogue: Catalogue, objection_id: int, *, removed_by: str) -> None:
    with catalogue.session() as s:
        row = s.get(Objection, objection_id)
        if row is None:
            raise NotFound(f"No objection with id {objection_id}: see `placehub objection list`.")
        s.delete(row)
    append(catalogue, AuditEvent("objection.remove", removed_by, "done", detail={"objection": objection_id}))


def _objected_hashes(catalogue: Catalogue, kind: IdentifierKind, purpose: str | None) -> set[str]:
    scopes = [Objection.scope == "all"]
    if purpose:
        scopes.append(Objection.scope == purpose)
    with catalogue.session() as s:
        return set(
            s.scalars(
                select(Objection.identifier_hash).where(Objection.kind == kind.value, or_(*scopes))
            ).all()
        )


def objections_digest(catalogue: Catalogue, purpose: str | None) -> str:
    """SHA-256 over the objections in force for ``purpose`` (every kind): it changes when one is added or
    removed, so a read remembered under the old digest is never served after the change."""
    scopes = [Objection.scope == "all"]
    if purpose:
        scopes.append(Objection.scope == purpose)
    with catalogue.session() as s:
        rows = s.execute(select(Objection.kind, Objection.identifier_hash).where(or_(*scopes))).all()
    return hashlib.sha256("\n".join(sorted(f"{k}:{h}" for k, h in rows)).encode()).hexdigest()


def apply_objections(
    catalogue: Catalogue,
    con: duckdb.DuckDBPyConnection,
    relation_or_table: duckdb.DuckDBPyRelation | str,
    *,
    keys_dir: Path,
    nhs_number_column: str | None = "nhs_number",
    person_id_column: str | None = None,
    purpose: str | None = None,
    actor: str = "system",
    stage: str = "ingest",
    audit: bool = True,
) -> ObjectionOutcome:
    """Remove objectors. A table name is filtered in place (DELETE); a relation is returned filtered.

    Each kind's excluded count is recorded in the audit chain (``audit=False`` when the caller records it).
    """
    is_table = isinstance(relation_or_table, str)
    rel = con.table(relation_or_table) if is_table else relation_or_table
    present = set(rel.columns)
    by_kind: dict[str, int] = {}
    conditions: list[str] = []
    key = _register_key(keys_dir)
    for kind, column in (
        (IdentifierKind.NHS_NUMBER, nhs_number_column),
        (IdentifierKind.PERSON_ID, person_id_column),
    ):
        if column is None or column not in present:
            continue
        wanted = _objected_hashes(catalogue, kind, purpose)
        if not wanted:
            by_kind[kind.value] = 0
            continue
        quoted = '"' + column.replace('"', '""') + '"'
        raw_values = [r[0] for r in rel.project(quoted).distinct().fetchall()]
        hits = []
        for raw in raw_values:
            norm = None if raw is None else _normalise(kind, raw)
            if norm is not None:
                digest = hmac.new(key, f"{kind.value}:{norm}".encode(), hashlib.sha256).hexdigest()
                if digest in wanted:
                    hits.append(str(raw))
        tmp = f"_objected_{uuid.uuid4().hex[:12]}"
        con.execute(f"create temp table {tmp} (v varchar)")
        if hits:
            con.executemany(f"insert into {tmp} values (?)", [[h] for h in hits])  # noqa: S608
        condition = f"cast({quoted} as varchar) in (select v from {tmp})"  # noqa: S608 (our temp table)
        by_kind[kind.value] = int(rel.filter(condition).aggregate("count(*)").fetchone()[0])
        conditions.append(condition)
    excluded_rows = 0
    out: duckdb.DuckDBPyRelation | None = rel
    if conditions:
        where = " or ".join(conditions)
        excluded_rows = int(rel.filter(where).aggregate("count(*)").fetchone()[0])
        if is_table:
            table = '"' + str(relation_or_table).replace('"', '""') + '"'
            con.execute(f"delete from {table} where {where}")  # noqa: S608
            out = None
        else:
            out = rel.filter(f"not coalesce({where}, false)")
    elif is_table:
        out = None
    if audit:
        append(
            catalogue,
            AuditEvent(
                "objections.apply",
                actor,
                "done",
                purpose=purpose or "",
                dataset=str(relation_or_table) if is_table else "",
                row_count=excluded_rows,
                detail={"stage": stage, "excluded": excluded_rows, "by_kind": by_kind},
            ),
        )
    return ObjectionOutcome(out, excluded_rows, by_kind)
