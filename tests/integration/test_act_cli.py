"""The act commands end to end on a constructed borough: build, assign, worklist, outcomes, follow-up."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from placehub.cli import app
from placehub.errors import NotPermitted
from tests.integration._act_helpers import assignment_world

runner = CliRunner()


def run(monkeypatch: pytest.MonkeyPatch, user: str, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLACEHUB_USER", user)
    monkeypatch.setenv("COLUMNS", "200")
    return runner.invoke(app, list(args), catch_exceptions=True)


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    w = assignment_world(settings)
    yield w
    w.catalogue.dispose()


def test_act_commands(world, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    built = run(monkeypatch, "priya", "cohort", "build", "shielding-support", "--at", "2026-11-02T09:00")
    assert built.exit_code == 0, built.output
    assert re.search(r"open \(to be reached\)\s*│\s*7", built.output)
    assigned = run(monkeypatch, "priya", "assign", "shielding-support")
    assert assigned.exit_code == 0, assigned.output
    assert re.search(r"newly assigned\s*│\s*4", assigned.output)
    assert "schools cannot take cases: not a recipient party" in assigned.output
    listed = run(monkeypatch, "tom", "worklist", "food-network", "--cohort", "shielding-support")
    assert listed.exit_code == 0, listed.output
    cases = re.findall(r"│ ([0-9a-f]{12}) │", listed.output)
    assert len(cases) == 2 and "SPL1" in listed.output and "SPL2" not in listed.output
    recorded = run(monkeypatch, "tom", "outcome", "record", "shielding-support", cases[0], "contacted",
                   "--at", "2026-11-02T15:00")  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    refused = run(monkeypatch, "gina", "outcome", "record", "shielding-support", cases[1], "contacted")
    assert isinstance(refused.exception, NotPermitted)  # `placehub` (main) prints it and exits with 4
    assert refused.exception.exit_code == 4
    assert "rule: not_assigned" in str(refused.exception)
    out = tmp_path / "tom.xlsx"
    exported = run(
        monkeypatch, "tom", "worklist", "food-network", "--purpose", "shielding-support", "--out", str(out)
    )
    assert exported.exit_code == 0 and "Wrote 1 row(s)" in exported.output
    late = run(
        monkeypatch, "priya", "escalations", "--cohort", "shielding-support", "--at", "2026-11-06T09:00"
    )
    assert late.exit_code == 0, late.output
    assert len(re.findall(r"│ shielding-support │ [0-9a-f]{12} │", late.output)) == 6
    cov = run(monkeypatch, "priya", "coverage", "--cohort", "shielding-support", "--at", "2026-11-10T09:00")
    assert cov.exit_code == 0, cov.output
    assert re.search(
        r"│ all\s*│ all\s*│ 7\s*│ 1\s*│ 14% \(1/7\)\s*│ 14% \(1/7\)\s*│ 14% \(1/7\)\s*│ 0\.2", cov.output
    )
