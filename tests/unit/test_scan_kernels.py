"""The compiled search skips windows and circles it can prove cannot win; check it against brute force."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from placehub.insight.scan import Analysis, Coordinates, Model, ScanData, ScanSettings, engine, kernels
from placehub.insight.scan.montecarlo import simulated_batches


def _data(seed: int) -> ScanData:
    rng = np.random.default_rng(seed)
    n, days = 14, 12
    cases = rng.poisson(0.6, size=(n, days))
    cases[3, 8:11] += 3  # a small outbreak
    return ScanData(
        location_ids=tuple(f"L{i}" for i in range(n)),
        coords=rng.uniform(0, 10, size=(n, 2)),
        coordinates=Coordinates.CARTESIAN,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 1, days),
        cases=cases,
        population=rng.uniform(50, 150, size=n),
        controls=rng.poisson(4, size=(n, days)),
    )


def _llr(model: Model, c: float, m: float, n_total: float, total_weight: float) -> float:
    """Textbook formulas, written out again (no shared code with the kernels)."""

    def xlx(a: float, b: float) -> float:
        return 0.0 if a <= 0 else a * math.log(a / b)

    if model is Model.BERNOULLI:
        if c / m <= (n_total - c) / (total_weight - m):
            return 0.0
        inside = xlx(c, m) + xlx(m - c, m)
        outside = xlx(n_total - c, total_weight - m) + xlx(total_weight - m - n_total + c, total_weight - m)
        return inside + outside - xlx(n_total, total_weight) - xlx(total_weight - n_total, total_weight)
    if c <= m:
        return 0.0
    return xlx(c, m) + xlx(n_total - c, n_total - m)


def brute_force_best(prep: engine.Prepared, cases: np.ndarray, model: Model) -> np.ndarray:
    """Each centre's best LLR over every circle and every allowed window, by direct evaluation."""
    n_total = int(cases.sum())
    days = cases.shape[1]
    day_tot = cases.sum(axis=0)
    w = prep.windows
    best = np.zeros(len(w.ptr) - 1)
    first_end = days - 1 if prep.prospective else prep.min_len - 1
    for c in range(len(best)):
        nb = w.order[w.ptr[c] : w.ptr[c + 1]]
        for k in range(1, len(nb) + 1):
            inside = nb[:k]
            for e in range(first_end, days):
                for s in range(max(0, e - prep.max_len + 1), e - prep.min_len + 2):
                    obs = int(cases[inside, s : e + 1].sum())
                    if obs < prep.min_cases:
                        continue
                    if model is Model.SPACE_TIME_PERMUTATION:
                        m = cases[inside].sum() * day_tot[s : e + 1].sum() / n_total
                    else:
                        m = prep.weight[inside, s : e + 1].sum()
                    best[c] = max(best[c], _llr(model, obs, m, n_total, prep.total_weight))
    return best


CASES = [
    (Model.SPACE_TIME_PERMUTATION, Analysis.RETROSPECTIVE, 1),
    (Model.SPACE_TIME_PERMUTATION, Analysis.PROSPECTIVE, 1),
    (Model.SPACE_TIME_PERMUTATION, Analysis.RETROSPECTIVE, 2),
    (Model.POISSON, Analysis.RETROSPECTIVE, 1),
    (Model.POISSON, Analysis.PROSPECTIVE, 1),
    (Model.BERNOULLI, Analysis.RETROSPECTIVE, 1),
    (Model.BERNOULLI, Analysis.PURELY_SPATIAL, 1),
]


@pytest.mark.parametrize(("model", "analysis", "min_days"), CASES)
def test_each_centre_best_matches_brute_force(model: Model, analysis: Analysis, min_days: int) -> None:
    for seed in (1, 2):
        data = _data(seed)
        settings = ScanSettings(model=model, analysis=analysis, min_temporal_days=min_days, replications=0)
        prep = engine.prepare(data, settings)
        llr, *_ = kernels.scan_centres(prep.cases, *prep.kernel_args())
        assert llr == pytest.approx(brute_force_best(prep, prep.cases, model), abs=1e-9)


@pytest.mark.parametrize(("model", "analysis", "min_days"), CASES[:4])
def test_simulated_maxima_match_brute_force(model: Model, analysis: Analysis, min_days: int) -> None:
    data = _data(3)
    settings = ScanSettings(
        model=model, analysis=analysis, min_temporal_days=min_days, replications=5, seed=9
    )
    prep = engine.prepare(data, settings)
    batch = next(simulated_batches(model, prep.cases, prep.weight, 5, np.random.default_rng(9)))
    sims = kernels.simulate_max(batch, *prep.kernel_args())
    expected = [brute_force_best(prep, batch[r], model).max() for r in range(5)]
    assert sims == pytest.approx(expected, abs=1e-9)
