"""Indicator scaling: every method turns raw values into scores where higher is better.

- ``utopia_dystopia``: the Social Progress Index rescaling, 100 × (x − dystopia) / (utopia − dystopia). The
  utopia is the best value an area could have and the dystopia the worst; for an indicator where lower is
  better the utopia is simply the lower number, so one formula covers both directions (it equals the EU-SPI
  ``100 − 100 (x − uto) / (dys − uto)`` for inverted indicators). Not clipped unless asked.
- ``zscore``: (x − mean) / standard deviation (sample, n − 1), sign flipped when lower is better.
- ``rank``: 1 = worst … n = best, ties share their average rank.
- ``minmax``: 0 = worst observed, 100 = best observed.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Scaling(StrEnum):
    UTOPIA_DYSTOPIA = "utopia_dystopia"
    ZSCORE = "zscore"
    RANK = "rank"
    MINMAX = "minmax"


def utopia_dystopia(x: np.ndarray | float, utopia: float, dystopia: float) -> np.ndarray | float:
    """SPI rescaling to 0 (dystopia) … 100 (utopia); values beyond the bounds go below 0 or above 100."""
    if utopia == dystopia:
        raise ValueError("utopia and dystopia must differ")
    return 100.0 * (np.asarray(x, dtype=float) - dystopia) / (utopia - dystopia)


def eu_spi_normalise(value: float, dystopia: float, utopia: float, inverted: bool) -> float:
    """The EU-SPI 2020 formula exactly as published (``spi_normalisation`` in EUspiR), for checking."""
    if inverted:
        return 100.0 - 100.0 * (value - utopia) / (dystopia - utopia)
    return 100.0 * (value - dystopia) / (utopia - dystopia)


def observed_bounds(x: pd.Series, direction: Direction) -> tuple[float, float]:
    """(utopia, dystopia) = best and worst observed values."""
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    return (hi, lo) if direction is Direction.HIGHER_IS_BETTER else (lo, hi)


def zscore(x: pd.Series, direction: Direction) -> pd.Series:
    sign = 1.0 if direction is Direction.HIGHER_IS_BETTER else -1.0
    sd = x.std(ddof=1)
    if not sd or np.isnan(sd):
        raise ValueError("z-scores need at least two different values")
    return sign * (x - x.mean()) / sd


def rank_scale(x: pd.Series, direction: Direction) -> pd.Series:
    return x.rank(method="average", ascending=direction is Direction.HIGHER_IS_BETTER, na_option="keep")


def minmax(x: pd.Series, direction: Direction) -> pd.Series:
    utopia, dystopia = observed_bounds(x, direction)
    return pd.Series(utopia_dystopia(x.to_numpy(), utopia, dystopia), index=x.index)
