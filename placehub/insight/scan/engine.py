"""Run a scan: windows, the search on the real data, secondary clusters, Monte Carlo p-values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from placehub.insight.scan import kernels
from placehub.insight.scan.data import ScanData, ScanDataError
from placehub.insight.scan.montecarlo import p_value, recurrence_interval_days, simulated_batches
from placehub.insight.scan.results import Cluster, ScanResult
from placehub.insight.scan.settings import Analysis, Model, ScanSettings, SecondaryClusters
from placehub.insight.scan.windows import Windows, build_windows

MAX_RANKED_CLUSTERS = 500  # SaTScan keeps at most this many clusters when ranking secondary clusters

_MODEL_CODE = {
    Model.SPACE_TIME_PERMUTATION: kernels.SPACE_TIME_PERMUTATION,
    Model.POISSON: kernels.POISSON,
    Model.BERNOULLI: kernels.BERNOULLI,
}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Prepared:
    """Everything the compiled search needs, computed once per scan."""

    cases: np.ndarray
    weight: np.ndarray
    model: int
    n_total: int
    total_weight: float
    windows: Windows
    loc_cases: np.ndarray
    day_prefix: np.ndarray
    max_len: int
    min_len: int
    prospective: bool
    min_cases: int
    xlnx: np.ndarray
    lnk: np.ndarray

    def kernel_args(self) -> tuple:
        w = self.windows
        return (
            self.weight, self.model, self.n_total, self.total_weight, w.grow_ptr, w.grow_loc, w.grow_size,
            self.loc_cases, self.day_prefix, self.max_len, self.min_len, self.prospective, self.min_cases,
            self.xlnx, self.lnk,
        )  # fmt: skip


def prepare(data: ScanData, settings: ScanSettings) -> Prepared:
    """Check the data fits the model and lay it out for the kernels."""
    cases = data.cases.astype(np.int64)
    n_total = int(cases.sum())
    if n_total == 0:
        raise ScanDataError("There are no cases in the study period: nothing to scan.")
    model = settings.model
    if model is Model.POISSON:
        if data.population is None:
            raise ScanDataError("The Poisson model needs a population for every location (a .pop file).")
        pop = data.population.astype(float)
        if pop.sum() <= 0:
            raise ScanDataError("The population file gives a total population of zero.")
        no_pop = [data.location_ids[i] for i in np.flatnonzero((pop <= 0) & (cases.sum(axis=1) > 0))]
        if no_pop:
            raise ScanDataError(
                f"{len(no_pop)} location(s) have cases but no population: {', '.join(no_pop[:10])}"
            )
        # Population constant over the study period: expected cases spread evenly over its days.
        weight = np.repeat((n_total * pop / pop.sum() / cases.shape[1])[:, None], cases.shape[1], axis=1)
        spatial_weight = pop
    elif model is Model.BERNOULLI:
        if data.controls is None:
            raise ScanDataError("The Bernoulli model needs controls (a .ctl file).")
        weight = (cases + data.controls).astype(float)
        spatial_weight = weight.sum(axis=1)
    else:
        weight = np.zeros((1, 1))
        spatial_weight = cases.sum(axis=1).astype(float)
    if settings.analysis is Analysis.PURELY_SPATIAL:
        cases = cases.sum(axis=1, keepdims=True)
        if model is not Model.SPACE_TIME_PERMUTATION:
            weight = weight.sum(axis=1, keepdims=True)
    n_days = cases.shape[1]
    windows = build_windows(
        data.coords, data.coordinates, spatial_weight, settings.max_spatial_share, settings.max_radius_km
    )
    day_prefix = np.concatenate([[0], np.cumsum(cases.sum(axis=0))]).astype(np.int64)
    xlnx, lnk = kernels.log_tables(n_total)
    max_len = settings.max_window_days(n_days)
    min_len = min(settings.min_temporal_days, max_len)
    return Prepared(
        cases=cases,
        weight=np.ascontiguousarray(weight),
        model=_MODEL_CODE[model],
        n_total=n_total,
        total_weight=float(weight.sum()) if model is Model.BERNOULLI else float(n_total),
        windows=windows,
        loc_cases=cases.sum(axis=1).astype(np.int64),
        day_prefix=day_prefix,
        max_len=max_len,
        min_len=min_len,
        prospective=settings.analysis is Analysis.PROSPECTIVE,
        min_cases=settings.min_cases,
        xlnx=xlnx,
        lnk=lnk,
    )


@dataclass(frozen=True)
class Candidate:
    centre: int
    llr: float
    size: int  # locations in the circle
    first: int
    last: int
    observed: int
    expected: float


def candidates(prep: Prepared) -> list[Candidate]:
    """Each centre's best window, ranked as SaTScan ranks them: LLR descending; equal LLRs (to 1e-9) put the
    cluster with fewer locations first, then the lower centre index."""
    llr, step, first, last, obs, mexp = kernels.scan_centres(prep.cases, *prep.kernel_args())
    w = prep.windows
    found = [
        Candidate(
            c,
            float(llr[c]),
            int(w.grow_size[step[c]]),
            int(first[c]),
            int(last[c]),
            int(obs[c]),
            float(mexp[c]),
        )  # fmt: skip
        for c in range(len(llr))
        if step[c] >= 0 and llr[c] > 0
    ]
    found.sort(key=lambda k: (-round(k.llr, 9), k.size, k.centre))
    return found


def secondary(prep: Prepared, ranked: list[Candidate], criterion: SecondaryClusters) -> list[Candidate]:
    """Keep clusters in rank order; with "no geographical overlap" drop any cluster sharing a location with
    one already kept."""
    keep_at_most = min(len(prep.windows.ptr) - 1, MAX_RANKED_CLUSTERS)
    kept: list[Candidate] = []
    used: set[int] = set()
    w = prep.windows
    for cand in ranked:
        if len(kept) >= keep_at_most:
            break
        locs = set(w.order[w.ptr[cand.centre] : w.ptr[cand.centre] + cand.size].tolist())
        if criterion is SecondaryClusters.NO_GEOGRAPHICAL_OVERLAP and locs & used:
            continue
        kept.append(cand)
        used |= locs
    return kept


def simulate(
    prep: Prepared, settings: ScanSettings, top_llr: float, progress: Progress | None = None
) -> np.ndarray:
    """Maximum LLR of each replication. With ``early_stop`` = h the run ends as soon as the most likely
    cluster's p-value is certain to be at least h / (R + 1): once h - 1 simulated maxima reach its LLR
    (sequential Monte Carlo; SaTScan's 50/141 for NYCfever's prospective run has this form)."""
    rng = np.random.default_rng(settings.seed)
    model = settings.model
    sims: list[np.ndarray] = []
    beaten = 0
    done = 0
    # Sequential Monte Carlo checks after each batch: keep batches small enough to stop early.
    size = 100 if settings.early_stop else None
    for batch in simulated_batches(model, prep.cases, prep.weight, settings.replications, rng, size):
        out = kernels.simulate_max(batch, *prep.kernel_args())
        if settings.early_stop:
            hits = np.cumsum(out >= top_llr - 1e-9 * max(1.0, abs(top_llr)))
            if beaten + hits[-1] >= settings.early_stop - 1:
                cut = int(np.argmax(beaten + hits >= settings.early_stop - 1)) + 1
                sims.append(out[:cut])
                done += cut
                if progress:
                    progress(done, settings.replications)
                break
            beaten += int(hits[-1])
        sims.append(out)
        done += len(out)
        if progress:
            progress(done, settings.replications)
    return np.concatenate(sims) if sims else np.zeros(0)


def run_scan(data: ScanData, settings: ScanSettings, progress: Progress | None = None) -> ScanResult:
    """Scan ``data`` for high-rate clusters with ``settings``; p-values from ``settings.replications``
    Monte Carlo replications (seeded, so a run can be repeated exactly)."""
    prep = prepare(data, settings)
    ranked = candidates(prep)
    kept = secondary(prep, ranked, settings.secondary)
    top = kept[0].llr if kept else 0.0
    sims = simulate(prep, settings, top, progress) if settings.replications and kept else np.zeros(0)
    w = prep.windows
    clusters = []
    for rank, cand in enumerate(kept, start=1):
        p = p_value(cand.llr, sims)
        if len(sims) and p >= 1.0:
            # SaTScan reports no cluster whose LLR every simulated maximum reaches.
            break
        locs = w.order[w.ptr[cand.centre] : w.ptr[cand.centre] + cand.size]
        if settings.analysis is Analysis.PURELY_SPATIAL:
            first, last = data.start, data.end
        else:
            first, last = data.day(cand.first), data.day(cand.last)
        expected = cand.expected
        if settings.model is Model.BERNOULLI:  # the kernel tracks individuals; report expected cases
            expected = cand.expected * prep.n_total / prep.total_weight
        recurrence = None
        if settings.analysis is Analysis.PROSPECTIVE and len(sims):
            recurrence = recurrence_interval_days(p)
        clusters.append(
            Cluster(
                rank=rank,
                centre_id=data.location_ids[cand.centre],
                centre=(float(data.coords[cand.centre, 0]), float(data.coords[cand.centre, 1])),
                radius=float(w.dist[w.ptr[cand.centre] + cand.size - 1]),
                location_ids=tuple(data.location_ids[i] for i in locs),
                start=first,
                end=last,
                observed=cand.observed,
                expected=expected,
                llr=cand.llr,
                p_value=p,
                recurrence_days=recurrence,
            )
        )
    return ScanResult(
        settings=settings,
        coordinates=data.coordinates,
        start=data.start,
        end=data.end,
        n_locations=len(data.location_ids),
        total_cases=prep.n_total,
        clusters=clusters,
        simulated_llrs=sims,
        replications_run=len(sims),
    )
