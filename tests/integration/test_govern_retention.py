"""Retention with a controlled clock: what goes and when, the dry run, tombstones, destroyed keys."""

from __future__ import annotations

import json
from datetime import date, timedelta

import duckdb
import pytest
from typer.testing import CliRunner

from placehub.cli import app
from placehub.errors import NotPermitted
from placehub.govern import pseudonym, run_retention, verify
from placehub.govern.audit import entries
from placehub.govern.retention import ItemKind
from placehub.store import open_catalogue
from tests.integration._govern_helpers import build_world

D0 = date(2026, 6, 1)  # agreements: a-expired ends D0-1, a-active D0+300, a-future D0+400; all keep 90 days


def _counts(settings) -> dict[str, int]:  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(settings.vault_path), read_only=True)
    out = {
        t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
        for t in ("raw_shielded_list", "raw_food_support", "records", "matches", "assignments")
    }
    con.close()
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

    # a-expired's retention (end D0-1 + 90 days) has passed: its purpose's exports and key go, not shared
    # data.
    dry = run_retention(cat, settings, today=D0 + timedelta(days=90), dry_run=True, actor="ig")
    expected = [
        ("exports", "p-expired", "exports", 1, "2026-08-29"),
        ("pseudonym key", "p-expired", "p-expired.key", 1, "2026-08-29"),
    ]
    assert _summary(dry) == expected
    assert (settings.exports_dir / "p-expired" / "worklist.csv").is_file()  # a dry run deletes nothing
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
    assert old not in json.dumps(tombstones)
    assert _counts(settings) == full

    # The shielded list is named by all three agreements: it goes only after the last one's retention.
    assert [
        i.kind for i in run_retention(cat, settings, today=D0 + timedelta(days=490), actor="ig").items
    ] == [
        ItemKind.KEY  # p-active: ended D0+300, kept to D0+390
    ]
    done = run_retention(cat, settings, today=D0 + timedelta(days=491), actor="ig")
    assert _summary(done) == [
        ("vault rows", "shielded-list", "raw_shielded_list", 6, "2027-10-04"),
        ("vault rows", "shielded-list", "records", 6, "2027-10-04"),
        ("vault rows", "shielded-list", "matches", 6, "2027-10-04"),
        ("vault rows", "shielded-list", "assignments", 12, "2027-10-04"),
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
