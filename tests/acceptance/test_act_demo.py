"""End to end on the demo borough: the shielding cohort against the demo's truth, partners, clock, figures.

The expected cohort is computed from the truth files alone (who each shielded-list and adult-social-care row
really is, and where they really live), restricted to the rows the agreement lets the council see (matched to
an address). Person linkage can still miss a link, so a few people may be absent; nobody may be wrongly in.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from placehub.act.assign import assign_cohort
from placehub.act.build import build_cohort
from placehub.act.followup import coverage, escalations
from placehub.act.oruk import parse
from placehub.act.outcomes import read_outcomes, record_outcome
from placehub.act.services import DEMO_SERVICES, store
from placehub.act.worklist import worklist
from placehub.errors import NotPermitted
from placehub.govern import open_access
from placehub.govern.audit import entries
from placehub.store import open_catalogue

pytestmark = pytest.mark.slow
T = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
COHORT = "shielding-support"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from placehub.demo.pipeline import STAGES, prepare, stage_act

    # The demo's stages up to and including person linkage; its act stage (a simulated fortnight) would
    # leave outcomes this test makes itself.
    ctx = prepare(tmp_path_factory.mktemp("act-demo"), 1, 3000)
    for _, stage in STAGES[: [s for _, s in STAGES].index(stage_act)]:
        stage(ctx)
    catalogue = open_catalogue(ctx.settings.database_url)
    store(catalogue, parse(json.loads(DEMO_SERVICES.read_text(encoding="utf-8"))))
    yield ctx, catalogue
    catalogue.dispose()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def expected_from_truth(ctx) -> set[str]:  # type: ignore[no-untyped-def]
    borough = ctx.folder / "borough"
    truth = {(r["source"], r["record_id"]): r["true_person_id"] for r in read(borough / "truth.csv")}
    home = {r["person_id"]: r["uprn"] for r in read(borough / "residents.csv")}
    kind = {r["UPRN"]: r["CLASSIFICATION_CODE"] for r in read(borough / "gazetteer.csv")}
    with duckdb.connect(str(ctx.settings.vault_path), read_only=True) as con:
        seen = con.execute(
            "select r.source, r.record_id from current_records r join matches m on m.source = r.source "
            "and m.load_id = r.load_id and m.record_id = r.record_id "
            "where m.status in ('auto', 'reviewed') and m.uprn is not null"
        ).fetchall()
    shielded = {truth[k] for k in seen if k[0] == "shielded-list"}
    known_to_asc = {truth[k] for k in seen if k[0] == "adult-social-care"}
    care_home = {p for p in shielded if kind[home[p]] == "RI01"}
    return shielded - known_to_asc - care_home


def test_shielding_cohort_partners_clock_and_figures(demo) -> None:  # type: ignore[no-untyped-def]
    ctx, catalogue = demo
    s = ctx.settings

    def access(user: str, org: str):  # type: ignore[no-untyped-def]
        return open_access(catalogue, s, username=user, organisation=org, purpose=COHORT, today=T.date())

    built = build_cohort(s, access("priya", "council"), COHORT, now=T)
    truth = {
        (r["source"], r["record_id"]): r["true_person_id"] for r in read(ctx.folder / "borough" / "truth.csv")
    }
    with duckdb.connect(str(s.vault_path), read_only=True) as con:
        rows = con.execute(
            "select records from cohort_members where cohort = ? and state = 'open'", [COHORT]
        ).fetchall()
    records = [json.loads(r) for (r,) in rows]
    got = {truth[("shielded-list", r)] for recs in records for r in recs}
    expected = expected_from_truth(ctx)
    assert got - expected == set()  # nobody known to adult social care, in a care home or out of scope
    assert len(expected - got) <= 0.02 * len(expected)  # linkage may miss a link or two
    assert built.open == len(records)

    assigned = assign_cohort(s, access("priya", "council"), COHORT, now=T)
    partners = sorted(assigned.by_organisation)
    assert partners == ["digital-charity", "food-network", "good-neighbours"]  # its three recipients
    assert sum(assigned.by_organisation.values()) + assigned.no_capacity + assigned.no_cover == built.open

    tom, gina = access("tom", "food-network"), access("gina", "good-neighbours")
    case = worklist(s, tom, COHORT).rows[0][0]
    at = T + timedelta(hours=3)
    record_outcome(s, tom, COHORT, case, "need_identified", needs=["food"], occurred_at=at, now=at)
    with pytest.raises(NotPermitted, match="rule: not_assigned"):
        record_outcome(s, gina, COHORT, case, "contacted", occurred_at=at, now=at)
    assert read_outcomes(s, gina, COHORT) == []
    assert entries(catalogue)[-2]["rule"] == "not_assigned"

    # Four days on, everyone but the one reached is past the three-day deadline.
    late = escalations(s, access("priya", "council"), COHORT, now=T + timedelta(days=4))
    assert len(late) == built.open - 1 and case not in {e.case_ref for e in late}
    overall = coverage(s, catalogue, COHORT, now=T + timedelta(days=4))[0]
    assert (overall.members, overall.contacted, overall.within, overall.unmet) == (
        built.open, 1, {1: (1, built.open), 3: (1, built.open), 7: (0, 0)}, {"food": 1},
    )  # fmt: skip
    assert overall.median_days == 0.125
