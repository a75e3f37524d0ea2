"""Aggregation: indicators → component → dimension → index.

The generalised (power) mean M_b = (Σ wᵢ xᵢᵇ)^(1/b) with weights summing to one: b = 1 is the arithmetic mean
(the global SPI), b = 0.5 the EU-SPI's choice (it penalises unbalanced progress: a low component is not fully
offset by a high one), b → 0 the geometric mean. Missing values are skipped and the weights of the rest
re-scaled, as the EU-SPI does for missing indicators.
"""

from __future__ import annotations

import numpy as np


def weighted_mean(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Row-wise weighted arithmetic mean of an (areas × parts) array, skipping NaN."""
    return power_mean(values, 1.0, weights)


def power_mean(values: np.ndarray, b: float, weights: np.ndarray | None = None) -> np.ndarray:
    """Row-wise weighted power mean of order ``b`` of an (areas × parts) array, skipping NaN."""
    v = np.atleast_2d(np.asarray(values, dtype=float))
    w = np.ones(v.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    present = ~np.isnan(v)
    wm = np.where(present, w, 0.0)
    total = wm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        wn = wm / total[:, None]
        vz = np.where(present, v, 1.0)
        if b != 1.0 and np.any(vz < 0):
            raise ValueError(f"a power mean of order {b} needs non-negative values: clip the scores at 0")
        out = np.exp((wn * np.log(vz)).sum(axis=1)) if b == 0 else (wn * vz**b).sum(axis=1) ** (1.0 / b)
    return np.where(total > 0, out, np.nan)


def anchor_to_national(region: np.ndarray, national: float, regional_mean: float) -> np.ndarray:
    """EU-SPI regional anchoring: region + national − (population-weighted mean of the country's regions)."""
    return np.asarray(region, dtype=float) + national - regional_mean


def population_weighted_mean(values: np.ndarray, population: np.ndarray) -> float:
    v, p = np.asarray(values, dtype=float), np.asarray(population, dtype=float)
    return float((v * p).sum() / p.sum())
