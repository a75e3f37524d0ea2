"""Reliability and sampling-adequacy checks per component (as reported in SPI methodology notes).

- Cronbach's alpha: do the indicators measure one thing? α = k/(k−1) · (1 − Σ var(item) / var(Σ items)),
  sample variances; above 0.7 is the usual bar.
- Kaiser–Meyer–Olkin (KMO): is the correlation structure fit for PCA? Σ r² / (Σ r² + Σ p²) over pairs i ≠ j,
  with p the partial correlations from the inverse correlation matrix; above 0.5 is acceptable. With two
  indicators KMO is always 0.5 (the partial correlation equals the correlation), so it says nothing there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placehub.insight.indices.weights import correlation, first_component


def cronbach_alpha(matrix: np.ndarray) -> float:
    m = np.asarray(matrix, dtype=float)
    m = m[~np.isnan(m).any(axis=1)]
    k = m.shape[1]
    if k < 2:
        raise ValueError("Cronbach's alpha needs at least two indicators")
    item_var = m.var(axis=0, ddof=1).sum()
    total_var = m.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1.0 - item_var / total_var))


def partial_correlations(r: np.ndarray) -> np.ndarray:
    s = np.linalg.pinv(r)
    d = np.sqrt(np.outer(np.diag(s), np.diag(s)))
    p = -s / d
    np.fill_diagonal(p, 1.0)
    return p


def kmo_from_correlation(r: np.ndarray) -> tuple[float, np.ndarray]:
    """(overall KMO, per-indicator MSA) from a correlation matrix."""
    r = np.asarray(r, dtype=float)
    p = partial_correlations(r)
    off = ~np.eye(r.shape[0], dtype=bool)
    r2 = np.where(off, r**2, 0.0)
    p2 = np.where(off, p**2, 0.0)
    overall = r2.sum() / (r2.sum() + p2.sum())
    with np.errstate(invalid="ignore", divide="ignore"):  # an uncorrelated indicator has no MSA (0/0)
        per = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    return float(overall), per


def kmo(matrix: np.ndarray) -> tuple[float, np.ndarray]:
    return kmo_from_correlation(correlation(matrix))


@dataclass(frozen=True)
class ComponentDiagnostics:
    indicators: int
    areas: int  # complete rows used
    cronbach_alpha: float | None
    kmo: float | None
    kmo_per_indicator: dict[str, float]
    explained: float | None  # first principal component's share of variance
    loadings: dict[str, float]
    min_correlation: float | None

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.cronbach_alpha is not None and self.cronbach_alpha < 0.7:
            out.append(
                f"Cronbach's alpha {self.cronbach_alpha:.2f} < 0.70: indicators may not measure one thing"
            )
        if self.kmo is not None and self.indicators > 2 and self.kmo < 0.5:
            out.append(f"KMO {self.kmo:.2f} < 0.50: correlations unsuitable for PCA weights")
        if any(v < 0 for v in self.loadings.values()):
            out.append("an indicator loads negatively on the first component: check its direction")
        return out


def diagnose(matrix: np.ndarray, names: list[str]) -> ComponentDiagnostics:
    m = np.asarray(matrix, dtype=float)
    complete = m[~np.isnan(m).any(axis=1)]
    if m.shape[1] < 2:
        return ComponentDiagnostics(m.shape[1], len(complete), None, None, {}, None, {}, None)
    r = correlation(m)
    overall, per = kmo_from_correlation(r)
    loadings, _, explained = first_component(m)
    off = r[~np.eye(r.shape[0], dtype=bool)]
    return ComponentDiagnostics(
        indicators=m.shape[1],
        areas=len(complete),
        cronbach_alpha=cronbach_alpha(m),
        kmo=overall,
        kmo_per_indicator=dict(zip(names, map(float, per), strict=True)),
        explained=explained,
        loadings=dict(zip(names, map(float, loadings), strict=True)),
        min_correlation=float(off.min()),
    )
