"""Readers for SaTScan case, coordinates, population and parameter files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from placehub.insight.scan import (
    Analysis,
    Coordinates,
    Model,
    ScanDataError,
    ScanSettingsError,
    SecondaryClusters,
    read_cases,
    read_geo,
    read_population,
    read_prm,
    scan_data,
)

CAS = "11229\t1\t2001/11/22\r\n11208\t2\t2001/11/13\r\n\r\n11208\t1\t2001-11-24\r\n"
GEO = "11208\t40.66778\t-73.8738\r\n11229\t40.60092\t-73.94647\r\n10001\t40.75037\t-73.99674\r\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode())
    return path


def test_case_file_with_tabs_crlf_and_blank_lines(tmp_path: Path) -> None:
    cases = read_cases(_write(tmp_path, "f.cas", CAS))
    assert cases.to_dict("list") == {
        "location_id": ["11229", "11208", "11208"],
        "count": [1, 2, 1],
        "date": [pd.Timestamp("2001-11-22"), pd.Timestamp("2001-11-13"), pd.Timestamp("2001-11-24")],
    }


def test_coordinates_file_keeps_ids_as_text(tmp_path: Path) -> None:
    geo = read_geo(_write(tmp_path, "f.geo", "00123 1.5 2.5\n00124 3 4\n"))
    assert geo.to_dict("list") == {"location_id": ["00123", "00124"], "a": [1.5, 3.0], "b": [2.5, 4.0]}


def test_scan_data_from_files(tmp_path: Path) -> None:
    data = scan_data(_write(tmp_path, "f.cas", CAS), _write(tmp_path, "f.geo", GEO),
                     dt.date(2001, 11, 13), dt.date(2001, 11, 24))  # fmt: skip
    assert data.location_ids == ("11208", "11229", "10001")
    assert data.coordinates is Coordinates.LATLONG
    assert data.cases.sum(axis=1).tolist() == [3, 1, 0]
    assert (data.cases[0, 0], data.cases[0, 11], data.cases[1, 9]) == (2, 1, 1)


def test_covariate_columns_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScanDataError, match="covariate columns"):
        read_cases(_write(tmp_path, "f.cas", "1 1 2001/11/1 male\n"))


def test_short_lines_are_named(tmp_path: Path) -> None:
    with pytest.raises(ScanDataError) as err:
        read_cases(_write(tmp_path, "f.cas", "1 1 2001/11/1\n2 1\n3\n"))
    assert str(err.value) == "f.cas: line(s) 2, 3 have fewer than 3 fields."


def test_cartesian_file_read_as_lat_long_is_caught(tmp_path: Path) -> None:
    cas = _write(tmp_path, "f.cas", "A 1 2001/11/1\n")
    geo = _write(tmp_path, "f.geo", "A 530000 180000\n")
    with pytest.raises(ScanDataError, match="is this a Cartesian coordinates file"):
        scan_data(cas, geo, dt.date(2001, 11, 1), dt.date(2001, 11, 2))
    data = scan_data(cas, geo, dt.date(2001, 11, 1), dt.date(2001, 11, 2), Coordinates.CARTESIAN)
    assert data.coords.tolist() == [[530000.0, 180000.0]]


def test_population_file_averages_census_years(tmp_path: Path) -> None:
    pop = read_population(_write(tmp_path, "f.pop", "A 2000 100\nA 2010 120\nB 2000 50\n"))
    assert pop.to_dict("list") == {"location_id": ["A", "B"], "population": [110.0, 50.0]}


PRM = """[Input]
;case data filename
CaseFile=C:\\Users\\someone\\Data\\f.cas
PrecisionCaseTimes=3
StartDate=2001/11/1
EndDate=2001/11/24
CoordinatesFile=f.geo
CoordinatesType=1

[Analysis]
AnalysisType=4
ModelType=2
ScanAreas=1
TimeAggregationUnits=3
TimeAggregationLength=1

[Spatial Window]
MaxSpatialSizeInPopulationAtRisk=25
UseDistanceFromCenterOption=y
MaxSpatialSizeInDistanceFromCenter=3
SpatialWindowShapeType=0

[Temporal Window]
MinimumTemporalClusterSize=1
MaxTemporalSizeInterpretation=1
MaxTemporalSize=7

[Cluster Restrictions]
MinimumCasesInHighRateClusters=3

[Inference]
PValueReportType=1
MonteCarloReps=99

[Spatial Output]
CriteriaForReportingSecondaryClusters=0
"""


def test_parameter_file_maps_to_settings_and_files(tmp_path: Path) -> None:
    analysis = read_prm(_write(tmp_path, "a.prm", PRM), seed=9)
    s = analysis.settings
    assert (s.model, s.analysis, s.secondary) == (
        Model.SPACE_TIME_PERMUTATION, Analysis.PROSPECTIVE, SecondaryClusters.NO_GEOGRAPHICAL_OVERLAP
    )  # fmt: skip
    assert (s.max_spatial_share, s.max_radius_km, s.max_temporal_days, s.min_cases) == (0.25, 3.0, 7, 3)
    assert (s.replications, s.seed, s.early_stop) == (99, 9, None)
    # Another machine's Windows path: the bare file name beside the .prm.
    assert analysis.case_file == tmp_path / "f.cas"
    assert analysis.coordinates_file == tmp_path / "f.geo"
    assert (analysis.start, analysis.end, analysis.coordinates) == (
        dt.date(2001, 11, 1), dt.date(2001, 11, 24), Coordinates.LATLONG
    )  # fmt: skip


def test_unsupported_parameters_are_all_named(tmp_path: Path) -> None:
    text = PRM.replace("SpatialWindowShapeType=0", "SpatialWindowShapeType=1\nIncludePurelyTemporal=y")
    text = text.replace("ModelType=2", "ModelType=5")
    with pytest.raises(ScanSettingsError) as err:
        read_prm(_write(tmp_path, "b.prm", text))
    assert str(err.value) == (
        "b.prm uses SaTScan settings placehub does not implement:\n"
        "  * ModelType=5 (only 0, 1 and 2 are supported)\n"
        "  * elliptic windows (SpatialWindowShapeType=1)\n"
        "  * IncludePurelyTemporal=y"
    )
