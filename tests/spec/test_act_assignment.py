"""Assignment by area and capacity, as tables; reassignment; the govern ``assignments`` grants that follow.

Services: food-network covers wards A and B (capacity 2); good-neighbours covers ward A (capacity 2);
schools covers A, B and C but is not a recipient under the shielding agreement.
Members, highest priority first: P1 (7, A), P2 (5, A), P5 (3, B), then P3, P4 (A), P6 (B), P7 (C) at 0.
"""

from __future__ import annotations

import pytest

from placehub.act.assign import CannotReassign, assign_cohort, reassign
from placehub.act.build import build_cohort
from tests.integration._act_helpers import AS_OF, WARD_C, access_for, assignment_world, store_services

COHORT = "shielding-support"


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    w = assignment_world(settings)
    build_cohort(settings, access_for(w, "priya"), COHORT, now=AS_OF)
    yield w
    w.catalogue.dispose()


def holders(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with world.vault.connect() as con:
        return dict(
            con.execute(
                "select member_id, organisation from cohort_assignments "
                "where cohort = ? and ended_at is null order by member_id",
                [COHORT],
            ).fetchall()
        )


def grants(world) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    with world.vault.connect() as con:
        return con.execute(
            "select purpose, organisation, source, record_id from assignments order by record_id"
        ).fetchall()


def test_by_area_and_capacity_balanced_and_deterministic(world) -> None:  # type: ignore[no-untyped-def]
    result = assign_cohort(world.settings, access_for(world, "priya"), COHORT, now=AS_OF)
    # member | ward | priority | goes to           | why
    # P1     | A    | 7        | food-network      | both empty: tie broken by organisation name
    # P2     | A    | 5        | good-neighbours   | food-network is 1/2 full, good-neighbours empty
    # P5     | B    | 3        | food-network      | the only service covering ward B
    # P3     | A    | 0        | good-neighbours   | food-network full (2/2)
    # P4     | A    | 0        | (none)            | both covering services full
    # P6     | B    | 0        | (none)            | food-network full
    # P7     | C    | 0        | (none)            | no eligible service covers ward C
    assert holders(world) == {"P1": "food-network", "P2": "good-neighbours", "P3": "good-neighbours",
                              "P5": "food-network"}  # fmt: skip
    assert (result.assigned, result.kept, result.no_capacity, result.no_cover) == (4, 0, 2, 1)
    assert result.by_organisation == {"food-network": 2, "good-neighbours": 2}
    assert result.ineligible == {"schools": ["not a recipient party of agreement shielding-support v1"]}
    assert grants(world) == [
        ("shielding-support", "food-network", "shielded-list", "SPL1"),
        ("shielding-support", "good-neighbours", "shielded-list", "SPL2"),
        ("shielding-support", "good-neighbours", "shielded-list", "SPL3"),
        ("shielding-support", "food-network", "shielded-list", "SPL5"),
    ]
    again = assign_cohort(world.settings, access_for(world, "priya"), COHORT, now=AS_OF)
    assert (again.assigned, again.kept, again.no_capacity, again.no_cover) == (0, 4, 2, 1)
    assert holders(world) == {"P1": "food-network", "P2": "good-neighbours", "P3": "good-neighbours",
                              "P5": "food-network"}  # fmt: skip


def test_reassignment_moves_the_grant(world) -> None:  # type: ignore[no-untyped-def]
    priya = access_for(world, "priya")
    assign_cohort(world.settings, priya, COHORT, now=AS_OF)
    reassign(world.settings, priya, COHORT, "P1", "good-neighbours", reason="knows the family", now=AS_OF)
    assert holders(world)["P1"] == "good-neighbours"
    assert ("shielding-support", "good-neighbours", "shielded-list", "SPL1") in grants(world)
    assert ("shielding-support", "food-network", "shielded-list", "SPL1") not in grants(world)
    # A freed place is filled on the next run, highest priority first (P4 before P6: same priority, id order).
    result = assign_cohort(world.settings, priya, COHORT, now=AS_OF)
    assert holders(world)["P4"] == "food-network"
    assert (result.assigned, result.no_capacity, result.no_cover) == (1, 1, 1)
    with pytest.raises(CannotReassign, match="not a recipient party of agreement shielding-support v1"):
        reassign(world.settings, priya, COHORT, "P7", "schools", now=AS_OF)


def test_a_recipient_partner_covering_the_ward_takes_the_case(world) -> None:  # type: ignore[no-untyped-def]
    # digital-charity is a recipient party of the shielding agreement: its service covering ward C takes P7,
    # whom no other eligible service covers; the rest go as before.
    store_services(
        world.catalogue, [("digital-charity", "Online in C", 1, ("shielding-support",), (WARD_C,))]
    )
    result = assign_cohort(world.settings, access_for(world, "priya"), COHORT, now=AS_OF)
    assert holders(world) == {"P1": "food-network", "P2": "good-neighbours", "P3": "good-neighbours",
                              "P5": "food-network", "P7": "digital-charity"}  # fmt: skip
    assert (result.assigned, result.kept, result.no_capacity, result.no_cover) == (5, 0, 2, 0)
    assert result.by_organisation == {"digital-charity": 1, "food-network": 2, "good-neighbours": 2}
    assert ("shielding-support", "digital-charity", "shielded-list", "SPL7") in grants(world)
