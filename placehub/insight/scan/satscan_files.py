"""Readers for SaTScan's input files: case (.cas), control (.ctl), population (.pop), coordinates (.geo) and
parameter (.prm) files, so a council can rerun an existing SaTScan analysis unchanged.

Case/control files: ``<location id> <count> <date>`` (whitespace separated; dates ``yyyy/mm/dd`` or
``yyyy-mm-dd``; extra covariate columns are refused). Coordinates: ``<location id> <lat> <long>`` or
``<location id> <x> <y>``.
Population: ``<location id> <year or date> <population>``.
"""

from __future__ import annotations

import configparser
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import numpy as np
import pandas as pd

from placehub.insight.scan.data import Coordinates, ScanData, ScanDataError, case_matrix, study_days
from placehub.insight.scan.settings import (
    Analysis,
    Model,
    ScanSettings,
    ScanSettingsError,
    SecondaryClusters,
)


def _rows(path: Path, min_cols: int, what: str) -> list[list[str]]:
    if not path.is_file():
        raise ScanDataError(f"The {what} file {path} does not exist.")
    rows = []
    bad = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < min_cols:
            bad.append(n)
        rows.append(parts)
    if bad:
        shown = ", ".join(map(str, bad[:10]))
        raise ScanDataError(f"{path.name}: line(s) {shown} have fewer than {min_cols} fields.")
    return rows


def parse_date(text: str) -> dt.date:
    m = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", text.strip())
    if not m:
        raise ScanDataError(f"{text!r} is not a SaTScan date (yyyy/mm/dd).")
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def read_cases(path: Path | str, what: str = "case") -> pd.DataFrame:
    """A .cas (or .ctl) file as a table (location_id, count, date)."""
    path = Path(path)
    rows = _rows(path, 3, what)
    wide = [n for n, r in enumerate(rows, start=1) if len(r) > 3]
    if wide:
        raise ScanDataError(
            f"{path.name}: {len(wide)} line(s) carry covariate columns (first: line {wide[0]}); "
            "covariate adjustment is not supported: remove the extra columns."
        )
    try:
        counts = [int(r[1]) for r in rows]
    except ValueError as exc:
        raise ScanDataError(f"{path.name}: a count is not a whole number ({exc}).") from None
    return pd.DataFrame(
        {
            "location_id": [r[0] for r in rows],
            "count": np.asarray(counts, dtype=np.int64),
            "date": pd.to_datetime([parse_date(r[2]) for r in rows]),
        }
    )


def read_geo(path: Path | str) -> pd.DataFrame:
    """A .geo file as a table (location_id, a, b): (lat, long) or (x, y) as the analysis says."""
    path = Path(path)
    rows = _rows(path, 3, "coordinates")
    ids = [r[0] for r in rows]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})[:5]
        raise ScanDataError(f"{path.name}: location id(s) listed twice: {', '.join(dup)}.")
    try:
        a = [float(r[1]) for r in rows]
        b = [float(r[2]) for r in rows]
    except ValueError as exc:
        raise ScanDataError(f"{path.name}: a coordinate is not a number ({exc}).") from None
    return pd.DataFrame({"location_id": ids, "a": a, "b": b})


def read_population(path: Path | str) -> pd.DataFrame:
    """A .pop file as (location_id, population). Several census years per location are averaged: placehub
    holds one population per location over the study period (no interpolation between years)."""
    path = Path(path)
    rows = _rows(path, 3, "population")
    frame = pd.DataFrame({"location_id": [r[0] for r in rows], "population": [float(r[2]) for r in rows]})
    return frame.groupby("location_id", sort=False, as_index=False)["population"].mean()


