"""Log likelihood ratios, p-values, recurrence intervals and SaTScan number formatting, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from placehub.insight.scan import (
    Analysis,
    Model,
    ScanSettings,
    ScanSettingsError,
    describe_recurrence,
    p_value,
)
from placehub.insight.scan.kernels import bernoulli_llr, poisson_llr
from placehub.insight.scan.results import satscan_number


def test_poisson_form_llr_by_hand() -> None:
    # 8 cases where 3 are expected, 12 in all: 8 ln(8/3) + 4 ln(4/9)
    assert poisson_llr(8.0, 3.0, 12.0) == pytest.approx(7.846634 - 3.243721, abs=1e-6)
    assert round(poisson_llr(8.0, 3.0, 12.0), 6) == 4.602913


def test_space_time_permutation_llr_of_published_cluster() -> None:
    # NYCfever retrospective cluster 1: 5 cases, expected N_Z N_D / N = 77 / 194 (EXPECTED.md), LLR 8.119521
    assert round(poisson_llr(5.0, 77 / 194, 194.0), 6) == 8.119521


def test_all_cases_inside_has_no_outside_term() -> None:
    assert poisson_llr(5.0, 2.0, 5.0) == pytest.approx(5 * math.log(2.5))


def test_bernoulli_llr_by_hand() -> None:
    # 4 of 5 individuals are cases inside, 1 of 5 outside (C = 5, N = 10):
    # 8 ln 0.8 + 2 ln 0.2 - 10 ln 0.5 = 1.927448
    assert round(bernoulli_llr(4.0, 5.0, 5.0, 10.0), 6) == 1.927448
    # 3 of 4 inside, 2 of 8 outside (C = 5, N = 12); 40-digit Decimal arithmetic gives 1.4022974565
    assert round(bernoulli_llr(3.0, 4.0, 5.0, 12.0), 6) == 1.402297


def test_p_value_is_rank_over_replications_plus_one() -> None:
    sims = np.array([6.0, 5.0, 4.0, 1.0])
    assert p_value(5.0, sims) == 3 / 5  # two simulated maxima reach 5 (ties count against)
    assert p_value(7.0, sims) == 1 / 5
    assert p_value(0.5, sims) == 1.0


@pytest.mark.parametrize(
    ("days", "text"),
    [(1 / 0.355, "3 days"), (1 / 0.979, "1 day"), (330.0, "330 days"), (1000.0, "2.7 years")],
)
def test_recurrence_interval_wording(days: float, text: str) -> None:
    assert describe_recurrence(days) == text


@pytest.mark.parametrize(
    ("value", "text"), [(12.125, "12.13"), (77 / 194, "0.40"), (14 / 194, "0.072"), (5.0, "5.00")]
)
def test_numbers_printed_as_satscan_prints_them(value: float, text: str) -> None:
    assert satscan_number(value) == text


def test_temporal_window_limits() -> None:
    assert ScanSettings().max_window_days(24) == 12
    assert ScanSettings().max_window_days(25) == 12
    assert ScanSettings(max_temporal_days=7).max_window_days(24) == 7
    assert ScanSettings(model=Model.POISSON, analysis=Analysis.PURELY_SPATIAL).max_window_days(24) == 24


def test_invalid_settings_are_all_named() -> None:
    with pytest.raises(ScanSettingsError) as err:
        ScanSettings(max_spatial_share=0.7, min_cases=0, analysis=Analysis.PURELY_SPATIAL)
    assert str(err.value) == (
        "Scan settings are not valid:\n"
        "  * max_spatial_share must be in (0, 0.5], got 0.7\n"
        "  * min_cases must be at least 1, got 0\n"
        "  * the space-time permutation model needs a space-time analysis, not purely spatial"
    )


def test_settings_round_trip_through_json() -> None:
    s = ScanSettings(model=Model.BERNOULLI, analysis=Analysis.PROSPECTIVE, max_radius_km=0.5, seed=3)
    assert ScanSettings.from_json(s.to_json()) == s
    assert s.to_json()["model"] == "bernoulli"
