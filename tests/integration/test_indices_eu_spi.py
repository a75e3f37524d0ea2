"""EU Social Progress Index 2020: EUspiR's worked examples, one test each, and the official normalisation."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from placehub.insight.indices.aggregation import anchor_to_national, power_mean, weighted_mean
from placehub.insight.indices.eu_spi import normalise_eu_table
from placehub.insight.indices.scaling import eu_spi_normalise, utopia_dystopia
from placehub.settings import get_settings

pytestmark = pytest.mark.shared_data

EXAMPLES = get_settings().shared_data / "indices/eu_spi2020_worked_examples.csv"


def _examples() -> list[dict[str, str]]:
    if not EXAMPLES.is_file():
        return [
            {
                "function": "missing",
                "case": "shared data absent",
                "inputs_json": "{}",
                "expected": "0",
                "tolerance": "0",
            }
        ]
    with EXAMPLES.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _compute(function: str, inputs: dict) -> float:
    if function.startswith("spi_normalisation"):
        uto, dys, inverted = inputs["uto_val"], inputs["dis_val"], inputs["inverted"]
        published = eu_spi_normalise(inputs["val"], dys, uto, inverted)
        ours = float(utopia_dystopia(inputs["val"], uto, dys))  # the engine's single formula
        assert ours == pytest.approx(published, abs=1e-12)
        return ours
    if function.startswith("spi_indicator_sum"):
        return float(weighted_mean(np.array([inputs["indicators"]], dtype=float))[0])
    if function.startswith("spi_component_sum"):
        return float(power_mean(np.array([inputs["components"]], dtype=float), inputs["b"])[0])
    if function.startswith("weighted_spi"):
        return float(
            anchor_to_national(
                np.array([inputs["region_value"]]),
                inputs["national_value"],
                inputs["population_weighted_mean_of_regions_implied"],
            )[0]
        )
    raise AssertionError(f"no rule for {function}")


@pytest.mark.parametrize(
    "example", _examples(), ids=lambda e: f"{e['function'].split('(')[0].strip()}:{e['case']}"
)
def test_worked_example(example, shared_data):
    value = _compute(example["function"], json.loads(example["inputs_json"]))
    # testthat's expect_equal tolerance is a relative difference (absolute when the target is 0)
    tol = float(example["tolerance"])
    assert value == pytest.approx(float(example["expected"]), rel=tol, abs=tol)


@pytest.mark.parametrize("level", ["regional", "national"])
def test_official_normalisation_reproduced(shared_data: Path, level: str):
    table = pd.read_csv(shared_data / "indices/eu_spi2020_normalisation.csv")
    raw = pd.read_csv(shared_data / f"indices/eu_spi2020_raw_{level}.csv", dtype=str)
    expected = pd.read_csv(shared_data / f"indices/eu_spi2020_normalised_{level}.csv", dtype=str)
    first = 3 if level == "regional" else 2
    ours = normalise_eu_table(raw, table, first)
    got = ours.iloc[:, first:].to_numpy(dtype=float)
    want = expected.iloc[:, first:].apply(pd.to_numeric).to_numpy(dtype=float)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    # the published values carry 7 significant digits
    assert np.allclose(got[ok], want[ok], rtol=1e-5, atol=1e-4)
    assert ok.sum() == (240 * 55 - 234 if level == "regional" else 27 * 55 - 2)
