"""Releases: define → preview (the maker; disclosure control runs) → approve (a different checker) → publish.

A preview computes the definition's table (person-level rows only through an Access under its purpose, which
audits the read), applies the rule set against every earlier published release of the same definition, and
stores a draft with its SDC log. Publication needs approval by someone other than the maker. Each step is
appended to the audit chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from placehub.errors import NotFound, NotPermitted, PlacehubUserError
from placehub.govern import AuditEvent, append
from placehub.publish.definitions import OGL, Definition, parse_definition, read_definition
from placehub.publish.inputs import IndexTable, InputContext, make_table
from placehub.publish.rules import SDC_2025, get_rule_set
from placehub.publish.sdc import Earlier, protect
from placehub.publish.table import Cell, CountTable, Hidden, ProtectedTable
from placehub.settings import Settings
from placehub.store import Catalogue
from placehub.store.models_publish import PublishDefinition, PublishRelease, PublishReleaseTruth


class ReleaseStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"


class ApprovalRefused(NotPermitted):
    """Maker–checker: the person who made a release may not approve it."""


class ReleaseStateError(PlacehubUserError):
    pass


@dataclass(frozen=True)
class DefinedVersion:
    name: str
    version: int
    changed: bool


@dataclass(frozen=True)
class Release:
    id: int
    name: str
    definition_version: int
    number: int | None
    status: ReleaseStatus
    rule_set: str
    maker: str
    checker: str | None
    created_at: datetime
    approved_at: datetime | None
    published_at: datetime | None
    meta: dict[str, Any]
    cells: dict[str, int | float | None]
    sdc_log: list[dict[str, str]]
    changelog: str

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def is_geographic(self) -> bool:
        return self.meta["area_level"] in ("ward", "lsoa", "msoa")

    @property
    def slug(self) -> str:
        return f"{self.name}-v{self.number or 0}"


def _now() -> datetime:
    return datetime.now(UTC)


def _audit(catalogue: Catalogue, action: str, actor: str, detail: dict[str, Any], purpose: str = "") -> None:
    append(catalogue, AuditEvent(action, actor, "done", purpose=purpose, detail=detail))


def define(catalogue: Catalogue, path_or_name: str | Path, user: str) -> DefinedVersion:
    """Record a definition (a YAML path or a packaged name); a changed file becomes version n+1."""
    defn = read_definition(path_or_name)
    with catalogue.session() as s:
        last = s.scalars(
            select(PublishDefinition)
            .where(PublishDefinition.name == defn.name)
            .order_by(PublishDefinition.version.desc())
        ).first()
        if last is not None and last.body == defn.body:
            return DefinedVersion(defn.name, last.version, changed=False)
        version = 1 if last is None else last.version + 1
        s.add(
            PublishDefinition(
                name=defn.name,
                version=version,
                title=defn.title,
                body=defn.body,
                defined_by=user,
                defined_at=_now(),
            )
        )
    _audit(catalogue, "publish.define", user, {"definition": defn.name, "version": version})
    return DefinedVersion(defn.name, version, changed=True)


def current_definition(catalogue: Catalogue, name: str) -> tuple[Definition, int]:
    with catalogue.session() as s:
        row = s.scalars(
            select(PublishDefinition)
            .where(PublishDefinition.name == name)
            .order_by(PublishDefinition.version.desc())
        ).first()
        if row is None:
            raise NotFound(f"No definition '{name}': define it first with `placehub publish define {name}`.")
        return parse_definition(row.body, origin=f"definition {name} v{row.version}"), row.version


def _release(r: PublishRelease) -> Release:
    return Release(
        id=r.id,
        name=r.definition_name,
        definition_version=r.definition_version,
        number=r.number,
        status=ReleaseStatus(r.status),
        rule_set=r.rule_set,
        maker=r.maker,
        checker=r.checker,
        created_at=r.created_at,
        approved_at=r.approved_at,
        published_at=r.published_at,
        meta=json.loads(r.meta),
        cells=json.loads(r.cells),
        sdc_log=json.loads(r.sdc_log),
        changelog=r.changelog,
    )


def _shape(meta: dict[str, Any], truth: dict[str, int]) -> CountTable:
    values = {}
    for key, v in truth.items():
        c = Cell.from_key(key)
        if v:
            values[(c.row, c.column)] = v
    return CountTable(
        meta["row_dimension"],
        tuple(meta["rows"]),
        meta["column_dimension"],
        tuple(meta["columns"]),
        values,
        row_labels=meta["row_labels"],
    )


def earlier_releases(catalogue: Catalogue, name: str) -> list[Earlier]:
    """Every published count release of a definition with its (private) true counts, oldest first."""
    out = []
    with catalogue.session() as s:
        rows = s.execute(
            select(PublishRelease, PublishReleaseTruth)
            .join(PublishReleaseTruth, PublishReleaseTruth.release_id == PublishRelease.id)
            .where(
                PublishRelease.definition_name == name, PublishRelease.status == ReleaseStatus.PUBLISHED.value
            )
            .order_by(PublishRelease.number)
        ).all()
        for rel, truth in rows:
            meta = json.loads(rel.meta)
            if meta["kind"] != "counts":
                continue
            table = _shape(meta, json.loads(truth.values))
            cells = {Cell.from_key(k): v for k, v in json.loads(rel.cells).items()}
            hidden = tuple(
                Hidden(Cell.from_key(h["cell"]), h["kind"], h["reason"]) for h in json.loads(rel.sdc_log)
            )
            out.append(
                Earlier(ProtectedTable(table, cells, hidden, rel.rule_set, {}), get_rule_set(rel.rule_set))
            )
    return out


def _published_count(catalogue: Catalogue, name: str) -> int:
    with catalogue.session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(PublishRelease)
                .where(
                    PublishRelease.definition_name == name,
                    PublishRelease.status == ReleaseStatus.PUBLISHED.value,
                )
            )
            or 0
        )


def preview(
    catalogue: Catalogue,
    settings: Settings,
    name: str,
    maker: str,
    *,
    frames: dict[str, pd.DataFrame] | None = None,
) -> Release:
    """Compute the definition's table, apply disclosure control and store it as a draft made by ``maker``."""
    defn, version = current_definition(catalogue, name)
    ctx = InputContext(settings, catalogue, maker, dict(frames or {}))
    table = make_table(defn, ctx)
    rule_name = defn.rule_set or ctx.purpose_rule_sets.get(defn.purpose or "") or SDC_2025.name
    rules = get_rule_set(rule_name)
    meta: dict[str, Any] = {
        "name": defn.name,
        "title": defn.title,
        "description": defn.description,
        "definition_version": version,
        "area_level": defn.area_level,
        "keywords": list(defn.keywords),
        "publisher": defn.publisher,
        "attribution": defn.attribution,
        "licence": OGL,
        "rule_set": rules.describe(),
        "percent_of_total": defn.percent_of_total,
        "purpose": defn.purpose,
    }
    truth: dict[str, int] = {}
    if isinstance(table, IndexTable):
        meta.update(
            kind="index",
            row_dimension=defn.area_level,
            rows=list(table.rows),
            row_labels=table.row_labels,
            column_dimension="measure",
            columns=["value", "rank", "decile"],
        )
        cells: dict[str, Any] = {}
        for code, (value, rank, decile) in table.values.items():
            cells.update({f"{code}|value": value, f"{code}|rank": rank, f"{code}|decile": decile})
        log: list[dict[str, str]] = []
    else:
        earlier = earlier_releases(catalogue, name)
        result = protect(table, rules, earlier)
        meta.update(
            kind="counts",
            row_dimension=table.row_dimension,
            rows=list(table.rows),
            row_labels={r: table.row_labels.get(r, r) for r in table.rows},
            column_dimension=table.column_dimension,
            columns=list(table.columns),
        )
        cells = {c.key(): v for c, v in result.published.items()}
        log = [{"cell": h.cell.key(), "kind": h.kind, "reason": h.reason} for h in result.hidden]
        truth = {c.key(): table.true(c) for c in table.interior()}
    meta["suppressed"] = {
        "primary": sum(1 for h in log if h["kind"] == "primary"),
        "secondary": sum(1 for h in log if h["kind"] == "secondary"),
    }
    with catalogue.session() as s:
        row = PublishRelease(
            definition_name=name,
            definition_version=version,
            number=None,
            status=ReleaseStatus.DRAFT.value,
            rule_set=rules.name,
            maker=maker,
            created_at=_now(),
            based_on=_published_count(catalogue, name),
            cells=json.dumps(cells),
            sdc_log=json.dumps(log),
            meta=json.dumps(meta),
            changelog="",
        )
        s.add(row)
        s.flush()
        s.add(PublishReleaseTruth(release_id=row.id, values=json.dumps(truth)))
        release = _release(row)
    _audit(
        catalogue,
        "publish.preview",
        maker,
        {"release": release.id, "definition": name, "rule_set": rules.name, **meta["suppressed"]},
        purpose=defn.purpose or "",
    )
    return release


