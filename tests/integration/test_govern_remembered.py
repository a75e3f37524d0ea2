"""Governed reads remembered per vault state: every read is still checked and audited, an objection or a
vault write takes effect at the next read, and no two scopes ever share a read."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pytest

from placehub.errors import NotPermitted
from placehub.govern import IdentifierKind, add_objection, open_access, remove_objection
from placehub.govern import remembered as remembered_module
from placehub.govern.audit import entries
from placehub.store import open_catalogue
from placehub.store.vault import OnDemand
from tests.integration._govern_helpers import ANALYST_SEES, NHS, PARTNER_SEES, build_world

COLUMNS = ["patient_id", "surname", "postcode"]


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    yield cat, settings
    cat.dispose()


def _reads(cat) -> list[dict]:  # type: ignore[no-untyped-def]
    return [e for e in entries(cat) if e["action"] == "access.rows"]


def _counting(settings, opened: list[int]) -> OnDemand:  # type: ignore[no-untyped-def]
    def opener():  # type: ignore[no-untyped-def]
        opened.append(1)
        return duckdb.connect(str(settings.vault_path), read_only=True)

    return OnDemand(opener)


def test_a_remembered_read_is_still_audited_and_opens_no_vault(world) -> None:  # type: ignore[no-untyped-def]
    cat, settings = world
    ana = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    opened: list[int] = []
    frames = []
    for _ in range(3):
        with _counting(settings, opened) as con:
            frames.append(ana.rows("shielded-list", COLUMNS, con=con))  # type: ignore[arg-type]
    assert opened == [1]  # the first read only
    assert [f["patient_id"].tolist() for f in frames] == [ANALYST_SEES] * 3
    reads = _reads(cat)
    assert len(reads) == 3  # one audit entry per read, hit or miss, with the same counts
    assert len({r["detail"] for r in reads}) == 1
    assert json.loads(reads[-1]["detail"])["out_of_scope"] == 3
    frames[0].loc[0, "surname"] = "CHANGED"  # a caller's copy: the next read is untouched
    assert "CHANGED" not in ana.rows("shielded-list", COLUMNS)["surname"].tolist()


def test_the_agreement_is_checked_on_every_read(world) -> None:  # type: ignore[no-untyped-def]
    cat, settings = world
    ana = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    assert ana.rows("shielded-list", COLUMNS)["patient_id"].tolist() == ANALYST_SEES
    later = replace(ana, today=date.today() + timedelta(days=400))  # the agreement has ended by then
    with pytest.raises(NotPermitted, match="agreement_expired"):
        later.rows("shielded-list", COLUMNS)
    with pytest.raises(NotPermitted, match="columns_not_covered"):
        ana.rows("shielded-list", [*COLUMNS, "forename"])
    assert [e["outcome"] for e in entries(cat) if e["action"] == "access.rows"] == [
        "allowed", "denied", "denied"]  # fmt: skip


def test_an_objection_takes_effect_at_the_next_read(world) -> None:  # type: ignore[no-untyped-def]
    cat, settings = world
    ana = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    assert ana.rows("shielded-list", COLUMNS)["patient_id"].tolist() == ANALYST_SEES
    objection = add_objection(cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, NHS["P1"], recorded_by="ig")
    assert ana.rows("shielded-list", COLUMNS)["patient_id"].tolist() == ["P3", "P6"]
    assert json.loads(_reads(cat)[-1]["detail"])["objections_excluded"] == 1
    remove_objection(cat, objection, removed_by="ig")
    assert ana.rows("shielded-list", COLUMNS)["patient_id"].tolist() == ANALYST_SEES


def test_a_vault_write_is_seen_at_the_next_read(world) -> None:  # type: ignore[no-untyped-def]
    cat, settings = world
    pat = open_access(cat, settings, username="pat", organisation="food-network", purpose="p-active")
    assert pat.rows("shielded-list", COLUMNS)["patient_id"].tolist() == PARTNER_SEES
    with duckdb.connect(str(settings.vault_path)) as con:  # P6 is handed to another organisation
        con.execute("update assignments set organisation = 'nhs' where record_id = 'P6'")
    assert pat.rows("shielded-list", COLUMNS)["patient_id"].tolist() == ["P1"]


def test_scopes_never_share_a_read(world) -> None:  # type: ignore[no-untyped-def]
    cat, settings = world
    ana = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    pat = open_access(cat, settings, username="pat", organisation="food-network", purpose="p-active")
    assert ana.rows("shielded-list", COLUMNS)["patient_id"].tolist() == ANALYST_SEES
    assert pat.rows("shielded-list", COLUMNS)["patient_id"].tolist() == PARTNER_SEES
    assert ana.rows("shielded-list", ["patient_id"]).columns.tolist() == ["patient_id"]
    shown = ana.review_rows("shielded-list", COLUMNS, ["P4", "P5"])
    assert sorted(shown.index) == ["P4", "P5"]  # named, unplaced records: the review door's own read
    assert ana.review_rows("shielded-list", COLUMNS, ["P4"]).index.tolist() == ["P4"]


def test_a_large_read_is_not_held(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cat, settings = world
    monkeypatch.setattr(remembered_module, "MAX_ROWS", 2)
    ana = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    opened: list[int] = []
    for _ in range(2):
        with _counting(settings, opened) as con:
            assert len(ana.rows("shielded-list", COLUMNS, con=con)) == 3  # type: ignore[arg-type]
    assert opened == [1, 1]


def test_every_table_the_scope_query_reads_is_declared(world) -> None:  # type: ignore[no-untyped-def]
    """A remembered read stays while none of its tables changed (store.memo.writing): the declared list must
    hold every table the SQL reads."""
    import re

    from placehub.govern.access import _SeenVault
    from placehub.govern.scope_query import ScopeFilter, flagged_rows_sql, read_tables
    from placehub.store import Vault

    _, settings = world
    with duckdb.connect(str(settings.vault_path)) as con:
        seen = _SeenVault.of(Vault(settings.vault_path), con)
        for assigned_to in (None, "food-network"):
            scope = ScopeFilter(False, ("W",), ("L",), assigned_to, "p-active")
            sql = flagged_rows_sql(seen, con, "raw_shielded_list", scope)
            named = set(re.findall(r'\b(?:from|join)\s+"?([a-z_]+)"?', sql, flags=re.IGNORECASE))
            ctes = set(re.findall(r"\b([a-z_]+) as \(", sql))
            reads = {"matches", "gazetteer", "raw_shielded_list", *(["assignments"] if assigned_to else [])}
            assert reads <= named  # the pattern finds what it should
            assert named - ctes - {"rec", "m", "g", "pr", "f", "placed"} <= read_tables("shielded-list")
    assert "matches" in read_tables("shielded-list")  # the review door's "placed" reads it too
