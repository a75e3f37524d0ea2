"""Retention with a controlled clock: what goes and when, the dry run, tombstones, destroyed keys."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest
from typer.testing import CliRunner

from placehub.cli import app
from placehub.errors import NotPermitted
from placehub.govern import pseudonym, run_retention, verify
from placehub.govern.audit import entries
from placehub.govern.retention import ItemKind
from placehub.store import open_catalogue
from tests.integration._govern_helpers import WARD_IN, build_world

D0 = date(2026, 6, 1)  # agreements: a-expired ends D0-1, a-active D0+300, a-future D0+400; all keep 90 days


def _counts(settings) -> dict[str, int]:  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(settings.vault_path), read_only=True)
    out = {
        t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
        for t in ("raw_shielded_list", "raw_food_support", "records", "matches", "assignments")
    }
    con.close()
    return out


def _add_act_data(cat, settings) -> None:  # type: ignore[no-untyped-def]
    """A cohort built under p-expired and one under p-active: each a member, an assignment, an outcome."""
    from placehub.act.vault_tables import ensure_act_tables
    from placehub.store.models_act import CohortBuild, Outcome

    at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    con = duckdb.connect(str(settings.vault_path))
    ensure_act_tables(con)
    for cohort in ("c-expired", "c-active"):
        con.execute(
            "insert into cohort_members values (?, 'person-1', ?, 'person', 'H1', '100', ?, null, 1, '{}', "
            "'[\"P1\"]', 'open', null, ?, 1, ?)",
            [cohort, "a" * 64, WARD_IN, at.replace(tzinfo=None), at.replace(tzinfo=None)],
        )
        con.execute(
            "insert into cohort_assignments values "
            "(?, 'person-1', 'food-network', null, ?, null, 'ana', null)",
            [cohort, at.replace(tzinfo=None)],
        )
    con.close()
    with cat.session() as s:
        for cohort, purpose in (("c-expired", "p-expired"), ("c-active", "p-active")):
            s.add(
                CohortBuild(
                    cohort=cohort, version=1, definition_sha256="0" * 64, definition="", purpose=purpose,
                    agreement=f"a-{purpose[2:]} v1", built_by="ana", organisation="council", built_at=at,
                    population=1, open_members=1, counts={},
                )
            )  # fmt: skip
            s.add(
                Outcome(
                    cohort=cohort, purpose=purpose, pseudonym="a" * 64, organisation="food-network",
                    recorded_by="tom", status="contacted", needs=[], note="", occurred_at=at, recorded_at=at,
                )
            )  # fmt: skip


def _act_rows(cat, settings) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Per act table, what is left: the cohorts (vault) or purposes (catalogue) of its rows."""
    from sqlalchemy import select

    from placehub.store.models_act import CohortBuild, Outcome

    con = duckdb.connect(str(settings.vault_path), read_only=True)
    out = {
        t: [r[0] for r in con.execute(f"select cohort from {t} order by cohort").fetchall()]  # noqa: S608
        for t in ("cohort_members", "cohort_assignments")
    }
    out["assignments"] = sorted({r[0] for r in con.execute("select purpose from assignments").fetchall()})
    con.close()
    with cat.session() as s:
        out["act_outcomes"] = sorted(s.scalars(select(Outcome.purpose)).all())
        out["act_cohort_builds"] = sorted(s.scalars(select(CohortBuild.purpose)).all())
    return out


def _summary(result) -> list[tuple[str, str, str, int, str]]:  # type: ignore[no-untyped-def]
    return [
        (
            i.kind.value,
            i.subject,
            i.location if i.kind is not ItemKind.EXPORTS else "exports",
            i.count,
            i.deadline.isoformat(),
        )
        for i in result.items
    ]


