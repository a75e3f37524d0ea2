"""Monte Carlo inference: simulated data sets under the null, p-values and recurrence intervals.

Null hypotheses, conditioned on the total number of cases as SaTScan does:
space-time permutation — the case dates are shuffled among the cases (every location keeps its cases, every
day its count); Poisson — the cases fall on (location, day) cells in proportion to the expected counts;
Bernoulli — the cases are a random subset of all individuals (cases and controls).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from placehub.insight.scan.settings import Model

BATCH_BYTES = 64_000_000  # simulated case arrays held at once (replications are scanned in parallel)


def simulated_batches(
    model: Model,
    cases: np.ndarray,
    weight: np.ndarray,
    replications: int,
    rng: np.random.Generator,
    batch: int | None = None,
) -> Iterator[np.ndarray]:
    """Yield arrays (replications, locations, days) of simulated case counts, as many at a time as fit in
    ``BATCH_BYTES`` (or ``batch``): each batch is one parallel region, so fewer batches wait less."""
    n_loc, n_days = cases.shape
    size = batch or max(1, BATCH_BYTES // (8 * n_loc * n_days))
    n_total = int(cases.sum())
    if model is Model.SPACE_TIME_PERMUTATION:
        loc_of_case = np.repeat(np.repeat(np.arange(n_loc), n_days), cases.ravel())
        day_of_case = np.repeat(np.tile(np.arange(n_days), n_loc), cases.ravel())
    flat_w = weight.ravel()
    done = 0
    while done < replications:
        b = min(size, replications - done)
        if model is Model.SPACE_TIME_PERMUTATION:
            days = np.stack([rng.permutation(day_of_case) for _ in range(b)])
            out = np.zeros((b, n_loc, n_days), dtype=np.int64)
            reps = np.repeat(np.arange(b), n_total)
            np.add.at(out, (reps, np.tile(loc_of_case, b), days.ravel()), 1)
        elif model is Model.POISSON:
            out = rng.multinomial(n_total, flat_w / flat_w.sum(), size=b).reshape(b, n_loc, n_days)
        else:
            individuals = flat_w.astype(np.int64)
            out = np.stack([rng.multivariate_hypergeometric(individuals, n_total) for _ in range(b)]).reshape(
                b, n_loc, n_days
            )
        done += b
        yield out.astype(np.int64, copy=False)


def p_value(llr: float, simulated: np.ndarray) -> float:
    """SaTScan's Monte Carlo p-value: rank / (R + 1), the observed statistic ranked among the simulated
    maxima (ties count against the cluster)."""
    if len(simulated) == 0:
        return float("nan")
    beaten = int(np.count_nonzero(simulated >= llr - 1e-9 * max(1.0, abs(llr))))
    return (beaten + 1) / (len(simulated) + 1)


def recurrence_interval_days(p: float, analysis_every_days: int = 1) -> float:
    """Prospective surveillance: with one analysis every ``analysis_every_days`` days, a cluster this unusual
    turns up by chance once in (interval / p) days."""
    return analysis_every_days / p


def describe_recurrence(days: float) -> str:
    """SaTScan's wording: whole days under a year, otherwise years with one decimal."""
    if days < 365:
        n = max(1, round(days))
        return f"{n} day" if n == 1 else f"{n} days"
    return f"{days / 365.25:.1f} years"
