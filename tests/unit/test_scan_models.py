"""Poisson, Bernoulli and space-time permutation scans on small constructed data with known answers."""

from __future__ import annotations

import datetime as dt
import string

import duckdb
import numpy as np
import pandas as pd
import pytest

from placehub.insight.scan import (
    Analysis,
    Coordinates,
    Model,
    ScanData,
    ScanDataError,
    ScanSettings,
    SecondaryClusters,
    from_frames,
    run_scan,
)

DAY = dt.date(2026, 1, 1)


def _line(xs: list[float], cases: list[list[int]], **extra) -> ScanData:
    return ScanData(
        location_ids=tuple(string.ascii_uppercase[: len(xs)]),
        coords=np.array([[x, 0.0] for x in xs]),
        coordinates=Coordinates.CARTESIAN,
        start=DAY,
        end=DAY + dt.timedelta(days=len(cases[0]) - 1),
        cases=np.array(cases, dtype=np.int64),
        **extra,
    )


def test_poisson_purely_spatial_known_cluster() -> None:
    # 4 locations of 100 people, 12 cases: 3 expected each; A has 8. Circles hold at most 200 people.
    data = _line([0, 1, 2, 10], [[8], [1], [1], [2]], population=np.full(4, 100.0))
    settings = ScanSettings(model=Model.POISSON, analysis=Analysis.PURELY_SPATIAL, replications=0)
    result = run_scan(data, settings)
    assert [
        (c.centre_id, c.location_ids, c.observed, c.expected, round(c.llr, 6)) for c in result.clusters
    ] == [("A", ("A",), 8, 3.0, 4.602913)]
    # Without the overlap rule the next best circle (B with A: 9 cases, 6 expected) is reported too.
    loose = run_scan(data, ScanSettings(model=Model.POISSON, analysis=Analysis.PURELY_SPATIAL, replications=0,
                                        secondary=SecondaryClusters.NO_RESTRICTIONS))  # fmt: skip
    assert [(c.centre_id, c.location_ids, round(c.llr, 6)) for c in loose.clusters] == [
        ("A", ("A",), 4.602913),
        ("B", ("B", "A"), 1.569744),
    ]


def test_poisson_space_time_known_window() -> None:
    # Two locations, four days, 13 cases: 13/8 expected per cell; A has 6 on day 3, every other cell 1.
    data = _line([0, 10], [[1, 1, 6, 1], [1, 1, 1, 1]], population=np.array([100.0, 100.0]))
    result = run_scan(data, ScanSettings(model=Model.POISSON, replications=0))
    top = result.most_likely
    assert (top.centre_id, top.start, top.end, top.observed, top.expected) == (
        "A", DAY + dt.timedelta(days=2), DAY + dt.timedelta(days=2), 6, 1.625
    )  # fmt: skip
    # 6 ln(6 / 1.625) + 7 ln(7 / 11.375) = 4.4389552102 (40-digit Decimal arithmetic)
    assert round(top.llr, 6) == 4.438955


def test_bernoulli_purely_spatial_known_cluster() -> None:
    # 3 locations of 4 individuals; cases 3, 1, 1 (C = 5 of N = 12); circles hold at most 6 individuals.
    data = _line([0, 1, 5], [[3], [1], [1]], controls=np.array([[1], [3], [3]]))
    result = run_scan(
        data, ScanSettings(model=Model.BERNOULLI, analysis=Analysis.PURELY_SPATIAL, replications=0)
    )
    assert [(c.centre_id, c.observed, round(c.expected, 6), round(c.llr, 6)) for c in result.clusters] == [
        ("A", 3, 1.666667, 1.402297)
    ]


def test_monte_carlo_p_value_for_a_strong_cluster_is_small_and_seeded() -> None:
    rng = np.random.default_rng(0)
    cases = rng.poisson(1.0, size=(10, 1))
    cases[0, 0] = 15
    data = _line(list(range(10)), cases.tolist(), population=np.full(10, 50.0))
    settings = ScanSettings(model=Model.POISSON, analysis=Analysis.PURELY_SPATIAL, replications=99, seed=4)
    a, b = run_scan(data, settings), run_scan(data, settings)
    assert a.most_likely.centre_id == "A"
    assert a.most_likely.p_value == 0.01  # no replication comes near: rank 1 of 100
    assert np.array_equal(a.simulated_llrs, b.simulated_llrs)


