"""Reading outcomes never writes the vault: it works beside other read-only connections (DuckDB refuses a
read-write one then), never creates the act tables or the vault, and still shows a partner only its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import duckdb
import pytest

from placehub.act.assign import assign_cohort
from placehub.act.build import build_cohort
from placehub.act.outcomes import read_outcomes, record_outcome
from placehub.act.worklist import read_connection, worklist
from placehub.govern.audit import entries
from tests.integration._act_helpers import AS_OF, access_for, assignment_world

COHORT = "shielding-support"


def vault_tables(path) -> set[str]:  # type: ignore[no-untyped-def]
    with duckdb.connect(str(path), read_only=True) as con:
        return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


@pytest.fixture
def built(settings):  # type: ignore[no-untyped-def]
    w = assignment_world(settings)
    priya = access_for(w, "priya")
    build_cohort(settings, priya, COHORT, now=AS_OF)
    assign_cohort(settings, priya, COHORT, now=AS_OF)
    tom = access_for(w, "tom")
    case = worklist(settings, tom, COHORT).rows[0][0]
    at = AS_OF + timedelta(hours=1)
    record_outcome(settings, tom, COHORT, case, "contacted", note="answered", occurred_at=at, now=at)
    yield w, case
    w.catalogue.dispose()


def test_outcomes_are_read_beside_other_read_only_connections(built) -> None:  # type: ignore[no-untyped-def]
    w, case = built
    s = w.settings
    tom, gina, priya = (access_for(w, u) for u in ("tom", "gina", "priya"))
    # an open read-only connection: a read-write open of the same file in this process would now fail
    with duckdb.connect(str(s.vault_path), read_only=True) as other:
        with pytest.raises(duckdb.ConnectionException, match="different configuration"):
            duckdb.connect(str(s.vault_path)).close()
        assert [(o.case_ref, o.status, o.note) for o in read_outcomes(s, tom, COHORT)] == [
            (case, "contacted", "answered")
        ]
        assert read_outcomes(s, gina, COHORT) == []  # not gina's organisation's outcome
        assert [(o.case_ref, o.organisation) for o in read_outcomes(s, priya, COHORT)] == [
            (case, "food-network")
        ]
        # over the caller's read-only connection too (the worklist page reads both over one connection)
        with read_connection(tom) as con:
            assert [o.case_ref for o in read_outcomes(s, tom, COHORT, con=con)] == [case]
        other.execute("select 1")
    reads = [e for e in entries(w.catalogue) if e["action"] == "act.outcome.read"]
    assert [(e["actor"], e["row_count"], e["outcome"]) for e in reads] == [
        ("tom", 1, "allowed"), ("gina", 0, "allowed"), ("priya", 1, "allowed"), ("tom", 1, "allowed"),
    ]  # fmt: skip


def test_a_partner_no_longer_holding_a_member_stops_seeing_its_outcome(built) -> None:  # type: ignore[no-untyped-def]
    w, case = built
    with w.vault.connect() as con:
        con.execute("update cohort_assignments set ended_at = now() where organisation = 'food-network'")
    assert read_outcomes(w.settings, access_for(w, "tom"), COHORT) == []
    assert [o.case_ref for o in read_outcomes(w.settings, access_for(w, "priya"), COHORT)] == [case]


def test_reading_outcomes_before_any_cohort_creates_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    w = assignment_world(settings)
    before = vault_tables(settings.vault_path)
    assert "cohort_members" not in before and "cohort_assignments" not in before
    assert read_outcomes(settings, access_for(w, "tom"), COHORT) == []
    assert read_outcomes(settings, access_for(w, "priya"), COHORT) == []
    assert vault_tables(settings.vault_path) == before
    w.catalogue.dispose()


def test_reading_outcomes_without_a_vault_does_not_create_one(settings) -> None:  # type: ignore[no-untyped-def]
    w = assignment_world(settings)
    empty = replace(settings, vault_path=settings.home / "elsewhere" / "vault.duckdb")
    tom = replace(access_for(w, "tom"), vault=replace(w.vault, path=empty.vault_path))
    assert read_outcomes(empty, tom, COHORT) == []
    assert not empty.vault_path.exists()
    w.catalogue.dispose()
