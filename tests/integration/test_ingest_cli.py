"""The ingest commands end to end (Typer's runner), and the Teignbridge EMS export through its contract."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from placehub.cli import app
from placehub.ingest import load_file
from placehub.settings import Settings
from tests.integration._ingest_helpers import csv_text, people_contract

ROWS = [
    ["P1", "943 476 5919", "Jones", "31/01/1948", "12 High Street", "CF47 9UX"],
    ["P2", "943 476 5918", "=cmd|' /C calc'!A0", "01/02/1950", "1 Low St", "CF47 8AA"],
]


def test_ingest_loads_and_rejects_commands(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import placehub.cli

    monkeypatch.setattr(placehub.cli.console, "width", 200)  # Rich sized itself at import
    people_contract(settings)
    f = tmp_path / "people.csv"
    f.write_text(csv_text(ROWS), encoding="utf-8")
    runner = CliRunner(env={"COLUMNS": "200"})  # wide enough that tables do not wrap
    out = runner.invoke(app, ["ingest", "people", str(f)], terminal_width=200)
    assert out.exit_code == 0, out.output
    lines = [" ".join(line.strip("│ ").split()) for line in out.output.splitlines()]
    assert "encoding │ utf-8 (valid UTF-8)" in lines
    assert "accepted │ 1" in lines
    assert "rejected │ 1" in lines
    assert "reason │ 1 × NHS number fails its check digit" in lines
    assert "See the rejected rows with: placehub rejects 1" in lines

    shown = runner.invoke(app, ["rejects", "1"], terminal_width=200)
    assert shown.output.splitlines() == ["row 3: NHS number 943 476 5918 fails its check digit"]

    export = tmp_path / "rejects.csv"
    done = runner.invoke(app, ["rejects", "1", "--out", str(export)], terminal_width=200)
    assert " ".join(done.output.split()) == f"Wrote 1 rejected rows of load 1 to {export}"
    with export.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[1][4] == "'=cmd|' /C calc'!A0"

    listed = runner.invoke(app, ["loads"], terminal_width=200)
    row = next(line for line in listed.output.splitlines() if "people.csv" in line)
    assert [c.strip() for c in row.strip("│").split("│")][:8] == [
        "1",
        "people",
        "source",
        "people.csv",
        "current",
        "2",
        "1",
        "1",
    ]


def test_cli_user_error_is_one_clear_message(settings: Settings, tmp_path: Path) -> None:
    import subprocess
    import sys

    f = tmp_path / "x.csv"
    f.write_text(csv_text(ROWS), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "placehub", "ingest", "nobody", str(f)],
        capture_output=True,
        text=True,
        env={"PLACEHUB_HOME": str(settings.home), "PATH": "/usr/bin:/bin", "COLUMNS": "500"},
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: No contract for source 'nobody': looked in ")
    assert "Traceback" not in done.stderr


@pytest.mark.shared_data
def test_teignbridge_ems_export_through_its_adapter_contract(settings: Settings, shared_data: Path) -> None:
    result = load_file(
        settings, "teignbridge-ems", shared_data / "address" / "teignbridge_ems_export.csv", user="t"
    )
    assert (result.rows_total, result.rows_accepted, result.rows_rejected) == (90, 90, 0)
    con = duckdb.connect(str(settings.vault_path), read_only=True)
    try:
        assert con.execute(
            "select count(uprn_supplied), count(distinct uprn_supplied) from records"
        ).fetchone() == (
            90,
            89,
        )
        assert con.execute(
            "select uprn_supplied, address, postcode from records where row_number = 2"
        ).fetchone() == (
            "100040310729",
            "1 CROSS VIEW TERRACE, IDE, EXETER, EX2 9RZ",
            "EX2 9RZ",
        )
    finally:
        con.close()