def test_early_stop_ends_monte_carlo_at_the_threshold() -> None:
    cases = np.random.default_rng(1).poisson(1.0, size=(8, 6))  # nothing unusual
    data = _line(list(range(8)), cases.tolist())
    result = run_scan(data, ScanSettings(replications=999, early_stop=5, seed=2))
    assert result.replications_run < 999
    beaten = int((result.simulated_llrs >= result.most_likely.llr - 1e-9).sum())
    assert beaten == 4
    assert result.most_likely.p_value == 5 / (result.replications_run + 1)


def test_radius_limit_keeps_circles_small() -> None:
    # B and C hold the excess, 3 units apart; a circle of radius 1 cannot take both.
    data = _line([0, 3, 6, 20], [[1], [6], [6], [1]], population=np.full(4, 100.0))
    settings = dict(model=Model.POISSON, analysis=Analysis.PURELY_SPATIAL, replications=0)
    wide = run_scan(data, ScanSettings(**settings)).most_likely
    narrow = run_scan(data, ScanSettings(**settings, max_radius_km=1.0)).most_likely
    # 12 ln(12/7) + 2 ln(2/7) = 3.9624320718; B's own circle takes A first (equally near, lower index)
    assert (wide.centre_id, wide.location_ids, wide.radius, round(wide.llr, 6)) == (
        "C",
        ("C", "B"),
        3.0,
        3.962432,
    )
    # Equal LLRs: SaTScan ranks the lower centre index first.
    assert (narrow.centre_id, narrow.location_ids, narrow.radius) == ("B", ("B",), 0.0)


def test_from_frames_reads_placehub_tables_and_duckdb_results() -> None:
    con = duckdb.connect()
    cases = con.sql(
        "select * from (values (date '2026-01-01', 'L1'), (date '2026-01-02', 'L1'),"
        " (date '2026-01-02', 'L2')) as t(date, location_id)"
    ).df()
    locations = pd.DataFrame(
        {"location_id": ["L1", "L2"], "x": [530000.0, 530500.0], "y": [180000.0, 180000.0]}
    )
    data = from_frames(cases, locations)
    assert (data.start, data.end, data.coordinates) == (DAY, DAY + dt.timedelta(days=1), Coordinates.BNG)
    assert data.cases.tolist() == [[1, 1], [0, 1]]


def test_unknown_locations_and_dates_outside_the_period_are_reported_together() -> None:
    cases = pd.DataFrame(
        {"date": ["2026-01-01", "2026-03-01", "2026-01-02"], "location_id": ["L1", "L1", "L9"]}
    )
    locations = pd.DataFrame({"location_id": ["L1"], "x": [0.0], "y": [0.0]})
    with pytest.raises(ScanDataError) as err:
        from_frames(cases, locations, start=DAY, end=DAY + dt.timedelta(days=9))
    assert str(err.value) == (
        "The data cannot be scanned:\n"
        "  * 1 case location id(s) not in the coordinates: L9\n"
        "  * 1 case record(s) dated outside the study period 2026-01-01 to 2026-01-10"
    )


def test_poisson_without_population_is_refused() -> None:
    with pytest.raises(ScanDataError, match="needs a population"):
        run_scan(_line([0, 1], [[1], [1]]), ScanSettings(model=Model.POISSON, replications=0))


def test_bernoulli_monte_carlo_keeps_the_case_total() -> None:
    # 10 locations of 20 individuals; location A has 15 cases, the others 2 each.
    cases = [[15]] + [[2]] * 9
    controls = [[5]] + [[18]] * 9
    data = _line(list(range(10)), cases, controls=np.array(controls))
    settings = ScanSettings(model=Model.BERNOULLI, analysis=Analysis.PURELY_SPATIAL, replications=99, seed=1)
    result = run_scan(data, settings)
    assert (result.most_likely.centre_id, result.most_likely.observed, result.most_likely.p_value) == (
        "A",
        15,
        0.01,
    )
    assert len(result.simulated_llrs) == 99


def test_poisson_cases_where_nobody_lives_are_refused() -> None:
    data = _line([0, 1], [[3], [1]], population=np.array([0.0, 10.0]))
    with pytest.raises(ScanDataError, match="1 location\\(s\\) have cases but no population: A"):
        run_scan(data, ScanSettings(model=Model.POISSON, replications=0))
