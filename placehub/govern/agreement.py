"""The agreement as a typed value: read from YAML, checked against the published JSON Schema, then for sense.

A schema-valid file can still contradict itself (ends before it starts, shares a column the source does not
have, names a recipient that is not a party). Every problem is reported at once, each naming the fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from placehub.errors import PlacehubUserError

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "agreement.schema.json"

# UK GDPR Art. 9(2)(b), (g), (h), (i), (j) need a DPA 2018 Schedule 1 condition as well (DPA 2018 s.10).
# A column every source has once linked: the stable person id (released only as a purpose's pseudonym).
PERSON_ID = "person_id"

NEEDS_SCHEDULE_1 = {
    "employment_social_security",
    "substantial_public_interest",
    "health_social_care",
    "public_health",
    "archiving_research",
}


class InvalidAgreement(PlacehubUserError):
    """An agreement file that does not follow the schema or contradicts itself. Lists every problem."""

    def __init__(self, name: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  * {p}" for p in self.problems)
        super().__init__(f"Agreement {name} was refused ({len(self.problems)} problem(s)):\n{lines}")


class AgreementState(StrEnum):
    ACTIVE = "active"
    NOT_STARTED = "not started"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Party:
    organisation: str
    name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class DatasetTerms:
    source: str
    provider: str
    columns: tuple[str, ...]
    special_category: bool
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Agreement:
    id: str
    version: int
    title: str
    purpose: str
    purpose_description: str
    parties: tuple[Party, ...]
    datasets: tuple[DatasetTerms, ...]
    wards: frozenset[str]
    lsoas: frozenset[str]
    whole_place: bool
    start: date
    review: date
    end: date
    retention_days_after_end: int
    document: dict[str, Any]

    @classmethod
    def from_document(cls, doc: dict[str, Any], version: int = 0) -> Agreement:
        recipients_all = tuple(p["organisation"] for p in doc["parties"] if "recipient" in p.get("roles", []))
        geo = doc.get("geography", {})
        return cls(
            id=doc["id"],
            version=version,
            title=doc["title"],
            purpose=doc["purpose"]["code"],
            purpose_description=doc["purpose"]["description"],
            parties=tuple(Party(p["organisation"], p["name"], frozenset(p["roles"])) for p in doc["parties"]),
            datasets=tuple(
                DatasetTerms(
                    source=d["source"],
                    provider=d["provider"],
                    columns=tuple(d["columns"]),
                    special_category=bool(d.get("special_category", False)),
                    recipients=tuple(d.get("recipients") or recipients_all),
                )
                for d in doc["datasets"]
            ),
            wards=frozenset(geo.get("wards", [])),
            lsoas=frozenset(geo.get("lsoas", [])),
            whole_place=bool(geo.get("whole_place", False)),
            start=date.fromisoformat(doc["dates"]["start"]),
            review=date.fromisoformat(doc["dates"]["review"]),
            end=date.fromisoformat(doc["dates"]["end"]),
            retention_days_after_end=int(doc["retention"]["days_after_end"]),
            document=doc,
        )

    # --- questions the access path asks -------------------------------------------------------------------
    def state(self, today: date) -> AgreementState:
        if today < self.start:
            return AgreementState.NOT_STARTED
        if today > self.end:
            return AgreementState.EXPIRED
        return AgreementState.ACTIVE

    def retention_deadline(self) -> date:
        from datetime import timedelta

        return self.end + timedelta(days=self.retention_days_after_end)

    def is_recipient(self, organisation: str) -> bool:
        return any(p.organisation == organisation and "recipient" in p.roles for p in self.parties)

    def dataset(self, source: str) -> DatasetTerms | None:
        return next((d for d in self.datasets if d.source == source), None)

    def missing_items(self, organisation: str, source: str, columns: Iterable[str]) -> list[str]:
        """Every requested item the agreement does not cover for this recipient, as ``source.column``."""
        terms = self.dataset(source)
        if terms is None or organisation not in terms.recipients:
            return [f"{source}.{c}" for c in columns]
        return [f"{source}.{c}" for c in columns if c not in terms.columns]

    @property
    def ref(self) -> str:
        return f"{self.id} v{self.version}"


@cache
def agreement_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidAgreement(str(path), [f"the file {path} does not exist"]) from exc
    except yaml.YAMLError as exc:
        raise InvalidAgreement(str(path), [f"not valid YAML: {exc}"]) from exc
    if not isinstance(doc, dict):
        raise InvalidAgreement(str(path), ["the file must hold one YAML mapping (key: value lines)"])
    # YAML reads 2026-01-31 as a date; the schema (and the catalogue's JSON) want ISO text.
    return json.loads(json.dumps(doc, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)))


def schema_problems(doc: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        agreement_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        problems.append(f"{where}: {err.message}")
    return problems


def contradictions(doc: dict[str, Any], contract_columns: ContractLookup) -> list[str]:
    """Problems a schema cannot see. ``doc`` must already be schema-valid."""
    problems: list[str] = []
    ag = Agreement.from_document(doc)
    if ag.end < ag.start:
        problems.append(f"dates: end ({ag.end}) is before start ({ag.start})")
    if ag.review < ag.start:
        problems.append(f"dates: review ({ag.review}) is before start ({ag.start})")
    if ag.review > ag.end:
        problems.append(
            f"dates: review ({ag.review}) is after end ({ag.end}): review before the agreement ends"
        )
    orgs = [p.organisation for p in ag.parties]
    for dup in sorted({o for o in orgs if orgs.count(o) > 1}):
        problems.append(f"parties: organisation '{dup}' is listed more than once")
    providers = {p.organisation for p in ag.parties if "provider" in p.roles}
    recipients = {p.organisation for p in ag.parties if "recipient" in p.roles}
    if not recipients:
        problems.append("parties: no party has the role 'recipient': nobody would receive data")
    basis = doc["lawful_basis"]
    sources = [d.source for d in ag.datasets]
    for dup in sorted({s for s in sources if sources.count(s) > 1}):
        problems.append(f"datasets: '{dup}' is listed more than once; merge its columns into one entry")
    for d in ag.datasets:
        if d.provider not in providers:
            problems.append(
                f"datasets/{d.source}: provider '{d.provider}' is not a party with the role 'provider'"
            )
        for r in d.recipients:
            if r not in recipients:
                problems.append(
                    f"datasets/{d.source}: recipient '{r}' is not a party with the role 'recipient'"
                )
        if d.special_category:
            if "article_9" not in basis:
                problems.append(
                    f"datasets/{d.source}: special-category data needs a UK GDPR Art. 9 condition "
                    "(lawful_basis.article_9)"
                )
            elif basis["article_9"] in NEEDS_SCHEDULE_1 and "schedule_1" not in basis:
                problems.append(
                    f"datasets/{d.source}: Art. 9 condition '{basis['article_9']}' needs a DPA 2018 "
                    "Schedule 1 condition (lawful_basis.schedule_1)"
                )
        known = contract_columns(d.source)
        if known is None:
            problems.append(f"datasets/{d.source}: no contract found for source '{d.source}'")
        else:
            for c in d.columns:
                if c not in known and c != PERSON_ID:
                    problems.append(
                        f"datasets/{d.source}: column '{c}' is not in the source's contract "
                        f"(it has: {', '.join(known)})"
                    )
    if not (ag.whole_place or ag.wards or ag.lsoas):
        problems.append("geography: give wards, lsoas or whole_place: true (no scope means no rows)")
    if ag.whole_place and (ag.wards or ag.lsoas):
        problems.append("geography: whole_place: true contradicts a list of wards or LSOAs; choose one")
    for i, proxy in enumerate(doc.get("proxies", [])):
        if not proxy.get("rationale", "").strip():
            problems.append(
                f"proxies/{i}: proxy '{proxy['name']}' (for {proxy['stands_for']}) has no rationale: "
                "say why it is a fair stand-in"
            )
    sro_org = doc["sro"].get("organisation")
    if sro_org is not None and sro_org not in orgs:
        problems.append(f"sro: organisation '{sro_org}' is not a party")
    return problems


class ContractLookup:
    """Column names of each source's contract (``<source>.json`` in the settings' contracts folders)."""

    def __init__(self, contracts_dirs: Sequence[Path]) -> None:
        self.dirs = tuple(contracts_dirs)

    def __call__(self, source: str) -> list[str] | None:
        for d in self.dirs:
            path = d / f"{source}.json"
            if path.is_file():
                contract = json.loads(path.read_text(encoding="utf-8"))
                return [f["name"] for f in contract.get("schema", {}).get("fields", [])]
        return None


def check_document(doc: dict[str, Any], name: str, contracts: ContractLookup) -> Agreement:
    """Validate against the schema, then for contradictions; raise InvalidAgreement listing every problem."""
    problems = schema_problems(doc)
    if problems:
        raise InvalidAgreement(name, problems)
    problems = contradictions(doc, contracts)
    if problems:
        raise InvalidAgreement(name, problems)
    return Agreement.from_document(doc)
