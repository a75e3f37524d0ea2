"""Recursive bisection gives balanced, spatially compact groups."""

from __future__ import annotations

import random

import numpy as np

from placehub.demo.geography import bisect


def test_bisect_balances_weight_across_groups() -> None:
    rng = np.random.default_rng(1)
    points = rng.uniform(0, 1000, size=(6000, 2))
    weights = np.ones(len(points))
    labels = bisect(points, weights, 12, random.Random(1))
    sizes = np.bincount(labels, minlength=12)
    assert sorted(set(labels.tolist())) == list(range(12))
    assert sizes.min() >= 6000 / 12 * 0.75
    assert sizes.max() <= 6000 / 12 * 1.25


def test_bisect_with_one_group_labels_everything_zero() -> None:
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert bisect(points, np.ones(2), 1, random.Random(1)).tolist() == [0, 0]
