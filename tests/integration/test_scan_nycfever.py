"""The published SaTScan results for the NYCfever sample data, reproduced (shared data: outbreak/nycfever).

Cluster statistics do not depend on the Monte Carlo replications, so those tests run none; the p-value tests
run 999 (SaTScan's number) and compare with the published values and simulated LLRs within Monte Carlo error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from placehub.insight.scan import Analysis, ScanSettings, read_prm, run_prm, run_scan, scan_data
from placehub.insight.scan.results import satscan_number

pytestmark = pytest.mark.shared_data

# (centre, radius km, locations, first day, last day, observed, expected as printed, O/E, LLR, p)
RETROSPECTIVE = [
    ("10454", "2.70", "10454 10455 10451 10035 10037 10030 10029 10456",
     "2001/11/8", "2001/11/8", 5, "0.40", "12.60", "8.119521", 0.020),
    ("11379", "2.07", "11379 11374 11373",
     "2001/11/10", "2001/11/11", 4, "0.46", "8.62", "5.113791", 0.734),
    ("11418", "2.90", "11418 11415 11419 11435 11416 11421 11451 11375 11417",
     "2001/11/22", "2001/11/23", 4, "0.46", "8.62", "5.113791", 0.734),
    ("11434", "0", "11434",
     "2001/11/16", "2001/11/16", 2, "0.072", "27.71", "4.725675", 0.914),
    ("10304", "1.84", "10304 10301",
     "2001/11/15", "2001/11/15", 2, "0.072", "27.71", "4.725675", 0.914),
    ("10460", "1.83", "10460 10457 10462",
     "2001/11/9", "2001/11/9", 3, "0.25", "11.88", "4.696100", 0.915),
    ("11050", "11.97", "11050 11024 11030 11023 11021 11020 11363 11359 11042 10464 11005 11362 11360 11004 "
     "11361 11040 10465 11426 11364 11357 11358 10475",
     "2001/11/4", "2001/11/5", 3, "0.28", "10.78", "4.430018", 0.973),
    ("11226", "3.46", "11226 11218 11225 11203 11210 11230 11215 11213",
     "2001/11/5", "2001/11/5", 4, "0.70", "5.75", "3.719788", 0.999),
]  # fmt: skip

PROSPECTIVE = [
    ("11418", "2.90", "11418 11415 11419 11435 11416 11421 11451 11375 11417",
     "2001/11/22", "2001/11/24", 4, "0.67", "5.97", "3.845418", 0.355),
    ("11372", "0", "11372",
     "2001/11/24", "2001/11/24", 2, "0.16", "12.13", "3.164201", 0.709),
    ("10464", "6.98", "10464 10475 10465 10469 10461 10466 10462 10467 11024 10472",
     "2001/11/23", "2001/11/24", 5, "1.66", "3.00", "2.192250", 0.979),
]  # fmt: skip


def _nyc(shared_data: Path):
    folder = shared_data / "outbreak" / "nycfever"
    return scan_data(
        folder / "NYCfever.cas", folder / "NYCfever.geo", dt.date(2001, 11, 1), dt.date(2001, 11, 24)
    )


def _as_published(c) -> tuple:
    radius = "0" if c.radius == 0 else f"{c.radius:.2f}"
    first = f"{c.start.year}/{c.start.month}/{c.start.day}"
    last = f"{c.end.year}/{c.end.month}/{c.end.day}"
    return (c.centre_id, radius, " ".join(c.location_ids), first, last, c.observed,
            satscan_number(c.expected), satscan_number(c.observed_over_expected), f"{c.llr:.6f}")  # fmt: skip


def test_retrospective_clusters_match_satscan(shared_data: Path) -> None:
    data = _nyc(shared_data)
    assert data.total_cases == 194 and len(data.location_ids) == 192
    result = run_scan(data, ScanSettings(analysis=Analysis.RETROSPECTIVE, replications=0))
    assert [_as_published(c) for c in result.clusters[:8]] == [row[:9] for row in RETROSPECTIVE]
    assert result.clusters[0].centre == (40.80549, -73.917)


def test_prospective_clusters_match_satscan(shared_data: Path) -> None:
    result = run_scan(_nyc(shared_data), ScanSettings(analysis=Analysis.PROSPECTIVE, replications=0))
    assert [_as_published(c) for c in result.clusters[:3]] == [row[:9] for row in PROSPECTIVE]


def test_retrospective_p_values_within_monte_carlo_error(shared_data: Path) -> None:
    result = run_scan(
        _nyc(shared_data), ScanSettings(analysis=Analysis.RETROSPECTIVE, replications=999, seed=11)
    )
    assert result.replications_run == 999
    # SaTScan reports clusters while p < 1: the published 8, whose LLRs beat the smallest simulated maximum.
    assert [f"{c.llr:.6f}" for c in result.clusters] == [row[8] for row in RETROSPECTIVE][
        : len(result.clusters)
    ]
    published = np.loadtxt(shared_data / "outbreak" / "nycfever" / "yale_retrospective_res1.llr.txt")
    assert len(published) == 999
    for c, row in zip(result.clusters, RETROSPECTIVE, strict=False):
        # Binomial Monte Carlo error of a p-value from 999 replications, 3 standard errors (+ rank step).
        se = np.sqrt(row[9] * (1 - row[9]) / 999)
        assert abs(c.p_value - row[9]) <= 3 * se + 0.002, (c.centre_id, c.p_value, row[9])
    # The simulated maxima follow the published distribution: quantiles within 0.25 of an LLR unit.
    qs = [0.05, 0.25, 0.5, 0.75, 0.95]
    assert np.abs(np.quantile(result.simulated_llrs, qs) - np.quantile(published, qs)).max() < 0.25


def test_prospective_recurrence_intervals(shared_data: Path) -> None:
    result = run_scan(
        _nyc(shared_data), ScanSettings(analysis=Analysis.PROSPECTIVE, replications=999, seed=5)
    )
    top = result.clusters[0]
    assert abs(top.p_value - 0.355) <= 3 * np.sqrt(0.355 * 0.645 / 999)
    assert top.recurrence_days == pytest.approx(1 / top.p_value)
    assert top.recurrence_text() == f"{round(1 / top.p_value)} days"
    assert [c.recurrence_days * c.p_value for c in result.clusters] == pytest.approx([1.0, 1.0, 1.0])
    assert result.clusters[2].recurrence_text() == "1 day"  # p near 0.98


def test_satscan_sample_parameter_file_runs(shared_data: Path) -> None:
    """The manual's own settings (3 km, 7 days, prospective, sequential Monte Carlo): no published clusters,
    only rsatscan's summary "3 clusters identified, 0 with p < .05"."""
    prm = shared_data / "outbreak" / "nycfever" / "satscan_sample_NYCSpaceTimePermutation.prm"
    analysis = read_prm(prm)
    assert (analysis.settings.max_radius_km, analysis.settings.max_temporal_days) == (3.0, 7)
    assert analysis.settings.early_stop == 50
    result = run_prm(prm, seed=3)
    assert len(result.clusters) == 3
    assert [c.p_value < 0.05 for c in result.clusters] == [False, False, False]
    assert all(c.radius <= 3.0 for c in result.clusters)
    assert all(c.days <= 7 and c.end == dt.date(2001, 11, 24) for c in result.clusters)
