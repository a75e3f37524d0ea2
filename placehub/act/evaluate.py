"""Apply a cohort definition to one member: which conditions hold, which priority factors apply, and why.

Pure functions over plain values (no database), so the rules are easy to test as tables. A member is a person
or a household; ``Member`` carries what the build found for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from placehub.act.outcomes_vocab import SUCCESSFUL, Need, Status
from placehub.act.rules import CohortDefinition, Factor

LINKAGE = "person linkage"
GAZETTEER = "gazetteer"
OUTCOMES = "outcomes"


@dataclass(frozen=True)
class OutcomeFact:
    status: str
    needs: tuple[str, ...]


@dataclass
class Member:
    member_id: str
    records: list[str] = field(default_factory=list)  # population record ids (normalised)
    rows: list[dict[str, Any]] = field(default_factory=list)  # population rows (allowed columns)
    household_size: int | None = None
    classification: str | None = None
    in_sources: set[str] = field(default_factory=set)  # other sources with a linked record of the member
    outcomes: list[OutcomeFact] = field(default_factory=list)


@dataclass(frozen=True)
class Evaluation:
    passes: bool
    failed: tuple[str, ...]  # rules of failed conditions, in definition order
    contacted: bool
    priority: float
    reasons: dict[str, Any]


def _age(dob: Any, on: date) -> int | None:
    if dob is None or (not isinstance(dob, str) and pd.isna(dob)):
        return None
    d = pd.Timestamp(dob).date()
    return on.year - d.year - ((on.month, on.day) < (d.month, d.day))


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) and pd.isna(value):
        return True
    return str(value).strip() == ""


def condition_holds(f: Factor, m: Member, population_source: str) -> tuple[bool, list[str]]:
    """(holds, sources it was judged on)."""
    if f.kind == "not_in_source":
        return f.option("source") not in m.in_sources, [f.option("source")]
    if f.kind == "not_at_classification":
        return m.classification not in set(f.option("classifications")), [LINKAGE, GAZETTEER]
    if f.kind == "not_deceased":
        died = any(o.status == Status.DECEASED for o in m.outcomes)
        col = f.option("column")
        if col:
            died = died or any(not _empty(r.get(col)) for r in m.rows)
            return not died, [OUTCOMES, population_source]
        return not died, [OUTCOMES]
    if f.kind == "no_successful_contact":
        return not any(o.status in SUCCESSFUL for o in m.outcomes), [OUTCOMES]
    if f.kind == "not_known_connected":
        connected = any(o.status in SUCCESSFUL and Need.DIGITAL not in o.needs for o in m.outcomes)
        return not connected, [OUTCOMES]
    raise ValueError(f"unknown condition kind {f.kind}")


def priority_points(f: Factor, m: Member, population_source: str, on: date) -> tuple[float, list[str]]:
    """(points, sources) for one priority factor."""
    if f.kind == "lives_alone":
        return (f.weight if m.household_size == 1 else 0.0), [LINKAGE]
    if f.kind == "age_at_least":
        ages = [_age(r.get(f.option("column")), on) for r in m.rows]
        hit = any(a is not None and a >= int(f.option("years")) for a in ages)
        return (f.weight if hit else 0.0), [population_source]
    if f.kind == "missing_value":
        hit = bool(m.rows) and all(_empty(r.get(f.option("column"))) for r in m.rows)
        return (f.weight if hit else 0.0), [population_source]
    if f.kind == "earlier_outcome":
        n = sum(1 for o in m.outcomes if o.status == f.option("status"))
        cap = f.option("cap")
        n = min(n, int(cap)) if cap is not None else n
        return f.weight * n, [OUTCOMES]
    if f.kind == "in_source":
        return (f.weight if f.option("source") in m.in_sources else 0.0), [f.option("source")]
    if f.kind == "records_at_least":
        return (f.weight if len(m.records) >= int(f.option("count")) else 0.0), [population_source]
    raise ValueError(f"unknown priority kind {f.kind}")


def evaluate(d: CohortDefinition, m: Member, on: date) -> Evaluation:
    """Every condition and factor for one member, with the reasons an explanation shows."""
    conditions = []
    for f in d.conditions:
        holds, sources = condition_holds(f, m, d.population_source)
        conditions.append({"rule": f.rule, "says": f.says, "held": holds, "sources": sources})
    factors = []
    total = 0.0
    for f in d.priority:
        points, sources = priority_points(f, m, d.population_source, on)
        total += points
        if points:
            factors.append({"rule": f.rule, "says": f.says, "points": points, "sources": sources})
    failed = tuple(c["rule"] for c in conditions if not c["held"])
    reasons = {
        "cohort": d.name,
        "version": d.version,
        "unit": d.unit,
        "population": {
            "rule": d.population_rule,
            "says": d.population_says,
            "sources": [d.population_source],
            "records": sorted(m.records),
        },
        "conditions": conditions,
        "priority": factors,
        "proxies": [p.rule for p in d.proxies],
    }
    contacted = any(o.status in SUCCESSFUL for o in m.outcomes)
    return Evaluation(not failed, failed, contacted, total, reasons)