def get_release_by_id(catalogue: Catalogue, release_id: int) -> Release:
    with catalogue.session() as s:
        row = s.get(PublishRelease, release_id)
        if row is None:
            raise NotFound(f"No release with id {release_id}: see `placehub publish list`.")
        return _release(row)


def approve(catalogue: Catalogue, release_id: int, checker: str) -> Release:
    """Approve a draft. The checker must be an active user and not the maker (maker–checker)."""
    from placehub.govern.people import get_user

    release = get_release_by_id(catalogue, release_id)
    if release.status is not ReleaseStatus.DRAFT:
        raise ReleaseStateError(
            f"Release {release_id} is {release.status.value}, not a draft: nothing to approve."
        )
    if checker == release.maker:
        append(
            catalogue,
            AuditEvent(
                "publish.approve", checker, "denied", rule="maker_checker", detail={"release": release_id}
            ),
        )
        raise ApprovalRefused(
            f"{checker} made release {release_id} ({release.name}) and so cannot approve it: a second person "
            "must check the release and its SDC log before it is published (maker–checker)."
        )
    user = get_user(catalogue, checker)
    if not user.active:
        raise ApprovalRefused(f"User '{checker}' is not active and cannot approve releases.")
    with catalogue.session() as s:
        row = s.get(PublishRelease, release_id)
        assert row is not None
        row.status, row.checker, row.approved_at = ReleaseStatus.APPROVED.value, checker, _now()
        release = _release(row)
    _audit(catalogue, "publish.approve", checker, {"release": release_id, "maker": release.maker})
    return release


