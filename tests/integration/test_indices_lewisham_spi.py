"""The Lewisham Social Progress Index from the shared Census 2011 tables, stored and reported."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from placehub.insight.indices import build_index, build_report, load_definition
from placehub.insight.indices.aggregation import power_mean
from placehub.store import Vault

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def spi(tmp_path_factory):
    from placehub.settings import get_settings

    return build_index(load_definition("lewisham-spi", get_settings(tmp_path_factory.mktemp("home"))))


def test_ranks_and_deciles(spi):
    idx = spi.values[spi.values["component"] == "index"].set_index("area_code")
    assert len(idx) == 169
    assert sorted(idx["rank"].tolist()) == list(range(1, 170))
    # rank 1 = lowest score; decile = ceil(10 rank / 169)
    assert idx["value"].idxmin() == idx["rank"].idxmin()
    assert (idx["decile"] == np.ceil(10 * idx["rank"].astype(float) / 169)).all()
    assert idx["decile"].value_counts().sort_index().tolist() == [16, 17, 17, 17, 17, 17, 17, 17, 17, 17]
    assert set(spi.values["kind"]) == {"indicator", "component", "dimension", "index"}
    assert len(spi.values) == 169 * (12 + 6 + 3 + 1)


def test_indicator_values_and_references_from_the_tables(spi, shared_data):
    occ = pd.read_csv(
        shared_data / "geography/lewisham/lbl_occupancy_rating_lsoa11.csv", dtype={"LSOA11CD": str}
    )
    row = occ.set_index("LSOA11CD").loc["E01003189"]
    expected = (
        100
        * (row["Occupancy rating (bedrooms) of -1"] + row["Occupancy rating (bedrooms) of -2 or less"])
        / row["All categories: Occupancy rating bedrooms"]
    )
    assert spi.raw.at["E01003189", "overcrowded"] == pytest.approx(expected)
    assert expected == pytest.approx(100 * 91 / 624)
    # England: (870,540 + 153,933) / 22,063,368 households
    assert spi.references.at["England", "overcrowded"] == pytest.approx(100 * 1_024_473 / 22_063_368)
    # bounds: utopia 0, dystopia = worst observed
    assert spi.bounds["overcrowded"] == (0.0, pytest.approx(spi.raw["overcrowded"].max()))
    assert spi.scores.at["E01003189", "overcrowded"] == pytest.approx(
        100 * (expected - spi.raw["overcrowded"].max()) / (0 - spi.raw["overcrowded"].max())
    )


def test_pca_weights_match_an_independent_svd(spi):
    cols = ["overcrowded", "severely_overcrowded", "fuel_poor"]
    z = spi.raw[cols].to_numpy()
    z = (z - z.mean(axis=0)) / z.std(axis=0, ddof=1)
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    v = np.abs(vt[0])
    assert list(spi.weights["shelter"].values()) == pytest.approx(list(v / v.sum()))
    assert sum(spi.weights["health_and_wellness"].values()) == pytest.approx(1.0)


def test_components_dimensions_and_index_recompute(spi):
    d = spi.definition
    area = "E01003237"
    for comp in d.components:
        w = np.array([spi.weights[comp.id][i] for i in comp.indicators])
        x = np.array([spi.scores.at[area, i] for i in comp.indicators])
        assert spi.scores.at[area, comp.id] == pytest.approx(float((w * x).sum()))
    dims = []
    for dim in d.dimensions:
        c = np.array([spi.scores.at[area, k.id] for k in dim.components])
        value = (np.mean(np.sqrt(c))) ** 2  # power mean, b = 0.5
        assert spi.scores.at[area, dim.id] == pytest.approx(value)
        dims.append(value)
    assert spi.scores.at[area, "index"] == pytest.approx(float(power_mean(np.array([dims]), 0.5)[0]))


def test_diagnostics_flag_the_weak_shelter_component(spi):
    shelter = spi.diagnostics["shelter"]
    health = spi.diagnostics["health_and_wellness"]
    assert shelter.indicators == 3 and shelter.areas == 169
    assert shelter.cronbach_alpha is not None and shelter.cronbach_alpha < 0.7
    assert [w.split(" ")[0] for w in shelter.warnings] == ["Cronbach's", "KMO"]
    assert health.cronbach_alpha is not None and health.cronbach_alpha > 0.9
    assert health.kmo is not None and health.kmo > 0.7
    assert health.warnings == []
    assert spi.diagnostics["access_to_basic_knowledge"].kmo == pytest.approx(0.5)


def test_agrees_with_the_imd(spi, shared_data):
    # An SPI built from outcomes alone should order Lewisham's LSOAs much as the IMD does (measured: 0.873).
    imd = pd.read_csv(shared_data / "geography/lewisham/lbl_imd_2019_lsoa11.csv", dtype={"LSOA11CD": str})
    idx = spi.values[spi.values["component"] == "index"].set_index("area_code")
    rho = (
        idx["rank"]
        .astype(float)
        .corr(imd.set_index("LSOA11CD").loc[idx.index, "IMD_rank"].astype(float), method="spearman")
    )
    assert rho >= 0.85


def test_report_and_vault(settings, tmp_path):
    built = build_report(settings, "lewisham-spi", tmp_path / "report")
    md_path, html_path, csv_path = built.report_files
    md = md_path.read_text(encoding="utf-8")
    assert built.rows == 169 * 22
    for ind in built.result.definition.indicators:
        assert f"| {ind} |" in md
    top = built.result.values.query("component == 'index' and rank == 1")["area_code"].item()
    assert "## Areas: Rank 1 to 10" in md and f"Worked example: {top}" in md
    assert "| Basic Human Needs | Shelter | pca | overcrowded " in md
    html = html_path.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and html.count("<table>") == md.count("\n|---|")
    values = pd.read_csv(csv_path, dtype={"area_code": str})
    assert len(values) == 169 * 22 and values.columns[:3].tolist() == ["index", "area_code", "area_name"]
    with Vault(settings.vault_path).connect(read_only=True) as con:
        stored = con.execute(
            "select count(*), count(distinct area_code), min(rank), max(rank) from index_values "
            "where \"index\" = 'lewisham-spi' and component = 'index'"
        ).fetchone()
        runs = con.execute("select count(*), max(areas) from index_runs").fetchone()
    assert stored == (169, 169, 1, 169)
    assert runs == (1, 169)
    assert math.isclose(built.result.index.max(), values.query("component == 'index'")["value"].max())
