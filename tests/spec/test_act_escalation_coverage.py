"""Escalation and coverage against a controlled clock, on a constructed set of outcomes with known answers.

All seven members entered the cohort at T = Monday 2 Nov 2026 09:00; the cohort escalates after 3 days.
P1, P2 and P3 are in ward A, P4 too; P5 and P6 in ward B; P7 in ward C. Assignment (by area and capacity):
P1, P5 → food-network; P2, P3 → good-neighbours; P4, P6, P7 unassigned.

member | outcomes (days after T)                                   | first contact
P1     | contacted 0.5                                             | 0.5
P2     | unreachable 1, contacted 2.5                              | 2.5
P3     | need identified (food, money) 4, referred (food) 5        | 4    (money still unmet)
P4     | unreachable 1, unreachable 2                              | –
P5     | declined 6.5                                              | 6.5  (declining is still being reached)
P6     | –                                                         | –
P7     | deceased 1                                                | –    (leaves; never escalated)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from placehub.act.assign import assign_cohort
from placehub.act.build import build_cohort
from placehub.act.followup import coverage, escalations
from placehub.act.outcomes import record_outcome
from tests.integration._act_helpers import AS_OF, WARD_A, WARD_B, WARD_C, access_for, assignment_world

COHORT = "shielding-support"
T = AS_OF
OUTCOMES = [
    ("P1", 0.5, "contacted", []),
    ("P2", 1, "unreachable", []),
    ("P2", 2.5, "contacted", []),
    ("P3", 4, "need_identified", ["food", "money"]),
    ("P3", 5, "referred", ["food"]),
    ("P4", 1, "unreachable", []),
    ("P4", 2, "unreachable", []),
    ("P5", 6.5, "declined", []),
    ("P7", 1, "deceased", []),
]


@pytest.fixture
def world(settings, catalogue_url):  # type: ignore[no-untyped-def]
    settings = replace(settings, database_url=catalogue_url)  # SQLite and PostgreSQL catalogues
    w = assignment_world(settings)
    priya = access_for(w, "priya")
    build_cohort(settings, priya, COHORT, now=T)
    assign_cohort(settings, priya, COHORT, now=T)
    for member, days, status, needs in OUTCOMES:
        at = T + timedelta(days=days)
        record_outcome(settings, priya, COHORT, member, status, needs=needs, occurred_at=at, now=at)
    yield w
    w.catalogue.dispose()


def case_refs(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with world.vault.connect() as con:
        rows = con.execute(
            "select pseudonym, member_id from cohort_members where cohort = ?", [COHORT]
        ).fetchall()
    return {p[:12]: m for p, m in rows}


def test_escalation_list_follows_the_clock_oldest_first(world) -> None:  # type: ignore[no-untyped-def]
    s, priya, who = world.settings, access_for(world, "priya"), case_refs(world)
    assert escalations(s, priya, COHORT, now=T + timedelta(days=2, hours=23)) == []
    day3 = escalations(s, priya, COHORT, now=T + timedelta(days=3))
    # Everyone entered together: the higher priority (P5: lives alone, 3) comes first, then by case reference.
    rest = sorted((ref for ref, m in who.items() if m in ("P3", "P4", "P6")))
    assert [who[e.case_ref] for e in day3] == ["P5"] + [who[r] for r in rest]
    assert {who[e.case_ref]: (e.organisation, e.days_waiting, e.attempts, e.last_outcome) for e in day3} == {
        "P5": ("food-network", 3.0, 0, ""),
        "P3": ("good-neighbours", 3.0, 0, ""),
        "P4": ("unassigned", 3.0, 2, "unreachable"),
        "P6": ("unassigned", 3.0, 0, ""),
    }
    day7 = escalations(s, priya, COHORT, now=T + timedelta(days=7))
    assert sorted((who[e.case_ref], e.ward, e.days_waiting) for e in day7) == [
        ("P4", WARD_A, 7.0),
        ("P6", WARD_B, 7.0),
    ]


def test_coverage_figures(world) -> None:  # type: ignore[no-untyped-def]
    rows = coverage(world.settings, world.catalogue, COHORT, now=T + timedelta(days=8))
    got = {(r.by, r.group): (r.members, r.contacted, r.within, r.median_days, r.unmet) for r in rows}
    assert got == {
        ("all", "all"): (7, 4, {1: (1, 7), 3: (2, 7), 7: (4, 7)}, 3.25, {"money": 1}),
        ("ward", WARD_A): (4, 3, {1: (1, 4), 3: (2, 4), 7: (3, 4)}, 2.5, {"money": 1}),
        ("ward", WARD_B): (2, 1, {1: (0, 2), 3: (0, 2), 7: (1, 2)}, 6.5, {}),
        ("ward", WARD_C): (1, 0, {1: (0, 1), 3: (0, 1), 7: (0, 1)}, None, {}),
        ("partner", "food-network"): (2, 2, {1: (1, 2), 3: (1, 2), 7: (2, 2)}, 3.5, {}),
        ("partner", "good-neighbours"): (2, 2, {1: (0, 2), 3: (1, 2), 7: (2, 2)}, 3.25, {"money": 1}),
        ("partner", "unassigned"): (3, 0, {1: (0, 3), 3: (0, 3), 7: (0, 3)}, None, {}),
        ("week", "2026-11-02"): (7, 4, {1: (1, 7), 3: (2, 7), 7: (4, 7)}, 3.25, {"money": 1}),
    }
    assert rows[0].share(7) == 4 / 7


def test_coverage_counts_only_what_has_happened_by_then(world) -> None:  # type: ignore[no-untyped-def]
    overall = coverage(world.settings, world.catalogue, COHORT, now=T + timedelta(days=2))[0]
    # At day 2 only P1 has been reached; nobody has yet had 3 or 7 days, so those shares have no members.
    assert (overall.members, overall.contacted, overall.within, overall.median_days, overall.unmet) == (
        7, 1, {1: (1, 7), 3: (0, 0), 7: (0, 0)}, 0.5, {},
    )  # fmt: skip
    assert overall.share(3) is None
