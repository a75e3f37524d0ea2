"""The attacker: over every release a definition publishes — a table with margins, a second release with
changed data, a release under another rule set — recover each suppressed cell's feasible range by integer
programming over all published cells, totals, rounding intervals and earlier releases. None may be narrowed
to fewer whole numbers than the suppressed range holds; and what is published obeys the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from placehub.publish import approve, define, get_rule_set, list_releases, preview, publish
from placehub.publish.table import Cell
from placehub.settings import Settings
from placehub.store import open_catalogue
from tests.integration._publish_helpers import (
    START,
    attack,
    build_gazetteer,
    cases,
    shape,
    truth,
    write_definition,
)


def _release(catalogue, settings, path, frame):  # type: ignore[no-untyped-def]
    name = define(catalogue, path, "ana").name
    draft = preview(catalogue, settings, name, "ana", frames={"outbreak_cases": frame})
    approve(catalogue, draft.id, "sam")
    return publish(catalogue, draft.id, "sam")


@pytest.fixture(scope="module")
def published_world(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Every release published once for the module (disclosure control is the slow part)."""
    from placehub.govern import Role, add_organisation, add_user
    from placehub.settings import get_settings

    tmp_path = tmp_path_factory.mktemp("attack")
    home = tmp_path / "home"
    # a home of its own whatever the environment says (the settings fixture is per test)
    settings = replace(
        get_settings(home),
        database_url=f"sqlite:///{home / 'catalogue.db'}",
        vault_path=home / "vault.duckdb",
    )
    settings.ensure_dirs()
    catalogue = open_catalogue(settings.database_url)
    add_organisation(catalogue, "council", "Test Borough Council")
    add_user(catalogue, "ana", "council", Role.ANALYST, None)
    add_user(catalogue, "sam", "council", Role.IG_OFFICER, None)
    gaz = build_gazetteer(settings)
    first = cases(gaz, seed=11, weeks=4)
    # Late reports in week 4 at a few addresses, then two more weeks of cases
    late = first.sample(n=6, random_state=3).assign(date=START + dt.timedelta(days=25))
    newer = cases(gaz, seed=12, weeks=2, start=START + dt.timedelta(days=28))
    folder = tmp_path / "defs"
    # Cases by ward by week (4 weeks): release 2's window moves on two weeks, so weeks 3 and 4 overlap, and
    # most of their cells are unchanged while a few grew by the late reports
    _release(catalogue, settings, write_definition(folder, "cases-ward-week", "ward", 4), first)
    _release(
        catalogue,
        settings,
        write_definition(folder, "cases-ward-week", "ward", 4),
        pd.concat([first, late, newer]),
    )
    # Cases by LSOA by week (2 weeks): sparse, mostly 0s, 1s and 2s, as small-area case counts are
    _release(catalogue, settings, write_definition(folder, "cases-lsoa-week", "lsoa", 2), first)
    _release(
        catalogue,
        settings,
        write_definition(folder, "cases-lsoa-week", "lsoa", 2),
        pd.concat([first, late, newer]),
    )
    # Cases by ward in week 4: first under the ONS preset, then under the default with the late reports
    _release(catalogue, settings, write_definition(folder, "cases-ward", "ward", 1, "ons"), first)
    _release(catalogue, settings, write_definition(folder, "cases-ward", "ward", 1), pd.concat([first, late]))
    yield catalogue
    catalogue.dispose()


@pytest.mark.parametrize(
    ("name", "small_cells"), [("cases-ward-week", 34), ("cases-ward", 7), ("cases-lsoa-week", 154)]
)
def test_no_suppressed_cell_can_be_worked_out(published_world, name: str, small_cells: int) -> None:  # type: ignore[no-untyped-def]
    releases = list_releases(published_world, name=name)
    assert [r.number for r in releases] == [1, 2]
    found = attack(published_world, releases)
    exposed = []
    primaries = 0
    for (j, cell), (lo, hi, true) in found.items():
        rules = get_rule_set(releases[j].rule_set)
        assert lo <= true <= hi  # the attacker's model is sound: the truth is always feasible
        if rules.is_small(true):
            primaries += 1
            if hi - lo + 1 < rules.suppress_up_to:
                exposed.append((j + 1, cell.key(), true, lo, hi))
    assert primaries == small_cells  # the data really does hold small counts to protect (over both releases)
    assert exposed == []


def test_published_counts_follow_the_rules(published_world) -> None:  # type: ignore[no-untyped-def]
    for r in list_releases(published_world):
        rules = get_rule_set(r.rule_set)
        t = shape(r)
        cells = {Cell.from_key(k): v for k, v in r.cells.items()}
        true = truth(published_world, r)
        # no published count between 1 and the threshold; every published count a multiple of the base
        assert [v for v in cells.values() if v is not None and 1 <= v <= rules.suppress_up_to] == []
        assert [v for v in cells.values() if v is not None and v % rules.round_to] == []
        for m in t.margins():
            members = t.members(m)
            if cells[m] is None:
                continue
            # totals are recomputed from the rounded cells: equal to the published cells' sum where none is
            # hidden, and to the sum of all members' rounded values always
            assert cells[m] == sum(rules.rounded(true[c]) for c in members)
            if all(cells[c] is not None for c in members):
                assert cells[m] == sum(cells[c] for c in members)  # type: ignore[misc]
        assert r.meta["rule_set"]["name"] == r.rule_set
    assert [r.rule_set for r in list_releases(published_world, name="cases-ward")] == [
        "ons",
        "placehub-sdc-2025",
    ]


def test_the_attacker_finds_cells_when_secondary_suppression_is_off(
    settings: Settings, tmp_path: Path
) -> None:
    """The negative control: without secondary suppression the same attacker narrows small counts."""
    from placehub.govern import Role, add_organisation, add_user
    from placehub.publish import RuleSet, register

    register(RuleSet("test-primary-only", suppress_up_to=7, round_to=5, description="test", secondary=False))
    catalogue = open_catalogue(settings.database_url)
    add_organisation(catalogue, "council", "Test Borough Council")
    add_user(catalogue, "ana", "council", Role.ANALYST, None)
    add_user(catalogue, "sam", "council", Role.IG_OFFICER, None)
    gaz = build_gazetteer(settings)
    path = write_definition(tmp_path, "cases-ward-week", "ward", 4, "test-primary-only")
    release = _release(catalogue, settings, path, cases(gaz, seed=11, weeks=4))
    found = attack(catalogue, [release])
    narrowed = sorted(
        (c.key(), true, lo, hi)
        for (_, c), (lo, hi, true) in found.items()
        if 1 <= true <= 7 and hi - lo + 1 < 7
    )
    catalogue.dispose()
    assert len(narrowed) >= 1
    assert all(lo <= true <= hi for _, true, lo, hi in narrowed)
