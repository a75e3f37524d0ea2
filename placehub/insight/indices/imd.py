"""The English Indices of Deprivation method: combine domain ranks into the IMD.

Each domain rank (1 = most deprived of N) is turned into a score on an exponential scale,
X = −23 ln(1 − R (1 − e^(−100/23))) with R = (N + 1 − rank) / N (so R = 1/N for the least deprived area and
1 for the most deprived), which spreads the deprived end from 0 to 100 and stops deprivation in one domain
being cancelled by affluence in another. The IMD score is the weighted sum of the domain scores (2019 weights:
income 22.5%, employment 22.5%, education 13.5%, health 13.5%, crime 9.3%, barriers to housing and services
9.3%, living environment 9.3%), ranked again (1 = highest score = most deprived); decile = ⌈10 · rank / N⌉.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

IMD2019_WEIGHTS = {
    "income": 22.5,
    "employment": 22.5,
    "education": 13.5,
    "health": 13.5,
    "crime": 9.3,
    "housing_and_access": 9.3,
    "environment": 9.3,
}


def exponential_transform(rank: np.ndarray, n: int | None = None) -> np.ndarray:
    """Domain rank (1 = most deprived) → exponentially distributed score 0 … 100 (100 = most deprived)."""
    r = np.asarray(rank, dtype=float)
    n = int(n if n is not None else len(r))
    big_r = (n + 1 - r) / n
    return -23.0 * np.log(1.0 - big_r * (1.0 - np.exp(-100.0 / 23.0)))


def rank_descending(score: np.ndarray) -> np.ndarray:
    """1 = highest score; exact ties keep their input order."""
    return pd.Series(-np.asarray(score, dtype=float)).rank(method="first").to_numpy().astype(int)


def deciles(rank: np.ndarray, n: int | None = None) -> np.ndarray:
    r = np.asarray(rank, dtype=int)
    n = int(n if n is not None else len(r))
    return np.ceil(10 * r / n).astype(int)


def combine(domain_ranks: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """IMD-style score, rank and decile from a frame of domain ranks (columns = weight keys)."""
    missing = [k for k in weights if k not in domain_ranks.columns]
    if missing:
        raise ValueError(f"domain ranks missing for {missing}")
    n = len(domain_ranks)
    score = np.zeros(n)
    for domain, w in weights.items():  # weights in percent (the 2019 ones add up to 99.9)
        score += (w / 100.0) * exponential_transform(domain_ranks[domain].to_numpy(), n)
    rank = rank_descending(score)
    return pd.DataFrame({"score": score, "rank": rank, "decile": deciles(rank, n)}, index=domain_ranks.index)
