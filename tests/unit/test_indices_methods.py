"""Scaling, weights, diagnostics, aggregation and the IMD transformation, against values worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from placehub.insight.indices.aggregation import anchor_to_national, power_mean, weighted_mean
from placehub.insight.indices.diagnostics import cronbach_alpha, diagnose, kmo, kmo_from_correlation
from placehub.insight.indices.imd import combine, deciles, exponential_transform
from placehub.insight.indices.scaling import (
    Direction,
    eu_spi_normalise,
    minmax,
    observed_bounds,
    rank_scale,
    utopia_dystopia,
    zscore,
)
from placehub.insight.indices.weights import pca_weights

# Three orthogonal, zero-mean columns: a = (1, 1, -1, -1), b = (1, -1, 1, -1), c = (1, -1, -1, 1).
A = np.array([1.0, 1, -1, -1])
B = np.array([1.0, -1, 1, -1])
C = np.array([1.0, -1, -1, 1])


def test_utopia_dystopia_both_directions():
    # higher is better: utopia 100, dystopia 20 → 60 sits half way
    assert utopia_dystopia(60.0, 100.0, 20.0) == 50.0
    # lower is better: utopia 0, dystopia 40 → 10 is three quarters of the way to utopia
    assert utopia_dystopia(10.0, 0.0, 40.0) == 75.0
    # beyond the bounds is not clipped
    assert utopia_dystopia(50.0, 0.0, 40.0) == -25.0


def test_single_formula_equals_eu_inverted_formula():
    for value, uto, dys in [(36.0, 24.0, 72.0), (81.0, 0.0, 100.0), (5.5, 1.0, 12.0)]:
        assert utopia_dystopia(value, uto, dys) == pytest.approx(
            eu_spi_normalise(value, dys, uto, True), abs=1e-12
        )


def test_observed_bounds_zscore_rank_minmax():
    x = pd.Series([2.0, 4.0, 6.0, 8.0])
    assert observed_bounds(x, Direction.LOWER_IS_BETTER) == (2.0, 8.0)
    assert observed_bounds(x, Direction.HIGHER_IS_BETTER) == (8.0, 2.0)
    # mean 5, sample sd = sqrt(20/3)
    sd = math.sqrt(20 / 3)
    assert zscore(x, Direction.LOWER_IS_BETTER).tolist() == pytest.approx([3 / sd, 1 / sd, -1 / sd, -3 / sd])
    assert rank_scale(pd.Series([5.0, 1.0, 5.0, 3.0]), Direction.HIGHER_IS_BETTER).tolist() == [
        3.5,
        1.0,
        3.5,
        2.0,
    ]
    assert minmax(x, Direction.LOWER_IS_BETTER).tolist() == pytest.approx([100.0, 200 / 3, 100 / 3, 0.0])


def test_pca_weights_on_a_tiny_matrix():
    # x1 = a, x2 = a + b, x3 = c: corr(x1, x2) = 1/√2, x3 uncorrelated with both.
    # First eigenvalue 1 + 1/√2 with eigenvector (1, 1, 0)/√2: loadings √((1 + 1/√2)/2) = 0.92388, 0.92388, 0;
    # weights 0.5, 0.5, 0; explained variance (1 + 1/√2)/3.
    m = np.column_stack([A, A + B, C])
    w = pca_weights(m)
    r = 1 / math.sqrt(2)
    assert w.eigenvalue == pytest.approx(1 + r)
    assert w.loadings == pytest.approx([math.sqrt((1 + r) / 2), math.sqrt((1 + r) / 2), 0.0], abs=1e-12)
    assert w.weights == pytest.approx([0.5, 0.5, 0.0], abs=1e-12)
    assert w.explained == pytest.approx((1 + r) / 3)


def test_pca_weights_sign_is_positive_and_unequal():
    # x1 = a, x2 = a + b, x3 = a + 2c: corr(x1,x2) = 1/√2, corr(x1,x3) = 1/√5, corr(x2,x3) = 1/√10.
    m = np.column_stack([A, A + B, A + 2 * C])
    r = np.corrcoef(m, rowvar=False)
    assert r[0, 1] == pytest.approx(1 / math.sqrt(2))
    assert r[0, 2] == pytest.approx(1 / math.sqrt(5))
    values, vectors = np.linalg.eigh(r)
    v = np.abs(vectors[:, -1])
    w = pca_weights(-m)  # flipping every column does not flip the weights
    assert w.weights == pytest.approx(v / v.sum())
    assert w.weights[0] > w.weights[1] > w.weights[2] > 0


def test_cronbach_alpha_by_hand():
    # items (1,2,3,4) and (2,1,4,3): item variances 5/3 each, total (3,3,7,7) variance 16/3 → α = 2(1 − 10/16)
    assert cronbach_alpha(np.array([[1, 2], [2, 1], [3, 4], [4, 3]])) == pytest.approx(0.75)
    # parallel items: α = 1
    assert cronbach_alpha(np.array([[1, 2], [2, 3], [3, 4]])) == pytest.approx(1.0)


def test_kmo_by_hand():
    # Equicorrelation 0.5 for three indicators: inverse has 1.5 on the diagonal and −0.5 off it, so every
    # partial correlation is 1/3; KMO = 6(0.25) / (6(0.25) + 6/9) = 9/13.
    r = np.full((3, 3), 0.5)
    np.fill_diagonal(r, 1.0)
    overall, per = kmo_from_correlation(r)
    assert overall == pytest.approx(9 / 13)
    assert per == pytest.approx([9 / 13] * 3)
    # Two indicators: the partial correlation equals the correlation, KMO = 0.5 whatever r is.
    assert kmo(np.column_stack([A, A + B]))[0] == pytest.approx(0.5)


def test_diagnose_reports_and_warns():
    d = diagnose(np.column_stack([A, A + B, C]), ["x1", "x2", "x3"])
    assert (d.indicators, d.areas) == (3, 4)
    assert d.min_correlation == pytest.approx(0.0, abs=1e-12)
    assert d.loadings["x3"] == pytest.approx(0.0, abs=1e-12)
    assert d.cronbach_alpha is not None and d.cronbach_alpha < 0.7
    assert d.warnings[0].startswith("Cronbach's alpha")


def test_power_and_weighted_means():
    v = np.array([[24.0, 90.0, 85.0], [4.0, 16.0, np.nan]])
    expected = ((24**0.5 + 90**0.5 + 85**0.5) / 3) ** 2
    assert power_mean(v, 0.5)[0] == pytest.approx(expected)
    assert power_mean(v, 0.5)[1] == pytest.approx(9.0)  # ((2 + 4) / 2)² with the missing value skipped
    assert weighted_mean(v, np.array([0.5, 0.25, 0.25]))[0] == pytest.approx(12 + 22.5 + 21.25)
    assert power_mean(np.array([[2.0, 8.0]]), 0.0)[0] == pytest.approx(4.0)  # geometric mean
    with pytest.raises(ValueError, match="non-negative"):
        power_mean(np.array([[-1.0, 4.0]]), 0.5)


def test_anchor_to_national():
    assert anchor_to_national(np.array([70.0, 50.0]), 60.0, 64.0).tolist() == [66.0, 46.0]


def test_imd_exponential_transform_and_combination():
    n = 4
    x = exponential_transform(np.array([1, 2, 3, 4]), n)
    k = 1 - math.exp(-100 / 23)
    assert x[0] == pytest.approx(100.0)  # most deprived
    assert x[3] == pytest.approx(-23 * math.log(1 - 0.25 * k))  # least deprived: R = 1/n
    ranks = pd.DataFrame({"a": [1, 2, 3, 4], "b": [4, 3, 2, 1]})
    out = combine(ranks, {"a": 60.0, "b": 40.0})
    assert out["score"].tolist() == pytest.approx(
        [0.6 * x[0] + 0.4 * x[3], 0.6 * x[1] + 0.4 * x[2], 0.6 * x[2] + 0.4 * x[1], 0.6 * x[3] + 0.4 * x[0]]
    )
    # X = 100, 31.0, 15.7, 6.5: the exponential scale lets deep deprivation in one domain dominate, so area 4
    # (least deprived on a, most on b: 43.9) ranks above areas 2 (24.9) and 3 (21.8).
    assert out["score"].round(1).tolist() == [62.6, 24.9, 21.8, 43.9]
    assert out["rank"].tolist() == [1, 3, 4, 2]
    assert deciles(np.array([1, 2, 3, 4]), 4).tolist() == [3, 5, 8, 10]