def test_retention_follows_the_clock(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    build_world(cat, settings, today=D0)
    (settings.exports_dir / "p-expired").mkdir(parents=True)
    (settings.exports_dir / "p-expired" / "worklist.csv").write_text("id\n1\n")
    old = pseudonym(settings.keys_dir, "p-expired", "person-1")
    pseudonym(settings.keys_dir, "p-active", "person-1")
    _add_act_data(cat, settings)
    everything = {
        "cohort_members": ["c-active", "c-expired"],
        "cohort_assignments": ["c-active", "c-expired"],
        "assignments": ["p-active", "p-expired", "p-future", "p-missing"],
        "act_outcomes": ["p-active", "p-expired"],
        "act_cohort_builds": ["p-active", "p-expired"],
    }
    assert _act_rows(cat, settings) == everything
    full = _counts(settings)
    assert full == {
        "raw_shielded_list": 6,
        "raw_food_support": 2,
        "records": 8,
        "matches": 8,
        "assignments": 12,
    }

    # Within every agreement's retention: nothing goes.
    assert run_retention(cat, settings, today=D0 + timedelta(days=89), actor="ig").items == ()
    assert _act_rows(cat, settings) == everything

    # a-expired's retention (end D0-1 + 90 days) has passed: its purpose's exports and key go, not shared
    # data.
    dry = run_retention(cat, settings, today=D0 + timedelta(days=90), dry_run=True, actor="ig")
    expected = [
        ("exports", "p-expired", "exports", 1, "2026-08-29"),
        ("pseudonym key", "p-expired", "p-expired.key", 1, "2026-08-29"),
    ]
    assert _summary(dry) == expected
    assert (settings.exports_dir / "p-expired" / "worklist.csv").is_file()  # a dry run deletes nothing
    assert _act_rows(cat, settings) == everything
    before = len(entries(cat))
    done = run_retention(cat, settings, today=D0 + timedelta(days=90), actor="ig")
    assert _summary(done) == expected
    assert not (settings.exports_dir / "p-expired").exists()
    with pytest.raises(NotPermitted, match="rule: key_destroyed"):
        pseudonym(settings.keys_dir, "p-expired", "person-1")
    tombstones = entries(cat)[before:]
    assert [
        (e["action"], e["purpose"], e["row_count"], json.loads(e["detail"])["kind"]) for e in tombstones
    ] == [
        ("retention.delete", "p-expired", 1, "exports"),
        ("retention.delete", "p-expired", 1, "pseudonym key"),
    ]
    # With the key goes what act holds for the purpose: its cohort's members and assignment history, its
    # record-level grants (3), its outcomes and builds; p-active's stay.
    assert json.loads(tombstones[1]["detail"])["act_deleted"] == {
        "cohort_members": 1,
        "cohort_assignments": 1,
        "assignments": 3,
        "outcomes": 1,
        "builds": 1,
    }
    assert "act_deleted" not in json.loads(tombstones[0]["detail"])
    assert _act_rows(cat, settings) == {
        "cohort_members": ["c-active"],
        "cohort_assignments": ["c-active"],
        "assignments": ["p-active", "p-future", "p-missing"],
        "act_outcomes": ["p-active"],
        "act_cohort_builds": ["p-active"],
    }
    assert old not in json.dumps(tombstones)
    assert _counts(settings) == {**full, "assignments": 9}

    # The shielded list is named by all three agreements: it goes only after the last one's retention.
    assert [
        i.kind for i in run_retention(cat, settings, today=D0 + timedelta(days=490), actor="ig").items
    ] == [
        ItemKind.KEY  # p-active: ended D0+300, kept to D0+390
    ]
    assert _act_rows(cat, settings) == {
        "cohort_members": [],
        "cohort_assignments": [],
        "assignments": ["p-future", "p-missing"],
        "act_outcomes": [],
        "act_cohort_builds": [],
    }
    done = run_retention(cat, settings, today=D0 + timedelta(days=491), actor="ig")
    assert _summary(done) == [
        ("vault rows", "shielded-list", "raw_shielded_list", 6, "2027-10-04"),
        ("vault rows", "shielded-list", "records", 6, "2027-10-04"),
        ("vault rows", "shielded-list", "matches", 6, "2027-10-04"),
        ("vault rows", "shielded-list", "assignments", 6, "2027-10-04"),  # p-future's and p-missing's
    ]
    assert _counts(settings) == {
        "raw_shielded_list": 0,
        "raw_food_support": 2,
        "records": 2,
        "matches": 2,
        "assignments": 0,
    }
    assert run_retention(cat, settings, today=D0 + timedelta(days=491), actor="ig").items == ()
    assert verify(cat).ok
    cat.dispose()


def test_retention_cli_dry_run(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    build_world(cat, settings, today=D0)
    pseudonym(settings.keys_dir, "p-expired", "x")
    result = CliRunner().invoke(app, ["retention", "run", "--dry-run", "--as-of", "2026-09-01"])
    assert result.exit_code == 0, result.output
    assert "1 item(s) would be deleted (dry run) as of 2026-09-01" in result.output
    assert (settings.keys_dir / "purposes" / "p-expired.key").is_file()
    cat.dispose()