def scan_data(
    cases: Path | str,
    geo: Path | str,
    start: dt.date,
    end: dt.date,
    coordinates: Coordinates = Coordinates.LATLONG,
    population: Path | str | None = None,
    controls: Path | str | None = None,
) -> ScanData:
    """Assemble SaTScan files into ``ScanData`` (locations in .geo order)."""
    geo_t = read_geo(geo)
    if coordinates is Coordinates.LATLONG:
        bad = geo_t[(geo_t.a.abs() > 90) | (geo_t.b.abs() > 180)]
        if len(bad):
            raise ScanDataError(
                f"{len(bad)} coordinate(s) are not latitude/longitude (first: {bad.location_id.iloc[0]}); "
                "is this a Cartesian coordinates file (CoordinatesType=0)?"
            )
    ids = tuple(geo_t.location_id)
    index = {loc: i for i, loc in enumerate(ids)}
    study_days(start, end)
    cas = read_cases(cases)
    matrix = case_matrix(index, cas.location_id, cas.date, cas["count"], start, end)
    pop = None
    if population is not None:
        p = read_population(population)
        pop = np.zeros(len(ids))
        pidx = p.location_id.map(index)
        if pidx.isna().any():
            raise ScanDataError(
                f"{int(pidx.isna().sum())} population location(s) are not in the coordinates."
            )
        pop[pidx.to_numpy().astype(int)] = p.population.to_numpy()
    ctl = None
    if controls is not None:
        c = read_cases(controls, "control")
        ctl = case_matrix(index, c.location_id, c.date, c["count"], start, end, "control")
    return ScanData(
        location_ids=ids,
        coords=geo_t[["a", "b"]].to_numpy(dtype=float),
        coordinates=coordinates,
        start=start,
        end=end,
        cases=matrix,
        population=pop,
        controls=ctl,
    )


@dataclass(frozen=True)
class PrmAnalysis:
    """A SaTScan parameter file read into placehub terms."""

    settings: ScanSettings
    case_file: Path
    coordinates_file: Path
    population_file: Path | None
    control_file: Path | None
    start: dt.date
    end: dt.date
    coordinates: Coordinates

    def load(self) -> ScanData:
        return scan_data(
            self.case_file,
            self.coordinates_file,
            self.start,
            self.end,
            self.coordinates,
            population=self.population_file,
            controls=self.control_file,
        )


_ANALYSIS = {"1": Analysis.PURELY_SPATIAL, "3": Analysis.RETROSPECTIVE, "4": Analysis.PROSPECTIVE}
_MODEL = {"0": Model.POISSON, "1": Model.BERNOULLI, "2": Model.SPACE_TIME_PERMUTATION}
_SECONDARY = {"0": SecondaryClusters.NO_GEOGRAPHICAL_OVERLAP, "5": SecondaryClusters.NO_RESTRICTIONS}


def _resolve(value: str, base: Path) -> Path | None:
    """A file named in a .prm: as written, else relative to the .prm, else its bare name beside the .prm
    (parameter files often carry another machine's absolute Windows paths)."""
    if not value.strip():
        return None
    p = Path(value)
    if p.is_absolute() and p.exists():
        return p
    if (base / value).exists():
        return base / value
    name = PureWindowsPath(value).name if "\\" in value else p.name
    return base / name


