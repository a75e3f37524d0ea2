"""`placehub link run`, `placehub link review …` and `placehub people show` from the command line."""

from __future__ import annotations

from typer.testing import CliRunner

from placehub.cli import app
from placehub.settings import Settings
from placehub.store import Vault
from tests.integration._link_helpers import load_population, population


def test_link_run_review_and_people_show(settings: Settings) -> None:
    with Vault(settings.vault_path).connect() as con:
        load_population(con, population(n_people=80, seed=3))
    runner = CliRunner()
    result = runner.invoke(app, ["link", "run", "--threshold", "0.95"], terminal_width=200)
    assert result.exit_code == 0, result.output
    n_records = len(population(n_people=80, seed=3).records)
    assert f"Link run 1 (full, duckdb): {n_records} records → 80 people in " in result.output

    shown = runner.invoke(app, ["people", "show"], terminal_width=200)
    assert shown.exit_code == 0
    assert "│ people                         │ 80    │" in shown.output
    assert "EDWARD" not in shown.output and "DAVIES" not in shown.output  # counts only, never names

    listed = runner.invoke(app, ["link", "review", "list"], terminal_width=200)
    assert listed.exit_code == 0
    assert "No pairs are waiting for review." in listed.output

    accepted = runner.invoke(
        app, ["link", "review", "accept", "--records", "gp|G0001", "--records", "care|C0001"]
    )
    assert accepted.exit_code == 0
    assert "Accepted care|C0001 – gp|G0001; applies from the next `placehub link run`." in accepted.output

    missing = runner.invoke(app, ["link", "review", "reject", "999"])
    assert missing.exit_code != 0

    bad = runner.invoke(app, ["link", "run", "--threshold", "0.3"])
    assert bad.exit_code != 0
