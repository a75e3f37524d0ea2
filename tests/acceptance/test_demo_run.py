"""The whole demo, end to end on a small borough.

Every stage runs; matching and linkage are checked against the demo's truth; the register shows both
agreements; the audit chain verifies, and fails on a tampered copy of the catalogue, naming the entry."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest

from placehub.demo.pipeline import STAGES, DemoContext, run_demo
from placehub.demo.scoring import score_matches, score_people
from placehub.govern import verify
from placehub.store import open_catalogue

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoContext:
    seen: list[str] = []
    ctx = run_demo(tmp_path_factory.mktemp("demo"), seed=1, households=3000, on_stage=seen.append)
    assert seen == [name for name, _ in STAGES]
    return ctx


def test_the_summary_covers_every_stage(demo: DemoContext) -> None:
    assert list(demo.summary) == [
        "Borough",
        "Governance",
        "Gazetteer",
        "Places",
        "Ingest",
        "Match",
        "Link",
        "Act",
        "Outbreak",
        "Open data",
        "Transparency",
    ]
    ingest = dict(demo.summary["Ingest"])
    assert set(ingest) == {"shielded-list", "adult-social-care", "food-support", "free-school-meals"}
    assert "1 withheld by objection" in ingest["shielded-list"]
    assert "(cp1252)" in ingest["free-school-meals"]


def test_matching_against_the_truth(demo: DemoContext) -> None:
    assert demo.files is not None
    with duckdb.connect(str(demo.settings.vault_path), read_only=True) as con:
        scores = score_matches(con, demo.files.truth)
    assert [s.source for s in scores] == [
        "adult-social-care",
        "food-support",
        "free-school-meals",
        "shielded-list",
    ]
    auto = sum(s.auto for s in scores)
    correct = sum(s.auto_correct for s in scores)
    records = sum(s.records for s in scores)
    # Floors measured on this borough (seed 1, 3,000 homes): precision 99.9%+, about 94% auto-matched.
    assert correct / auto >= 0.998
    assert auto / records >= 0.90
    assert sum(s.review for s in scores) / records <= 0.08


def test_linkage_against_the_truth(demo: DemoContext) -> None:
    assert demo.files is not None
    with duckdb.connect(str(demo.settings.vault_path), read_only=True) as con:
        score = score_people(con, demo.files.truth)
    # Measured on this small borough (seed 1, 3,000 homes): all 48 true record pairs found, one pair wrongly
    # joined (precision 0.980, F1 0.990). With so few pairs one link moves a figure by 0.02, so the floors sit
    # just under the measurement.
    assert score.recall >= 0.97
    assert score.precision >= 0.97
    assert score.f1 >= 0.97


def test_register_shows_both_agreements(demo: DemoContext) -> None:
    data = json.loads((demo.settings.home / "register" / "register.json").read_text(encoding="utf-8"))
    assert sorted(a["id"] for a in data["agreements"]) == ["digital-inclusion", "shielding-support"]
    html = (demo.settings.home / "register" / "index.html").read_text(encoding="utf-8")
    assert data["audit_head"]["hash"] in html


def test_audit_chain_verifies_and_a_tampered_copy_names_the_entry(demo: DemoContext, tmp_path: Path) -> None:
    catalogue = open_catalogue(demo.settings.database_url)
    try:
        intact = verify(catalogue)
    finally:
        catalogue.dispose()
    assert intact.ok
    assert intact.entries >= 20

    copy = tmp_path / "catalogue.db"
    shutil.copy(demo.settings.home / "catalogue.db", copy)
    with sqlite3.connect(copy) as db:  # someone with the file: drop the guard, edit one entry's detail
        db.execute("drop trigger govern_audit_no_update")
        seq, entry_id = db.execute(
            "select sequence, id from govern_audit order by sequence limit 1 offset 9"
        ).fetchone()
        db.execute("update govern_audit set actor = 'someone-else' where id = ?", [entry_id])
    tampered = open_catalogue(f"sqlite:///{copy}")
    try:
        broken = verify(tampered)
    finally:
        tampered.dispose()
    assert not broken.ok
    assert (broken.first_bad_sequence, broken.first_bad_id) == (seq, entry_id)
    assert f"broken at entry {seq} (id {entry_id})" in broken.message()
