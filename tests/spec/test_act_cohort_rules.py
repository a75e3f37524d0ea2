"""Cohort rules as tables: who is in, who is excluded by which rule, and each member's priority.

The borough below is built in the vault as ingest, match and link leave it; the demo agreements govern it.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from placehub.act.build import build_cohort
from placehub.act.outcomes import record_outcome
from placehub.act.worklist import explain
from placehub.errors import NotPermitted
from placehub.govern import IdentifierKind, add_objection, open_access
from placehub.govern.audit import entries
from tests.integration._act_helpers import AS_OF, DAY, WARD_A, WARD_B, WARD_C, Address, Resident, build_world

ADDRESSES = [
    Address("100000000001", WARD_A, "E01000001"),
    Address("100000000002", WARD_A, "E01000001"),
    Address("100000000003", WARD_B, "E01000002", "RI01"),  # a care home
    Address("100000000004", WARD_B, "E01000002"),
    Address("100000000005", WARD_B, "E01000002"),
    Address("100000000006", WARD_A, "E01000001"),
    Address("100000000010", WARD_A, "E01000001"),
    Address("100000000011", WARD_B, "E01000002"),
    Address("100000000012", WARD_C, "E01000003"),
]

# person | household | uprn (last digits) | records | date of birth | phone
RESIDENTS = """
P01 | H01 | 01 | shielded-list:SPL01                        | 1946-01-01 |
P02 | H02 | 02 | shielded-list:SPL02                        | 1966-01-01 | 07700900002
P03 | H02 | 02 | shielded-list:SPL03 adult-social-care:ASC03 | 1940-01-01 | 07700900003
P04 | H03 | 03 | shielded-list:SPL04                        | 1930-01-01 | 07700900004
P05 | H04 | 04 | shielded-list:SPL05                        | 1950-01-01 | 07700900005
P06 | H05 | 05 | shielded-list:SPL06                        | 1950-06-01 | 07700900006
P07 | H06 | 06 | adult-social-care:ASC07                    | 1945-01-01 | 07700900007
P10 | H10 | 10 | free-school-meals:FSM10                    | 2015-01-01 |
P11 | H10 | 10 | free-school-meals:FSM11                    | 2017-01-01 |
P12 | H10 | 10 | food-support:CFN12                         | 1985-01-01 | 07700900012
P13 | H11 | 11 | free-school-meals:FSM13                    | 2016-01-01 |
P14 | H12 | 12 | free-school-meals:FSM14                    | 2016-01-01 |
"""


def residents() -> list[Resident]:
    out = []
    for i, line in enumerate(RESIDENTS.strip().splitlines()):
        person, hh, uprn, recs, dob, phone = [c.strip() for c in line.split("|")]
        records = dict(r.split(":") for r in recs.split())
        out.append(Resident(person, hh, f"1000000000{uprn}", records, dob, phone, number=i + 1))
    return out


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    w = build_world(settings, ADDRESSES, residents())
    p05 = next(r for r in w.residents if r.person == "P05")
    add_objection(w.catalogue, settings.keys_dir, IdentifierKind.NHS_NUMBER, p05.nhs, recorded_by="sam")
    yield w
    w.catalogue.dispose()


def analyst(world, purpose: str):  # type: ignore[no-untyped-def]
    return open_access(
        world.catalogue, world.settings, username="priya", organisation="council", purpose=purpose, today=DAY
    )


def table(world, cohort: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with world.vault.connect() as con:
        rows = con.execute(
            "select member_id, state, priority, left_reason, records from cohort_members where cohort = ? "
            "order by member_id",
            [cohort],
        ).fetchall()
    return [(m, s, p, why, tuple(json.loads(r))) for m, s, p, why, r in rows]


def test_shielding_inclusion_exclusions_and_priority(world) -> None:  # type: ignore[no-untyped-def]
    result = build_cohort(world.settings, analyst(world, "shielding-support"), "shielding-support", now=AS_OF)
    # P03 is known to adult social care, P04 lives in a care home (RI01), P05 objected (never seen), P07 is
    # not on the list. P01: lives alone 3 + aged 80 2 + no phone 2; P06: lives alone 3 + aged 76 2; P02: none.
    assert table(world, "shielding-support") == [
        ("P01", "open", 7.0, None, ("SPL01",)),
        ("P02", "open", 0.0, None, ("SPL02",)),
        ("P06", "open", 5.0, None, ("SPL06",)),
    ]
    assert (result.population, result.open, result.new) == (5, 3, 3)
    assert result.excluded == {"not-known-to-adult-social-care": 1, "not-in-a-care-home": 1}


def test_outcomes_feed_the_next_build(world) -> None:  # type: ignore[no-untyped-def]
    s, cohort = world.settings, "shielding-support"
    build_cohort(s, analyst(world, cohort), cohort, now=AS_OF)
    a = analyst(world, cohort)
    later = AS_OF + timedelta(days=1)
    record_outcome(s, a, cohort, "P02", "contacted", occurred_at=later, now=later)
    record_outcome(s, a, cohort, "P06", "unreachable", occurred_at=later, now=later)
    record_outcome(s, a, cohort, "P06", "unreachable", occurred_at=later + timedelta(hours=3), now=later)
    record_outcome(s, a, cohort, "P01", "deceased", occurred_at=later, now=later)
    result = build_cohort(s, a, cohort, now=AS_OF + timedelta(days=2))
    assert table(world, cohort) == [
        ("P01", "left", 7.0, "alive", ("SPL01",)),
        ("P02", "contacted", 0.0, None, ("SPL02",)),
        ("P06", "open", 7.0, None, ("SPL06",)),  # two 'unreachable' outcomes: +1 each
    ]
    assert (result.open, result.contacted, result.left, result.new) == (1, 1, 1, 0)


def test_digital_inclusion_is_one_member_per_household_in_the_pilot_wards(world) -> None:  # type: ignore[no-untyped-def]
    result = build_cohort(world.settings, analyst(world, "digital-inclusion"), "digital-inclusion", now=AS_OF)
    # H10: two children on FSM (+2) and a food-support referral in the household (+2, a named proxy);
    # H11: one child; H12 is in a ward outside the agreement's pilot wards, so the access path never shows it.
    assert table(world, "digital-inclusion") == [
        ("H10", "open", 4.0, None, ("FSM10", "FSM11")),
        ("H11", "open", 0.0, None, ("FSM13",)),
    ]
    assert (result.population, result.open) == (2, 2)


def test_explanation_names_rules_and_sources_and_is_refused_to_others(world) -> None:  # type: ignore[no-untyped-def]
    s, cohort = world.settings, "shielding-support"
    build_cohort(s, analyst(world, cohort), cohort, now=AS_OF)
    e = explain(s, analyst(world, cohort), cohort, "P01")
    assert e.lines == (
        "included: On the NHS shielded patients list [on-shielded-list; shielded-list]",
        "condition holds: Not already known to adult social care (who are in touch with their clients) "
        "[not-known-to-adult-social-care; adult-social-care]",
        "condition holds: Not living in a care home (the home looks after its residents) "
        "[not-in-a-care-home; person linkage, gazetteer]",
        "condition holds: No partner has recorded that the person has died [alive; outcomes]",
        "condition holds: No successful contact recorded yet [not-yet-contacted; outcomes]",
        "priority +3: Lives alone (household of one, from person linkage) [lives-alone; person linkage]",
        "priority +2: Aged 75 or over [aged-75-or-over; shielded-list]",
        "priority +2: No phone number on the shielded list (a visit is needed) "
        "[no-phone-number; shielded-list]",
    )
    assert (e.state, e.priority, e.withheld) == ("open", 7.0, 0)
    gina = open_access(
        world.catalogue, s, username="gina", organisation="good-neighbours", purpose=cohort, today=DAY
    )
    with pytest.raises(NotPermitted, match=r"rule: not_assigned"):
        explain(s, gina, cohort, e.case_ref)
    last = entries(world.catalogue)[-1]
    assert (last["action"], last["actor"], last["outcome"], last["rule"]) == (
        "act.explain", "gina", "denied", "not_assigned",
    )  # fmt: skip


def test_a_partner_worker_cannot_build(world) -> None:  # type: ignore[no-untyped-def]
    tom = open_access(world.catalogue, world.settings, username="tom", organisation="food-network",
                      purpose="shielding-support", today=DAY)  # fmt: skip
    with pytest.raises(NotPermitted, match=r"rule: role"):
        build_cohort(world.settings, tom, "shielding-support", now=AS_OF)
