"""Partner A records an outcome; partner B can neither record for A's people nor see what A recorded.

Everything goes through the access path: worklists are ``access.rows`` limited to each partner's assignments,
and each refusal is audited with the rule that refused.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from placehub.act.outcomes import read_outcomes, record_outcome
from placehub.act.worklist import worklist
from placehub.errors import NotPermitted
from placehub.govern.audit import entries
from tests.integration._act_helpers import AS_OF, access_for, assigned_world

COHORT = "shielding-support"


@pytest.fixture
def world(settings, catalogue_url):  # type: ignore[no-untyped-def]
    w = assigned_world(settings, catalogue_url, COHORT)  # SQLite and PostgreSQL catalogues
    yield w
    w.catalogue.dispose()


def test_each_partner_sees_only_its_own_people_and_the_agreed_fields(world) -> None:  # type: ignore[no-untyped-def]
    tom = worklist(world.settings, access_for(world, "tom"), COHORT)
    gina = worklist(world.settings, access_for(world, "gina"), COHORT)
    assert tom.header == (
        "case_ref", "priority", "waiting_since", "why", "SPL_ROW_ID", "FORENAME", "SURNAME", "DATE_OF_BIRTH",
        "ADDRESS_LINE_1", "ADDRESS_LINE_2", "POSTCODE", "PHONE",
    )  # fmt: skip
    assert [(r[4], r[1], r[3]) for r in tom.rows] == [
        ("SPL1", 7.0, "Aged 75 or over; No phone number on the shielded list (a visit is needed)"),
        ("SPL5", 3.0, ""),  # 'lives alone' comes from linkage: not an agreed field for a partner
    ]
    assert [r[4] for r in gina.rows] == ["SPL2", "SPL3"]
    # the read behind each worklist is an audited access.rows of only the assigned records
    reads = [
        e for e in entries(world.catalogue) if e["action"] == "access.rows" and e["actor"] in ("tom", "gina")
    ]
    assert [(e["actor"], e["row_count"], e["outcome"]) for e in reads] == [
        ("tom", 2, "allowed"),
        ("gina", 2, "allowed"),
    ]


def test_a_partner_filters_its_own_worklist_by_ward(world) -> None:  # type: ignore[no-untyped-def]
    tom, gina = access_for(world, "tom"), access_for(world, "gina")
    whole = worklist(world.settings, tom, COHORT)
    # each row's ward is the gazetteer ward of the member's UPRN; the choices are the wards on tom's own list
    assert (whole.wards, whole.ward_choices) == (("E05999001", "E05999002"), ("E05999001", "E05999002"))
    one = worklist(world.settings, tom, COHORT, ward="E05999001")
    # gina's SPL2 and SPL3 live in E05999001 too: a partner's ward filter never reaches another's people
    assert ([r[4] for r in one.rows], one.wards, one.ward_choices) == (
        ["SPL1"], ("E05999001",), ("E05999001", "E05999002"))  # fmt: skip
    assert one.header == whole.header and one.rows == whole.rows[:1]
    assert [r[4] for r in worklist(world.settings, tom, COHORT, ward="E05999002").rows] == ["SPL5"]
    assert worklist(world.settings, tom, COHORT, ward="E05999009").rows == ()
    assert [r[4] for r in worklist(world.settings, gina, COHORT, ward="E05999001").rows] == ["SPL2", "SPL3"]


def test_partner_b_cannot_record_for_or_read_partner_a(world) -> None:  # type: ignore[no-untyped-def]
    s = world.settings
    tom, gina = access_for(world, "tom"), access_for(world, "gina")
    case = worklist(s, tom, COHORT).rows[0][0]  # P1, tom's highest priority
    at = AS_OF + timedelta(hours=5)
    row = record_outcome(
        s, tom, COHORT, case, "need_identified", needs=["food", "loneliness"], note="Lives on the 3rd floor",
        occurred_at=at, now=at,
    )  # fmt: skip
    assert (row.status, row.needs, row.organisation) == (
        "need_identified",
        ("food", "loneliness"),
        "food-network",
    )
    with pytest.raises(NotPermitted, match=rf"rule: not_assigned.*case {case} of cohort"):
        record_outcome(s, gina, COHORT, case, "contacted", occurred_at=at, now=at)
    last = entries(world.catalogue)[-1]
    assert (last["action"], last["actor"], last["organisation"], last["outcome"], last["rule"]) == (
        "act.outcome.record", "gina", "good-neighbours", "denied", "not_assigned",
    )  # fmt: skip
    assert read_outcomes(s, gina, COHORT) == []
    assert [(o.case_ref, o.status, o.note) for o in read_outcomes(s, tom, COHORT)] == [
        (case, "need_identified", "Lives on the 3rd floor")
    ]
    assert [(o.case_ref, o.organisation) for o in read_outcomes(s, access_for(world, "priya"), COHORT)] == [
        (case, "food-network")
    ]
    done = [e for e in entries(world.catalogue) if e["action"] == "act.outcome.record"]
    assert [(e["actor"], e["outcome"], e["rule"]) for e in done] == [
        ("tom", "done", ""),
        ("gina", "denied", "not_assigned"),
    ]
    # The contacted person leaves tom's worklist at once.
    assert [r[4] for r in worklist(s, tom, COHORT).rows] == ["SPL5"]


def test_a_partner_outside_the_purpose_is_refused_by_the_access_path(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotPermitted, match=r"rule: not_recipient"):
        access_for(world, "sol")  # schools is not a recipient under shielding-support
    # digital-charity is a recipient party (its older residents' service works under the purpose)
    dee = access_for(world, "dee")
    assert (dee.organisation, dee.purpose, dee.agreement.ref) == (
        "digital-charity",
        "shielding-support",
        "shielding-support v1",
    )


def test_retention_deletes_a_purposes_act_data(world) -> None:  # type: ignore[no-untyped-def]
    from placehub.act.retention import delete_purpose

    s = world.settings
    record_outcome(s, access_for(world, "priya"), COHORT, "P1", "contacted", occurred_at=AS_OF, now=AS_OF)
    gone = delete_purpose(world.catalogue, world.vault, COHORT)
    # 7 members, 4 assignments (each one record), 1 outcome, 1 build
    assert (gone.cohort_members, gone.cohort_assignments, gone.assignments, gone.outcomes, gone.builds) == (
        7, 4, 4, 1, 1,
    )  # fmt: skip
    assert delete_purpose(world.catalogue, world.vault, COHORT) == type(gone)(0, 0, 0, 0, 0)
