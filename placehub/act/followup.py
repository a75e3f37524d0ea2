"""Escalation and coverage: who is still waiting past the cohort's deadline, and how fast people are
reached.

Both read the clock they are given (``now``), so tests can move time on. A contact counts from the moment it
happened (an outcome's ``occurred_at``) for members included before it; outcomes recorded with a later time
do not count yet.

Coverage counts every member a cohort has ever included (reached, waiting or left), so nobody drops out of
the figures by leaving. "Contacted within d days" is over the members included at least d days before
``now`` (the others have not had d days yet); the median time to contact is over members reached by ``now``.
A need is unmet while no later 'referred' outcome names it (a 'referred' without needs meets them all).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from placehub.act.members import MemberRow, current_assignments, members
from placehub.act.outcomes import TimedOutcome, outcomes_by_pseudonym, refuse, require_purpose, utc
from placehub.act.outcomes_vocab import SUCCESSFUL, Status
from placehub.act.rules import load_definition
from placehub.act.session import audit_cohort
from placehub.act.vault_tables import LEFT, ensure_act_tables
from placehub.govern import Access, Role
from placehub.settings import Settings
from placehub.store import Catalogue, Vault

WINDOWS = (1, 3, 7)


def _first_contact(history: list[TimedOutcome], since: datetime, now: datetime) -> datetime | None:
    return next(
        (t.occurred_at for t in history if t.fact.status in SUCCESSFUL and since <= t.occurred_at <= now),
        None,
    )


@dataclass(frozen=True)
class Escalation:
    cohort: str
    case_ref: str
    ward: str | None
    organisation: str  # "unassigned" when nobody holds the case
    included_at: datetime
    days_waiting: float
    priority: float
    attempts: int
    last_outcome: str


def escalations(
    settings: Settings, access: Access, cohort: str, *, now: datetime | None = None
) -> list[Escalation]:
    """Members with no successful contact within the cohort's ``escalate_after_days``, oldest first."""
    d = load_definition(settings, cohort)
    require_purpose(access, d.purpose, "act.escalations", cohort)
    if access.user.role is Role.PARTNER_WORKER:
        raise refuse(access, "act.escalations", "role", "the escalation list is for the council team.", {})
    now = utc(now or datetime.now(UTC))
    deadline = timedelta(days=d.escalate_after_days)
    history = outcomes_by_pseudonym(access.catalogue, d.purpose)
    with access.vault.connect() as con:
        ensure_act_tables(con)
        everyone = members(con, cohort)
        held = current_assignments(con, cohort)
    out = []
    for m in everyone:
        included = utc(m.first_included_at)
        past = [t for t in history.get(m.pseudonym, []) if t.occurred_at <= now]
        if included + deadline > now or any(t.fact.status == Status.DECEASED for t in past):
            continue
        if m.state == LEFT or _first_contact(past, included, now) is not None:
            continue
        out.append(
            Escalation(
                cohort,
                m.case_ref,
                m.ward,
                held.get(m.member_id, ("unassigned", None))[0],
                included,
                round((now - included).total_seconds() / 86400, 1),
                m.priority,
                len(past),
                past[-1].fact.status if past else "",
            )  # fmt: skip
        )
    out.sort(key=lambda e: (e.included_at, -e.priority, e.case_ref))
    audit_cohort(access, "act.escalations", "allowed", cohort, len(out))
    return out


@dataclass(frozen=True)
class CoverageRow:
    by: str  # all | ward | partner | week
    group: str
    members: int
    contacted: int
    within: dict[int, tuple[int, int]]  # days → (contacted within, members who had that long)
    median_days: float | None
    unmet: dict[str, int] = field(default_factory=dict)

    def share(self, days: int) -> float | None:
        hit, of = self.within[days]
        return None if of == 0 else hit / of


@dataclass(frozen=True)
class MemberFacts:
    member: MemberRow
    organisation: str
    contact_days: float | None
    unmet: tuple[str, ...]


def _unmet(history: list[TimedOutcome]) -> tuple[str, ...]:
    open_needs: dict[str, None] = {}
    for t in history:
        if t.fact.status == Status.NEED_IDENTIFIED:
            open_needs.update(dict.fromkeys(t.fact.needs))
        elif t.fact.status == Status.REFERRED:
            if t.fact.needs:
                for n in t.fact.needs:
                    open_needs.pop(n, None)
            else:
                open_needs.clear()
    return tuple(open_needs)


def _row(by: str, group: str, facts: list[MemberFacts], now: datetime) -> CoverageRow:
    within = {}
    for days in WINDOWS:
        had = [f for f in facts if utc(f.member.first_included_at) + timedelta(days=days) <= now]
        hit = [f for f in had if f.contact_days is not None and f.contact_days <= days]
        within[days] = (len(hit), len(had))
    times = [f.contact_days for f in facts if f.contact_days is not None]
    unmet: dict[str, int] = defaultdict(int)
    for f in facts:
        for n in f.unmet:
            unmet[n] += 1
    return CoverageRow(
        by,
        group,
        len(facts),
        len(times),
        within,
        statistics.median(times) if times else None,
        dict(sorted(unmet.items())),
    )


def coverage(
    settings: Settings, catalogue: Catalogue, cohort: str, *, now: datetime | None = None
) -> list[CoverageRow]:
    """Coverage of a cohort overall, by ward, by partner and by week of inclusion (counts only)."""
    d = load_definition(settings, cohort)
    now = utc(now or datetime.now(UTC))
    history = outcomes_by_pseudonym(catalogue, d.purpose)
    vault = Vault(settings.vault_path)
    with vault.connect() as con:
        ensure_act_tables(con)
        everyone = [m for m in members(con, cohort) if utc(m.first_included_at) <= now]
        held = current_assignments(con, cohort)
    facts = []
    for m in everyone:
        included = utc(m.first_included_at)
        past = [t for t in history.get(m.pseudonym, []) if t.occurred_at <= now]
        first = _first_contact(past, included, now)
        days = None if first is None else (first - included).total_seconds() / 86400
        facts.append(MemberFacts(m, held.get(m.member_id, ("unassigned", None))[0], days, _unmet(past)))
    rows = [_row("all", "all", facts, now)]
    for by, key in (
        ("ward", lambda f: f.member.ward or "unknown"),
        ("partner", lambda f: f.organisation),
        (
            "week",
            lambda f: (
                utc(f.member.first_included_at).date()
                - timedelta(days=utc(f.member.first_included_at).weekday())
            ).isoformat(),
        ),
    ):
        groups: dict[str, list[MemberFacts]] = defaultdict(list)
        for f in facts:
            groups[key(f)].append(f)
        rows += [_row(by, g, groups[g], now) for g in sorted(groups)]
    return rows
