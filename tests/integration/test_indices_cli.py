"""The insight commands through the real CLI: geography load, index build / report, and a user error."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from placehub.cli import app

pytestmark = pytest.mark.shared_data


def test_geography_and_index_commands(settings, shared_data, tmp_path):
    runner = CliRunner()
    folder = shared_data / "geography/lewisham"
    loaded = runner.invoke(
        app,
        [
            "geography",
            "load",
            "-b",
            str(folder / "lbl_lsoa11_full.json"),
            "-b",
            str(folder / "lbl_wd22_proposed_wgs84.geojson"),
            "--lookup",
            str(folder / "lbl_postcode_oa11_lsoa11_msoa11_wd22.csv"),
        ],
    )
    assert loaded.exit_code == 0, loaded.output
    assert "dissolved from LSOAs" in loaded.output and "4969 live" in loaded.output

    built = runner.invoke(app, ["index", "report", "lewisham-spi", "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert "3,718 rows stored in index_values" in built.output
    assert "shelter: Cronbach's alpha 0.59 < 0.70" in built.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "lewisham-spi.html",
        "lewisham-spi.md",
        "lewisham-spi_values.csv",
    ]

    listed = runner.invoke(app, ["index", "list"])
    assert "demo-spi" in listed.output and "imd2019-england" in listed.output


def test_unknown_index_is_a_user_error(settings):
    from placehub.insight.indices import IndexDefinitionError

    result = CliRunner().invoke(app, ["index", "build", "no-such-index"])
    assert result.exit_code == 1
    assert isinstance(result.exception, IndexDefinitionError)
    assert "no index definition 'no-such-index'" in str(result.exception)
