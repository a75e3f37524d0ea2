"""Indicator weights within a component.

The Social Progress Index weights each indicator by its loading on the first principal component of the
component's indicators (PCA on the correlation matrix), scaled so the weights sum to one: indicators that
carry more of the shared signal count for more. Fixed weights (a council's choice) and equal weights work too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PcaWeights:
    weights: np.ndarray  # sum to 1
    loadings: np.ndarray  # eigenvector × √eigenvalue, signed so they sum positive
    eigenvalue: float
    explained: float  # share of total variance the first component explains


def correlation(matrix: np.ndarray) -> np.ndarray:
    """Pearson correlation of the columns (rows with any missing value dropped)."""
    m = np.asarray(matrix, dtype=float)
    m = m[~np.isnan(m).any(axis=1)]
    if m.shape[0] < 3:
        raise ValueError("at least three complete rows are needed for correlations")
    if np.any(m.std(axis=0) == 0):
        raise ValueError("an indicator has the same value everywhere: it cannot be weighted by PCA")
    return np.corrcoef(m, rowvar=False)


def first_component(matrix: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(loadings, eigenvalue, variance share) of the first principal component of the correlation matrix.

    Loadings are eigenvector × √eigenvalue, signed so that they sum to a non-negative number."""
    r = correlation(matrix)
    values, vectors = np.linalg.eigh(r)  # ascending eigenvalues
    lam, v = float(values[-1]), vectors[:, -1]
    loadings = v * np.sqrt(lam)
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, lam, lam / r.shape[0]


def pca_weights(matrix: np.ndarray) -> PcaWeights:
    """First-principal-component weights of the columns of ``matrix`` (areas × indicators)."""
    loadings, lam, explained = first_component(matrix)
    if loadings.sum() < 1e-9 * np.abs(loadings).sum():
        raise ValueError("the first component's loadings cancel out (indicators pull in opposite directions)")
    return PcaWeights(loadings / loadings.sum(), loadings, lam, explained)


def equal_weights(k: int) -> np.ndarray:
    return np.full(k, 1.0 / k)


def normalise_weights(weights: np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return w / w.sum()