def read_prm(path: Path | str, *, replications: int | None = None, seed: int | None = None) -> PrmAnalysis:
    """Read a SaTScan .prm (INI) into settings and input files. Settings placehub does not implement are
    refused by name rather than silently ignored."""
    path = Path(path)
    if not path.is_file():
        raise ScanSettingsError(f"The parameter file {path} does not exist.")
    ini = configparser.ConfigParser(interpolation=None, comment_prefixes=(";",), strict=False)
    ini.optionxform = str  # keep SaTScan's key case
    ini.read_string(path.read_text(encoding="utf-8-sig", errors="replace"))

    def get(section: str, key: str, default: str = "") -> str:
        return ini.get(section, key, fallback=default).strip()

    problems = []
    analysis = _ANALYSIS.get(get("Analysis", "AnalysisType", "3"))
    model = _MODEL.get(get("Analysis", "ModelType", "2"))
    if analysis is None:
        problems.append(f"AnalysisType={get('Analysis', 'AnalysisType')} (only 1, 3 and 4 are supported)")
    if model is None:
        problems.append(f"ModelType={get('Analysis', 'ModelType')} (only 0, 1 and 2 are supported)")
    if get("Analysis", "ScanAreas", "1") != "1":
        problems.append("ScanAreas other than 1 (high rates)")
    if get("Input", "PrecisionCaseTimes", "3") != "3" or get("Analysis", "TimeAggregationUnits", "3") not in (
        "3",
        "0",
    ):
        problems.append("time precision or aggregation other than days")
    if get("Analysis", "TimeAggregationLength", "1") not in ("1", ""):
        problems.append("TimeAggregationLength other than 1")
    if get("Spatial Window", "SpatialWindowShapeType", "0") != "0":
        problems.append("elliptic windows (SpatialWindowShapeType=1)")
    for section, key in (
        ("Spatial Window", "IncludePurelyTemporal"),
        ("Temporal Window", "IncludePurelySpatial"),
        ("Inference", "AdjustForEarlierAnalyses"),
        ("Spatial Neighbors", "UseNeighborsFile"),
        ("Spatial Neighbors", "UseMetaLocationsFile"),
        ("Input", "UseGridFile"),
    ):
        if get(section, key, "n").lower() == "y":
            problems.append(f"{key}=y")
    secondary = _SECONDARY.get(get("Spatial Output", "CriteriaForReportingSecondaryClusters", "0"))
    if secondary is None:
        problems.append("CriteriaForReportingSecondaryClusters other than 0 or 5")
    if get("Input", "CaseFile-SourceType") not in ("", "0") or get("Input", "CaseFile-SourceFieldMap"):
        problems.append("CSV field-mapped input files (CaseFile-SourceFieldMap): give plain .cas/.geo files")
    if problems:
        raise ScanSettingsError(
            f"{path.name} uses SaTScan settings placehub does not implement:\n"
            + "\n".join(f"  * {p}" for p in problems)
        )
    max_radius = None
    if get("Spatial Window", "UseDistanceFromCenterOption", "n").lower() == "y":
        max_radius = float(get("Spatial Window", "MaxSpatialSizeInDistanceFromCenter"))
    by_time = get("Temporal Window", "MaxTemporalSizeInterpretation", "0") == "1"
    max_t = float(get("Temporal Window", "MaxTemporalSize", "50"))
    reps = int(get("Inference", "MonteCarloReps", "999"))
    early = None
    if get("Inference", "PValueReportType", "0") in ("0", "2"):
        early = int(get("Inference", "EarlyTerminationThreshold", "50") or 50)
    settings = ScanSettings(
        model=model,
        analysis=analysis,
        max_spatial_share=float(get("Spatial Window", "MaxSpatialSizeInPopulationAtRisk", "50")) / 100,
        max_radius_km=max_radius,
        max_temporal_days=int(max_t) if by_time else None,
        max_temporal_share=0.5 if by_time else max_t / 100,
        min_temporal_days=int(get("Temporal Window", "MinimumTemporalClusterSize", "1") or 1),
        min_cases=int(get("Cluster Restrictions", "MinimumCasesInHighRateClusters", "2") or 2),
        replications=reps if replications is None else replications,
        seed=seed if seed is not None else ScanSettings.seed,
        early_stop=early,
        secondary=secondary,
    )
    base = path.parent
    case_file = _resolve(get("Input", "CaseFile"), base)
    geo_file = _resolve(get("Input", "CoordinatesFile"), base)
    if case_file is None or geo_file is None:
        raise ScanSettingsError(f"{path.name} names no CaseFile or no CoordinatesFile.")
    return PrmAnalysis(
        settings=settings,
        case_file=case_file,
        coordinates_file=geo_file,
        population_file=_resolve(get("Input", "PopulationFile"), base) if model is Model.POISSON else None,
        control_file=_resolve(get("Input", "ControlFile"), base) if model is Model.BERNOULLI else None,
        start=parse_date(get("Input", "StartDate")),
        end=parse_date(get("Input", "EndDate")),
        coordinates=Coordinates.LATLONG
        if get("Input", "CoordinatesType", "0") == "1"
        else Coordinates.CARTESIAN,
    )


def run_prm(path: Path | str, *, replications: int | None = None, seed: int | None = None):  # noqa: ANN201
    """Run the analysis a SaTScan parameter file describes; returns a ``ScanResult``."""
    from placehub.insight.scan.engine import run_scan

    analysis = read_prm(path, replications=replications, seed=seed)
    return run_scan(analysis.load(), analysis.settings)
