"""Contact times for publishing, on a constructed borough: who was assigned when, who was reached when, by the
gazetteer ward of their address; counts through publish's "contacted within N days" input; audited; refused
to a partner worker."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest

from placehub.act import contact_times
from placehub.act.assign import assign_cohort
from placehub.act.build import build_cohort
from placehub.act.outcomes import record_outcome
from placehub.errors import NotPermitted
from placehub.govern.audit import entries
from placehub.publish.definitions import read_definition
from placehub.publish.inputs import InputContext, MissingInput, make_table
from tests.integration._act_helpers import AS_OF, WARD_A, WARD_B, WARD_C, access_for, assignment_world

COHORT = "shielding-support"


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    w = assignment_world(settings)
    yield w
    w.catalogue.dispose()


def case_of(world, member: str) -> str:  # type: ignore[no-untyped-def]
    with world.vault.connect() as con:
        row = con.execute(
            "select pseudonym from cohort_members where cohort = ? and member_id = ?", [COHORT, member]
        ).fetchone()
    return str(row[0])[:12]


def t(hours: float) -> pd.Timestamp:
    return pd.Timestamp(AS_OF + timedelta(hours=hours))


def test_contact_times_and_the_published_counts(world) -> None:  # type: ignore[no-untyped-def]
    s = world.settings
    priya = access_for(world, "priya")
    # Nothing built yet: no rows, and publish says what to run.
    assert contact_times(priya).to_dict("list") == {"area": [], "assigned_at": [], "contacted_at": []}
    ctx = InputContext(s, world.catalogue, "priya")
    with pytest.raises(MissingInput, match="Nobody has been assigned to a partner under purpose"):
        make_table(read_definition("contacted-within-3-days-by-ward"), ctx)

    build_cohort(s, priya, COHORT, now=AS_OF)
    # Assigned at AS_OF: P1, P5 to food-network; P2, P3 to good-neighbours (P4, P6 no room, P7 no cover).
    assign_cohort(s, priya, COHORT, now=AS_OF)
    tom, gina = access_for(world, "tom"), access_for(world, "gina")
    record_outcome(s, tom, COHORT, case_of(world, "P1"), "contacted", occurred_at=t(26), now=t(26))
    record_outcome(s, gina, COHORT, case_of(world, "P2"), "unreachable", occurred_at=t(2), now=t(2))
    record_outcome(s, gina, COHORT, case_of(world, "P2"), "declined", occurred_at=t(100), now=t(100))
    record_outcome(s, gina, COHORT, case_of(world, "P3"), "unreachable", occurred_at=t(3), now=t(3))
    record_outcome(s, tom, COHORT, case_of(world, "P5"), "referred", occurred_at=t(72), now=t(72))
    # P5's address is re-coded to ward C in the gazetteer: the area follows the gazetteer.
    with world.vault.connect() as con:
        con.execute("update gazetteer set ward = ? where uprn = '200000000005'", [WARD_C])

    frame = contact_times(priya)
    assert list(frame.columns) == ["area", "assigned_at", "contacted_at"]
    assert [str(frame[c].dtype) for c in ("assigned_at", "contacted_at")] == ["datetime64[us, UTC]"] * 2
    got = sorted(
        (
            (a, b, None if pd.isna(c) else c)
            for a, b, c in zip(frame["area"], frame["assigned_at"], frame["contacted_at"], strict=True)
        ),
        key=lambda r: (r[0], r[2] is not None, r[2] or r[1]),
    )
    assert got == [
        (WARD_A, t(0), None),  # P3: only 'unreachable'
        (WARD_A, t(0), t(26)),  # P1
        (WARD_A, t(0), t(100)),  # P2: the first successful contact, after an unreachable
        (WARD_C, t(0), t(72)),  # P5 (was ward B at the build)
    ]
    assert WARD_B not in set(frame["area"])
    read = [e for e in entries(world.catalogue) if e["action"] == "act.contact_times"][-1]
    assert (read["actor"], read["outcome"], read["purpose"], read["dataset"], read["row_count"]) == (
        "priya",
        "allowed",
        COHORT,
        f"cohort:{COHORT}",
        4,
    )
    assert json.loads(read["detail"]) == {"cohorts": [COHORT], "use": "aggregate"}

    table = make_table(read_definition("contacted-within-3-days-by-ward"), ctx)
    within, later = "contacted within 3 days", "not contacted within 3 days"
    assert table.columns == (within, later)
    assert table.values == {(WARD_A, within): 1, (WARD_A, later): 2, (WARD_C, within): 1}
    assert ctx.purpose_rule_sets == {COHORT: "placehub-sdc-2025"}


def test_a_partner_worker_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    tom = access_for(world, "tom")
    with pytest.raises(NotPermitted, match=r"rule: role"):
        contact_times(tom)
    refused = entries(world.catalogue)[-1]
    assert (refused["action"], refused["actor"], refused["outcome"], refused["rule"]) == (
        "act.contact_times",
        "tom",
        "denied",
        "role",
    )
