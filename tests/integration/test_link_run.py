"""Linkage over a hand-made vault: exact clusters, stable ids across re-runs and new loads, review decisions
honoured, households by UPRN, merges recorded with reasons."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from placehub.link import Decision, LinkConfig, decide, pending_pairs, people_counts, run_linkage
from placehub.settings import Settings
from placehub.store import Catalogue, Vault, open_catalogue
from placehub.store.models_link import LinkRun, PersonEvent
from tests.integration._link_helpers import load_population, partition, population, write_load


def _mapping(vault: Vault) -> dict[str, str]:
    with vault.connect() as con:
        return dict(con.execute("select unique_id, person_id from person_records").fetchall())


@pytest.fixture
def linked(settings: Settings) -> tuple[Settings, Catalogue, Vault]:
    vault = Vault(settings.vault_path)
    with vault.connect() as con:
        load_population(con, population())
    catalogue = open_catalogue(settings.database_url)
    run_linkage(settings, catalogue)
    return settings, catalogue, vault


def test_clusters_are_the_true_people(linked: tuple[Settings, Catalogue, Vault]) -> None:
    _, catalogue, vault = linked
    pop = population()
    assert partition(_mapping(vault)) == partition(pop.truth)
    counts = people_counts(vault)
    assert (counts.records, counts.people, counts.people_in_several_sources) == (261, 150, 86)
    with catalogue.session() as s:
        run = s.scalars(select(LinkRun)).one()
        assert (run.kind, run.engine, run.people, run.people_new, run.merges, run.splits) == (
            "full",
            "duckdb",
            150,
            150,
            0,
            0,
        )
        model = json.loads(run.model_json)
        assert [c["output_column_name"] for c in model["comparisons"]] == [
            "first_name",
            "surname",
            "dob",
            "sex",
            "nhs_number",
            "place",
        ]
        assert json.loads(run.settings_json)["match_threshold"] == 0.9


def test_households_group_people_by_uprn(linked: tuple[Settings, Catalogue, Vault]) -> None:
    _, _, vault = linked
    pop = population()
    expected: dict[str, set[str]] = {}
    for r in pop.records:
        expected.setdefault(r["uprn"], set()).add(pop.truth[f"{r['source']}|{r['record_id']}"])
    with vault.connect() as con:
        got = dict(con.execute("select uprn, size from households").fetchall())
        persons_without_household = con.execute(
            "select count(*) from persons where household_id is null"
        ).fetchone()
    assert got == {u: len(people) for u, people in expected.items()}
    assert persons_without_household == (0,)
    assert people_counts(vault).households == len(expected)


def test_rerun_keeps_every_person_id(linked: tuple[Settings, Catalogue, Vault]) -> None:
    settings, catalogue, vault = linked
    before = _mapping(vault)
    summary = run_linkage(settings, catalogue)
    assert _mapping(vault) == before
    assert (summary.people_new, summary.merges, summary.splits) == (0, 0, 0)


def test_new_load_links_to_existing_people_without_renumbering(
    linked: tuple[Settings, Catalogue, Vault],
) -> None:
    settings, catalogue, vault = linked
    before = _mapping(vault)
    pop = population()
    food = [r for r in pop.records if r["source"] == "food"]
    gp_first = next(r for r in pop.records if r["source"] == "gp" and f"gp|{r['record_id']}" in before)
    known = dict(
        gp_first, record_id="F9001", first_name=gp_first["first_name"]
    )  # same person, new food record
    stranger = {
        "record_id": "F9002",
        "first_name": "ZEPHYRINE",
        "surname": "QUAYLE",
        "dob": "1961-03-04",
        "nhs_number": None,
        "postcode": "CF48 9ZZ",
        "uprn": "200000001",
        "sex": "F",
    }
    with vault.connect() as con:
        write_load(con, "food", "L2-food", [*food, known, stranger])
    summary = run_linkage(settings, catalogue, source="food")
    after = _mapping(vault)
    assert {k: after[k] for k in before} == before  # nobody renumbered
    assert after["food|F9001"] == before[f"gp|{gp_first['record_id']}"]
    last = max(int(p[1:]) for p in before.values())
    assert after["food|F9002"] == f"P{last + 1:09d}"
    assert (summary.kind, summary.people_new, summary.merges, summary.splits, summary.people) == (
        "incremental",
        1,
        0,
        0,
        151,
    )
    with catalogue.session() as s:
        runs = s.scalars(select(LinkRun).order_by(LinkRun.id)).all()
        assert [(r.kind, r.source) for r in runs] == [("full", None), ("incremental", "food")]
        assert runs[1].model_json == runs[0].model_json  # the saved model was reused, not retrained


def test_review_decisions_are_honoured_on_rerun(linked: tuple[Settings, Catalogue, Vault]) -> None:
    settings, catalogue, vault = linked
    before = _mapping(vault)
    pop = population()
    by_person: dict[str, list[str]] = {}
    for rid, t in pop.truth.items():
        by_person.setdefault(t, []).append(rid)
    a, b = sorted(next(v for v in by_person.values() if len(v) == 2))  # one true person, two records
    x = sorted(next(v for v in by_person.values() if len(v) == 1))[0]  # someone else
    decide(vault, catalogue, Decision.REJECT, records=(a, b), decided_by="tester")
    decide(vault, catalogue, Decision.ACCEPT, records=(x, a), decided_by="tester", note="same person: letter")
    summary = run_linkage(settings, catalogue)
    after = _mapping(vault)
    assert after[a] == after[x] != after[b]
    assert (summary.merges, summary.splits, summary.people_new) == (1, 1, 1)
    with catalogue.session() as s:
        events = s.scalars(select(PersonEvent).order_by(PersonEvent.kind)).all()
        got = [(e.kind, e.records_moved, e.reason) for e in events]
    assert got == [
        ("merge", 1, f"records {min(a, x)} and {max(a, x)} accepted as one person in clerical review"),
        ("split", 1, f"records {a} and {b} rejected as one person in clerical review"),
    ]
    assert before[a] == before[b]
    # decided pairs never come back to the review queue
    assert all({p.record_l, p.record_r} not in ({a, b}, {a, x}) for p in pending_pairs(vault, catalogue))


def test_uncertain_pairs_are_queued_for_review(settings: Settings) -> None:
    vault = Vault(settings.vault_path)
    pop = population()
    gp = next(r for r in pop.records if r["source"] == "gp")
    # The same name at another address, with no date of birth or NHS number: neither clearly in nor out.
    vague = {
        "record_id": "C9001",
        "first_name": gp["first_name"],
        "surname": gp["surname"],
        "dob": None,
        "nhs_number": None,
        "postcode": gp["postcode"],
        "uprn": None,
        "sex": gp["sex"],
    }
    with vault.connect() as con:
        load_population(con, pop)
        write_load(con, "care", "L2-care", [*(r for r in pop.records if r["source"] == "care"), vague])
    catalogue = open_catalogue(settings.database_url)
    run_linkage(settings, catalogue, LinkConfig(match_threshold=0.999, review_threshold=0.001))
    pairs = pending_pairs(vault, catalogue)
    wanted = {f"gp|{gp['record_id']}", "care|C9001"}
    [pair] = [p for p in pairs if {p.record_l, p.record_r} == wanted]
    assert 0.001 <= pair.match_probability < 0.999 and pair.person_id_l != pair.person_id_r
    assert [p.pair_id for p in pairs] == list(range(1, len(pairs) + 1))
    decide(vault, catalogue, Decision.ACCEPT, pair_id=pair.pair_id, decided_by="tester")
    assert pair.pair_id not in [p.pair_id for p in pending_pairs(vault, catalogue)]
    run_linkage(settings, catalogue, LinkConfig(match_threshold=0.999, review_threshold=0.001))
    mapping = _mapping(vault)
    assert mapping["care|C9001"] == mapping[f"gp|{gp['record_id']}"]


def test_catalogue_tables_on_each_backend(catalogue_url: str, settings: Settings) -> None:
    vault = Vault(settings.vault_path)
    with vault.connect() as con:
        load_population(con, population(n_people=80, seed=3))
    catalogue = open_catalogue(catalogue_url)
    summary = run_linkage(settings, catalogue)
    assert (summary.records, summary.people) == (len(population(80, 3).records), 80)
    decide(vault, catalogue, Decision.REJECT, records=("gp|G0001", "care|C0001"), decided_by="tester")
    decide(vault, catalogue, Decision.ACCEPT, records=("care|C0001", "gp|G0001"), decided_by="tester")
    from placehub.link.review import decisions

    assert decisions(catalogue) == {("care|C0001", "gp|G0001"): Decision.ACCEPT}