def _changelog(previous: Release | None, release: Release) -> str:
    if previous is None:
        return "First release."
    changed = sum(1 for k, v in release.cells.items() if previous.cells.get(k) != v)
    added = sorted(set(release.cells) - set(previous.cells))
    parts = [f"{changed} of {len(release.cells)} published figures differ from release {previous.number}"]
    if added:
        parts.append(f"{len(added)} new cells")
    if previous.rule_set != release.rule_set:
        parts.append(f"rule set changed from {previous.rule_set} to {release.rule_set}")
    if previous.definition_version != release.definition_version:
        parts.append(f"definition changed to version {release.definition_version}")
    return "; ".join(parts) + "."


def publish(catalogue: Catalogue, release_id: int, user: str) -> Release:
    """Publish an approved release as the definition's next numbered release."""
    release = get_release_by_id(catalogue, release_id)
    if release.status is not ReleaseStatus.APPROVED:
        raise ReleaseStateError(
            f"Release {release_id} is {release.status.value}: it must be approved by a checker before "
            "publication."
        )
    seen = _published_count(catalogue, release.name)
    with catalogue.session() as s:
        based_on = s.get(PublishRelease, release_id).based_on  # type: ignore[union-attr]
    if seen != based_on:
        raise ReleaseStateError(
            f"Another release of {release.name} was published after release {release_id} was previewed; its "
            "disclosure control did not see it. Preview again."
        )
    previous = list_releases(catalogue, name=release.name)
    last = previous[-1] if previous else None
    with catalogue.session() as s:
        row = s.get(PublishRelease, release_id)
        assert row is not None
        row.status, row.number, row.published_at = ReleaseStatus.PUBLISHED.value, seen + 1, _now()
        row.changelog = _changelog(last, _release(row))
        release = _release(row)
    _audit(
        catalogue,
        "publish.publish",
        user,
        {
            "release": release_id,
            "definition": release.name,
            "number": release.number,
            "rule_set": release.rule_set,
        },
    )
    return release


def list_releases(
    catalogue: Catalogue, *, name: str | None = None, status: ReleaseStatus | None = ReleaseStatus.PUBLISHED
) -> list[Release]:
    with catalogue.session() as s:
        q = select(PublishRelease)
        if name is not None:
            q = q.where(PublishRelease.definition_name == name)
        if status is not None:
            q = q.where(PublishRelease.status == status.value)
        rows = s.scalars(q.order_by(PublishRelease.definition_name, PublishRelease.number, PublishRelease.id))
        return [_release(r) for r in rows]


def get_release(catalogue: Catalogue, name: str, number: int | None = None) -> Release:
    """A published release (the newest unless ``number`` is given)."""
    found = list_releases(catalogue, name=name)
    if number is not None:
        found = [r for r in found if r.number == number]
    if not found:
        raise NotFound(f"No published release '{name}'" + (f" number {number}" if number else "") + ".")
    return found[-1]
