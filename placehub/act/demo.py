"""The demo's act stage: both cohorts built, assigned to the demo partners, and a simulated fortnight of work.

Partner workers take their worklists through the access path each day, highest priority first, up to a day's
share of their service's capacity, and record what a seeded ``random.Random`` says happened (a resident with a
phone number is easier to reach). Cohorts are rebuilt and reassigned every third morning, so 'unreachable'
outcomes raise priority and contacted people make room. Run after person linkage.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import duckdb
from sqlalchemy import select

from placehub.act.assign import assign_cohort
from placehub.act.build import build_cohort
from placehub.act.followup import coverage, escalations
from placehub.act.oruk import SchemaNotFound, parse, schema_problems
from placehub.act.outcomes import record_outcome
from placehub.act.services import DEMO_SERVICES, services, store
from placehub.act.worklist import worklist
from placehub.govern import Access, open_access
from placehub.settings import Settings
from placehub.store import Catalogue, open_catalogue
from placehub.store.models_govern import User

DEMO_START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday, the week after the demo's reference date
COHORTS = ("shielding-support", "digital-inclusion")
SPARE_NEEDS = ("food", "medicine", "loneliness", "digital", "money", "housing")


@dataclass
class CohortFigures:
    cohort: str
    members: int = 0
    open_at_start: int = 0
    assigned: dict[str, int] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    escalations: int = 0
    contacted: int = 0
    within: dict[int, str] = field(default_factory=dict)
    median_days: float | None = None
    unmet: dict[str, int] = field(default_factory=dict)


@dataclass
class ActDemoSummary:
    services: str
    cohorts: list[CohortFigures]

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) lines for the demo summary's "Act" section."""
        out = [("partner services", self.services)]
        for c in self.cohorts:
            out.append(
                (f"{c.cohort}: cohort", f"{c.members} ever included, {c.open_at_start} open at the start")
            )
            out.append(
                (f"{c.cohort}: assigned", ", ".join(f"{o} {n}" for o, n in c.assigned.items()) or "none")
            )
            out.append(
                (f"{c.cohort}: outcomes", ", ".join(f"{s} {n}" for s, n in sorted(c.outcomes.items())))
            )
            out.append(
                (
                    f"{c.cohort}: coverage",
                    f"{c.contacted} reached; within 1/3/7 days: "
                    f"{c.within[1]} / {c.within[3]} / {c.within[7]}; "
                    f"median {c.median_days if c.median_days is None else round(c.median_days, 1)} days",
                )
            )
            out.append((f"{c.cohort}: escalations", f"{c.escalations} waiting past the deadline"))
            out.append(
                (f"{c.cohort}: unmet needs", ", ".join(f"{k} {v}" for k, v in c.unmet.items()) or "none")
            )
        return out


def _partner_workers(catalogue: Catalogue) -> dict[str, str]:
    """organisation → the first partner worker's username."""
    with catalogue.session() as s:
        users = s.scalars(
            select(User).where(User.role == "partner_worker", User.active).order_by(User.username)
        )
        out: dict[str, str] = {}
        for u in users:
            out.setdefault(u.organisation_id, u.username)
    return out


def _import_demo_services(settings: Settings, catalogue: Catalogue) -> str:
    doc = json.loads(DEMO_SERVICES.read_text(encoding="utf-8"))
    try:
        checked = (
            "validated against the ORUK schema" if not schema_problems(settings, doc) else "SCHEMA PROBLEMS"
        )
    except SchemaNotFound:
        checked = "ORUK schema not found: not validated"
    result = store(catalogue, parse(doc, DEMO_SERVICES.name))
    return (
        f"{result.organisations} organisations, {result.services} services, "
        f"capacity {result.capacity} ({checked})"
    )


def _simulate_day(
    settings: Settings, catalogue: Catalogue, cohort: str, purpose: str, day: datetime, rng: random.Random,
    workers: dict[str, str], capacity: dict[str, int], figures: CohortFigures,
) -> None:  # fmt: skip
    for org in sorted({s.organisation for s in services(catalogue) if purpose in s.purposes}):
        user = workers.get(org)
        if user is None:
            continue
        try:
            access = open_access(
                catalogue, settings, username=user, organisation=org, purpose=purpose, today=day.date()
            )
        except Exception:  # noqa: BLE001 (an organisation not party to this purpose: it has no list)
            continue
        per_day = max(1, math.ceil(capacity.get(org, 7) / 7))  # a week to work through a full list
        with access.vault.connect() as con:  # one connection for the day's list and its outcomes
            _work_list(settings, access, cohort, con, day, rng, per_day, figures)


