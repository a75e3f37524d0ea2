"""The compiled search: every circle of every centre, every time window, the best log likelihood ratio.

One circle at a time the daily counts of the circle grow by one location (incremental sums over the sorted
neighbour list), its prefix sums give any window's count in O(1). For the space-time permutation model the
expected count of a window is N_Z * N_D / N with integers N_Z (cases of the circle's locations) and N_D (cases
on the window's days): c ln(c/mu) comes from small log tables, and an upper bound on the LLR rules out most
windows before the one log call.

Windows whose first (or, retrospectively, last) day has no case in the circle are skipped when a shorter
window is allowed: dropping that day keeps the count and lowers the expectation, so the shorter window's LLR
is at least as high. Windows without a case of the location just added are skipped too (their LLR fell).
None of this changes any centre's best window; tests/unit/test_scan_kernels.py checks it by brute force.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

SPACE_TIME_PERMUTATION = 0
POISSON = 1
BERNOULLI = 2


def log_tables(n_total: int) -> tuple[np.ndarray, np.ndarray]:
    """x ln x and ln x for x = 0..N (small enough to stay in the fastest cache)."""
    k = np.arange(n_total + 1, dtype=np.float64)
    xlnx = np.zeros(n_total + 1)
    lnk = np.zeros(n_total + 1)
    lnk[1:] = np.log(k[1:])
    xlnx[1:] = k[1:] * lnk[1:]
    return xlnx, lnk


@njit(cache=True)
def _xlnx_ratio(a: float, b: float) -> float:
    return 0.0 if a <= 0.0 else a * math.log(a / b)


@njit(cache=True)
def bernoulli_llr(c: float, n: float, total_c: float, total_n: float) -> float:
    """Bernoulli LLR of a window with c cases among n individuals (C cases among N overall)."""
    inside = _xlnx_ratio(c, n) + _xlnx_ratio(n - c, n)
    outside = _xlnx_ratio(total_c - c, total_n - n) + _xlnx_ratio(total_n - n - total_c + c, total_n - n)
    null = _xlnx_ratio(total_c, total_n) + _xlnx_ratio(total_n - total_c, total_n)
    return inside + outside - null


@njit(cache=True)
def poisson_llr(c: float, mu: float, total: float) -> float:
    """Poisson-form LLR c ln(c/mu) + (N-c) ln((N-c)/(N-mu)); also the space-time permutation statistic."""
    return _xlnx_ratio(c, mu) + _xlnx_ratio(total - c, total - mu)


@njit(cache=True, inline="always")
def _stp_cannot_beat(cmax, nd, best, n_total, nz, xlnx, lnk, ln_n):
    """True when no permutation-model window with at most ``cmax`` cases and day total at least ``nd`` can
    beat ``best``: the bound c ln(c/mu) - (N-c)(c-mu)/(N-mu) >= LLR rises with c and falls with mu."""
    prod = nz * nd
    if cmax * n_total <= prod:
        return True
    t1 = xlnx[cmax] - cmax * (lnk[nz] + lnk[nd] - ln_n)
    # (t1 - best)(N - mu) <= (N - c)(c - mu), both sides times N: integers but for t1 - best
    return (t1 - best) * (n_total * n_total - prod) <= (n_total - cmax) * (cmax * n_total - prod)


@njit(cache=True, inline="always")
def _longer_day_total(cmax, s, e, pc, day_prefix):
    """A lower bound on N_D of any window [s', e] with s' <= s, paired with at most ``cmax`` circle cases: its
    day total is its circle count plus at least the non-circle cases of [s, e]. With ``_stp_cannot_beat``
    (whose bound also rises with c when N_D grows with c) it ends the scan back over start days."""
    return day_prefix[e + 1] - day_prefix[s] - (pc[e + 1] - pc[s]) + cmax


@njit(cache=True, inline="always")
def _window(c, s, e, best, model, n_total, total_weight, nz, day_prefix, pm, xlnx, lnk, ln_n, min_cases):
    """(LLR, expected or individuals) of window [s, e] with c cases; LLR -1 when it cannot beat ``best``."""
    if c < min_cases:
        return -1.0, 0.0
    if model == SPACE_TIME_PERMUTATION:
        nd = day_prefix[e + 1] - day_prefix[s]
        prod = nz * nd
        if c * n_total <= prod:
            return -1.0, 0.0
        # c ln(c/mu) from small tables; the second term is at most -(N-c)(c-mu)/(N-mu), which rules out
        # most windows without a division or a log call (the test is multiplied through by N).
        t1 = xlnx[c] - c * (lnk[nz] + lnk[nd] - ln_n)
        if (t1 - best) * (n_total * n_total - prod) <= (n_total - c) * (c * n_total - prod):
            return -1.0, 0.0
        m = prod / n_total
        return t1 + (n_total - c) * math.log((n_total - c) / (n_total - m)), m
    m = pm[e + 1] - pm[s]
    if model == POISSON:
        if c <= m:
            return -1.0, 0.0
        return poisson_llr(float(c), m, float(n_total)), m
    # Bernoulli, high rate inside: c/n > (C-c)/(N-n)
    if c * (total_weight - m) <= (n_total - c) * m:
        return -1.0, 0.0
    return bernoulli_llr(float(c), m, float(n_total), total_weight), m


@njit(cache=True)
def centre_best(
    centre, floor, cases, weight, model, n_total, total_weight, grow_ptr, grow_loc, grow_size, loc_cases,
    day_prefix, max_len, min_len, prospective, min_cases, xlnx, lnk, cnt, pc, mday, pm, cdays, lastnew,
):  # fmt: skip
    """Best window of one centre: (llr, grow step, first day, last day, cases, expected or individuals).

    ``weight`` is the expected count (Poisson) or individuals (Bernoulli) per location and day; unused for the
    permutation model, which takes ``loc_cases`` (N_z) and ``day_prefix`` (prefix sums of N_d).
    Only windows beating ``floor`` count (0 for a centre's own best; the best so far in a replication).
    Ties keep the first window met: smaller circle, then earlier end, then shorter window.
    ``cdays``, ``lastnew`` are work arrays (the circle's case days; index of the latest new one).
    """
    n_days = cases.shape[1]
    best = floor
    bk, bs, be, bc, bm = -1, -1, -1, 0, 0.0
    for t in range(n_days):
        cnt[t] = 0
        mday[t] = 0.0
    nz = 0
    ln_n = math.log(n_total) if n_total > 0 else 0.0
    e_first = n_days - 1 if prospective else min_len - 1
    for g in range(grow_ptr[centre], grow_ptr[centre + 1]):
        loc = grow_loc[g]
        # One pass over the days: the circle's daily counts, their prefix sums, and (for the pruned
        # enumeration below) its case days with, for each, the latest one where the new location has cases.
        nd_case = 0
        run = 0
        pc[0] = 0
        for t in range(n_days):
            add = cases[loc, t]
            v = cnt[t] + add
            cnt[t] = v
            run += v
            pc[t + 1] = run
            if v > 0:
                cdays[nd_case] = t
                if add > 0:
                    lastnew[nd_case] = nd_case
                elif nd_case > 0:
                    lastnew[nd_case] = lastnew[nd_case - 1]
                else:
                    lastnew[nd_case] = -1
                nd_case += 1
        if model == SPACE_TIME_PERMUTATION:
            nz += loc_cases[loc]
        else:
            for t in range(n_days):
                mday[t] += weight[loc, t]
            pm[0] = 0.0
            for t in range(n_days):
                pm[t + 1] = pm[t] + mday[t]
        if run < min_cases:
            continue
        if model == SPACE_TIME_PERMUTATION and prospective:
            # Upper bound for the whole circle: a window's day total N_D is at least its count c (the
            # circle's cases are among the day's cases), so mu >= c N_Z / N, and LLR(c, c N_Z / N) grows
            # with c. If even the longest alive window cannot beat the best so far, skip the circle.
            cmax = pc[n_days] - pc[max(0, n_days - max_len)]
            if cmax < min_cases or _stp_cannot_beat(cmax, cmax, best, n_total, nz, xlnx, lnk, ln_n):
                continue
        # Windows worth evaluating. A window holding none of the new location's case days keeps its count
        # while its expectation grows, so its LLR falls below what the smaller circle already offered: only
        # windows holding a new case day can beat the best so far. Without a minimum length, windows also
        # start (and, retrospectively, end) on a day with a case in the circle (see the module notes).
        if min_len == 1:
            if nd_case == 0:
                continue
            if prospective:
                e = n_days - 1
                cmax = pc[n_days] - pc[max(0, n_days - max_len)]
                for i in range(lastnew[nd_case - 1], -1, -1):
                    s = cdays[i]
                    if n_days - s > max_len:
                        break
                    # Longer windows only add days: stop once even their best case cannot win.
                    if model == SPACE_TIME_PERMUTATION and _stp_cannot_beat(
                        cmax,
                        _longer_day_total(cmax, s, e, pc, day_prefix),
                        best,
                        n_total,
                        nz,
                        xlnx,
                        lnk,
                        ln_n,
                    ):
                        break
                    c = pc[e + 1] - pc[s]
                    llr, m = _window(
                        c,
                        s,
                        e,
                        best,
                        model,
                        n_total,
                        total_weight,
                        nz,
                        day_prefix,
                        pm,
                        xlnx,
                        lnk,
                        ln_n,
                        min_cases,
                    )
                    if llr > best:
                        best = llr
                        bk, bs, be, bc, bm = g, s, e, c, m
            else:
                for j in range(nd_case):
                    if lastnew[j] < 0:
                        continue
                    e = cdays[j]
                    if e - cdays[lastnew[j]] >= max_len:
                        continue
                    cmax = pc[e + 1] - pc[max(0, e - max_len + 1)]
                    for i in range(lastnew[j], -1, -1):
                        s = cdays[i]
                        if e - s >= max_len:
                            break
                        if model == SPACE_TIME_PERMUTATION and _stp_cannot_beat(
                            cmax,
                            _longer_day_total(cmax, s, e, pc, day_prefix),
                            best,
                            n_total,
                            nz,
                            xlnx,
                            lnk,
                            ln_n,
                        ):
                            break
                        c = pc[e + 1] - pc[s]
                        llr, m = _window(
                            c,
                            s,
                            e,
                            best,
                            model,
                            n_total,
                            total_weight,
                            nz,
                            day_prefix,
                            pm,
                            xlnx,
                            lnk,
                            ln_n,
                            min_cases,
                        )
                        if llr > best:
                            best = llr
                            bk, bs, be, bc, bm = g, s, e, c, m
        else:
            for e in range(e_first, n_days):
                for s in range(e - min_len + 1, max(0, e - max_len + 1) - 1, -1):
                    c = pc[e + 1] - pc[s]
                    llr, m = _window(
                        c,
                        s,
                        e,
                        best,
                        model,
                        n_total,
                        total_weight,
                        nz,
                        day_prefix,
                        pm,
                        xlnx,
                        lnk,
                        ln_n,
                        min_cases,
                    )
                    if llr > best:
                        best = llr
                        bk, bs, be, bc, bm = g, s, e, c, m
    return best, bk, bs, be, bc, bm


@njit(parallel=True, cache=True)
def scan_centres(
    cases, weight, model, n_total, total_weight, grow_ptr, grow_loc, grow_size, loc_cases, day_prefix,
    max_len, min_len, prospective, min_cases, xlnx, lnk,
):  # fmt: skip
    """The best window of every centre in the real data (for reporting the clusters)."""
    n_centres = grow_ptr.shape[0] - 1
    n_days = cases.shape[1]
    llr = np.zeros(n_centres)
    step = np.full(n_centres, -1, dtype=np.int64)
    first = np.full(n_centres, -1, dtype=np.int64)
    last = np.full(n_centres, -1, dtype=np.int64)
    obs = np.zeros(n_centres, dtype=np.int64)
    mexp = np.zeros(n_centres)
    for c in prange(n_centres):
        cnt = np.zeros(n_days, dtype=np.int64)
        pc = np.zeros(n_days + 1, dtype=np.int64)
        mday = np.zeros(n_days)
        pm = np.zeros(n_days + 1)
        cdays = np.zeros(n_days, dtype=np.int64)
        lastnew = np.zeros(n_days, dtype=np.int64)
        r = centre_best(
            c,
            0.0,
            cases,
            weight,
            model,
            n_total,
            total_weight,
            grow_ptr,
            grow_loc,
            grow_size,
            loc_cases,
            day_prefix,
            max_len,
            min_len,
            prospective,
            min_cases,
            xlnx,
            lnk,
            cnt,
            pc,
            mday,
            pm,
            cdays,
            lastnew,
        )
        llr[c], step[c], first[c], last[c], obs[c], mexp[c] = r
    return llr, step, first, last, obs, mexp


@njit(parallel=True, cache=True)
def simulate_max(
    batch, weight, model, n_total, total_weight, grow_ptr, grow_loc, grow_size, loc_cases, day_prefix,
    max_len, min_len, prospective, min_cases, xlnx, lnk,
):  # fmt: skip
    """The maximum LLR over all windows of each simulated data set in ``batch``

    (replications, locations, days)."""
    n_reps = batch.shape[0]
    n_days = batch.shape[2]
    n_centres = grow_ptr.shape[0] - 1
    out = np.zeros(n_reps)
    for r in prange(n_reps):
        cnt = np.zeros(n_days, dtype=np.int64)
        pc = np.zeros(n_days + 1, dtype=np.int64)
        mday = np.zeros(n_days)
        pm = np.zeros(n_days + 1)
        cdays = np.zeros(n_days, dtype=np.int64)
        lastnew = np.zeros(n_days, dtype=np.int64)
        cases = batch[r]
        best = 0.0
        for c in range(n_centres):
            res = centre_best(
                c,
                best,
                cases,
                weight,
                model,
                n_total,
                total_weight,
                grow_ptr,
                grow_loc,
                grow_size,
                loc_cases,
                day_prefix,
                max_len,
                min_len,
                prospective,
                min_cases,
                xlnx,
                lnk,
                cnt,
                pc,
                mday,
                pm,
                cdays,
                lastnew,
            )
            if res[0] > best:
                best = res[0]
        out[r] = best
    return out
