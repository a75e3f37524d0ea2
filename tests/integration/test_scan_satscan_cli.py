"""``placehub outbreak scan --satscan-prm``: a SaTScan parameter file run from the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from placehub.settings import Settings

pytestmark = pytest.mark.shared_data


def test_prm_with_foreign_paths_runs_beside_copied_inputs(
    tmp_path: Path, settings: Settings, shared_data: Path
) -> None:
    from placehub.cli import app

    folder = shared_data / "outbreak" / "nycfever"
    for name in ("NYCfever.cas", "NYCfever.geo", "satscan_sample_NYCSpaceTimePermutation.prm"):
        shutil.copy(folder / name, tmp_path / name)
    result = CliRunner().invoke(
        app,
        ["outbreak", "scan", "--satscan-prm", str(tmp_path / "satscan_sample_NYCSpaceTimePermutation.prm"),
         "--replications", "99", "--seed", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "1.Location IDs included.: 11418, 11415, 11419, 11435, 11416, 11421, 11451, 11375, 11417"
        in result.output
    )
    assert "  Test statistic........: 3.845418" in result.output


def test_prm_naming_missing_files_fails_clearly(
    tmp_path: Path, settings: Settings, shared_data: Path
) -> None:
    from placehub.cli import app

    shutil.copy(
        shared_data / "outbreak" / "nycfever" / "satscan_sample_NYCSpaceTimePermutation.prm", tmp_path
    )
    result = CliRunner().invoke(
        app,
        ["outbreak", "scan", "--satscan-prm", str(tmp_path / "satscan_sample_NYCSpaceTimePermutation.prm")],
    )
    assert result.exit_code == 1
    assert str(result.exception) == f"The coordinates file {tmp_path / 'NYCfever.geo'} does not exist."