def _work_list(
    settings: Settings, access: Access, cohort: str, con: duckdb.DuckDBPyConnection, day: datetime,
    rng: random.Random, per_day: int, figures: CohortFigures,
) -> None:  # fmt: skip
    """One partner worker's day: up to ``per_day`` cases from the top of their worklist."""
    wl = worklist(settings, access, cohort, con=con)
    household = "people_on_list" in wl.header
    phone = wl.header.index("PHONE") if "PHONE" in wl.header else None
    for i, row in enumerate(wl.rows[:per_day]):
        at = day + timedelta(hours=1 + i * 0.5, minutes=rng.randint(0, 20))
        reach = 0.75 if phone is None or row[phone] not in (None, "") else 0.45
        if rng.random() < 0.004 and not household:  # a death is learnt about a person, not a household
            status, needs = "deceased", []
        elif rng.random() < reach:
            r = rng.random()
            status = "contacted" if r < 0.45 else "need_identified" if r < 0.85 else "declined"
            needs = rng.sample(SPARE_NEEDS, rng.choice((1, 1, 2))) if status == "need_identified" else []
        else:
            status, needs = "unreachable", []
        record_outcome(settings, access, cohort, row[0], status, needs=needs, occurred_at=at, now=at, con=con)
        figures.outcomes[status] += 1
        if status == "need_identified" and rng.random() < 0.7:
            later = at + timedelta(hours=rng.randint(2, 30))
            record_outcome(
                settings,
                access,
                cohort,
                row[0],
                "referred",
                needs=needs,
                occurred_at=later,
                now=later,
                con=con,
            )
            figures.outcomes["referred"] += 1


def act_demo(
    settings: Settings, *, seed: int = 1, start: datetime = DEMO_START, days: int = 14,
    analyst: str = "priya", analyst_organisation: str = "council",
) -> ActDemoSummary:  # fmt: skip
    """Import the demo services, build and assign both cohorts, simulate ``days`` days of outcomes."""
    rng = random.Random(seed)
    catalogue = open_catalogue(settings.database_url)
    try:
        services_line = _import_demo_services(settings, catalogue)
        workers = _partner_workers(catalogue)
        capacity: Counter[str] = Counter()
        for s in services(catalogue):
            capacity[s.organisation] += s.capacity
        figures = {c: CohortFigures(c) for c in COHORTS}
        end = start + timedelta(days=days)
        for offset in range(days):
            day = start + timedelta(days=offset)
            for cohort in COHORTS:
                purpose = cohort  # the demo's cohorts are named after their purposes
                if offset % 3 == 0:
                    access = open_access(
                        catalogue, settings, username=analyst, organisation=analyst_organisation,
                        purpose=purpose, today=day.date(),
                    )  # fmt: skip
                    built = build_cohort(settings, access, cohort, now=day - timedelta(hours=1))
                    assigned = assign_cohort(settings, access, cohort, now=day - timedelta(minutes=30))
                    if offset == 0:
                        figures[cohort].open_at_start = built.open
                        figures[cohort].assigned = assigned.by_organisation
                _simulate_day(
                    settings, catalogue, cohort, purpose, day, rng, workers, capacity, figures[cohort]
                )
        for cohort in COHORTS:
            access = open_access(
                catalogue, settings, username=analyst, organisation=analyst_organisation, purpose=cohort,
                today=end.date(),
            )  # fmt: skip
            f = figures[cohort]
            f.escalations = len(escalations(settings, access, cohort, now=end))
            overall = coverage(settings, catalogue, cohort, now=end)[0]
            f.members, f.contacted, f.median_days, f.unmet = (
                overall.members, overall.contacted, overall.median_days, overall.unmet,
            )  # fmt: skip
            f.within = {d: f"{overall.within[d][0]}/{overall.within[d][1]}" for d in overall.within}
    finally:
        catalogue.dispose()
    return ActDemoSummary(services_line, [figures[c] for c in COHORTS])
