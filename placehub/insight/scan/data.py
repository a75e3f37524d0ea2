"""The data a scan runs on: locations with coordinates and, per location and day, cases (and population
or controls). Built from SaTScan files (``satscan_files``) or from placehub's own tables (``from_frames``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from placehub.errors import PlacehubUserError


class ScanDataError(PlacehubUserError):
    """Case, location or population data that a scan cannot use; the message lists every problem found."""


class Coordinates(StrEnum):
    LATLONG = "latlong"  # decimal degrees (lat, long); distances in km on SaTScan's sphere
    CARTESIAN = "cartesian"  # x, y in the file's own units
    BNG = "bng"  # British National Grid metres (EPSG:27700); distances in km


@dataclass(frozen=True)
class ScanData:
    location_ids: tuple[str, ...]
    coords: np.ndarray  # (n, 2): (lat, long) for LATLONG, (x, y) otherwise
    coordinates: Coordinates
    start: dt.date
    end: dt.date
    cases: np.ndarray  # int64 (n, days)
    population: np.ndarray | None = None  # float (n,): Poisson model
    controls: np.ndarray | None = None  # int64 (n, days): Bernoulli model

    def __post_init__(self) -> None:
        n, days = len(self.location_ids), (self.end - self.start).days + 1
        shapes = {"coordinates": self.coords.shape, "cases": self.cases.shape}
        expected = {"coordinates": (n, 2), "cases": (n, days)}
        if self.population is not None:
            shapes["population"], expected["population"] = self.population.shape, (n,)
        if self.controls is not None:
            shapes["controls"], expected["controls"] = self.controls.shape, (n, days)
        wrong = [f"{k} {shapes[k]} (expected {expected[k]})" for k in shapes if shapes[k] != expected[k]]
        if wrong:
            raise ScanDataError(
                f"Scan data shapes disagree with {n} locations x {days} days: " + "; ".join(wrong)
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def total_cases(self) -> int:
        return int(self.cases.sum())

    def day(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=int(index))

    def location_index(self) -> dict[str, int]:
        return {loc: i for i, loc in enumerate(self.location_ids)}


def study_days(start: dt.date, end: dt.date) -> int:
    if end < start:
        raise ScanDataError(f"The study period ends ({end}) before it starts ({start}).")
    return (end - start).days + 1


def case_matrix(
    location_index: dict[str, int],
    locations: pd.Series,
    dates: pd.Series,
    counts: pd.Series,
    start: dt.date,
    end: dt.date,
    what: str = "case",
) -> np.ndarray:
    """Cases per (location, day) from parallel columns; unknown locations and out-of-period dates are
    reported all at once."""
    n_days = study_days(start, end)
    locs = locations.astype(str).str.strip()
    day = (pd.to_datetime(dates).dt.normalize() - pd.Timestamp(start)).dt.days.to_numpy()
    idx = locs.map(location_index)
    problems = []
    unknown = sorted(set(locs[idx.isna()]))
    if unknown:
        shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        problems.append(f"{len(unknown)} {what} location id(s) not in the coordinates: {shown}")
    outside = (day < 0) | (day >= n_days)
    if outside.any():
        problems.append(
            f"{int(outside.sum())} {what} record(s) dated outside the study period {start} to {end}"
        )
    cnt = counts.to_numpy()
    if (cnt < 0).any():
        problems.append(f"{int((cnt < 0).sum())} {what} record(s) with a negative count")
    if problems:
        raise ScanDataError("The data cannot be scanned:\n" + "\n".join(f"  * {p}" for p in problems))
    out = np.zeros((len(location_index), n_days), dtype=np.int64)
    np.add.at(out, (idx.to_numpy().astype(np.int64), day.astype(np.int64)), cnt.astype(np.int64))
    return out


def from_frames(
    cases: pd.DataFrame,
    locations: pd.DataFrame,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    coordinates: Coordinates = Coordinates.BNG,
    population: pd.DataFrame | None = None,
    controls: pd.DataFrame | None = None,
) -> ScanData:
    """placehub's own tables: ``cases`` (date, location_id[, count]), ``locations`` (location_id, x, y).

    ``population``: (location_id, population); ``controls``: (date, location_id[, count]). The study period
    defaults to the first and last case dates. Works on DuckDB results too (``rel.df()``).
    """
    missing = [c for c in ("date", "location_id") if c not in cases.columns]
    missing += [f"locations.{c}" for c in ("location_id", "x", "y") if c not in locations.columns]
    if missing:
        raise ScanDataError("Missing columns: " + ", ".join(missing))
    if locations["location_id"].astype(str).duplicated().any():
        raise ScanDataError("The locations table lists a location_id more than once.")
    dates = pd.to_datetime(cases["date"])
    start = start or dates.min().date()
    end = end or dates.max().date()
    ids = tuple(locations["location_id"].astype(str))
    index = {loc: i for i, loc in enumerate(ids)}
    counts = cases["count"] if "count" in cases.columns else pd.Series(np.ones(len(cases), dtype=np.int64))
    matrix = case_matrix(index, cases["location_id"], dates, counts.reset_index(drop=True), start, end)
    pop = None
    if population is not None:
        pop = np.zeros(len(ids))
        pidx = population["location_id"].astype(str).map(index)
        if pidx.isna().any():
            raise ScanDataError(f"{int(pidx.isna().sum())} population row(s) for unknown locations")
        np.add.at(pop, pidx.to_numpy().astype(np.int64), population["population"].to_numpy(dtype=float))
    ctl = None
    if controls is not None:
        ccounts = controls["count"] if "count" in controls.columns else pd.Series(np.ones(len(controls)))
        ctl = case_matrix(
            index,
            controls["location_id"],
            controls["date"],
            ccounts.reset_index(drop=True),
            start,
            end,
            "control",
        )
    return ScanData(
        location_ids=ids,
        coords=locations[["x", "y"]].to_numpy(dtype=float),
        coordinates=coordinates,
        start=start,
        end=end,
        cases=matrix,
        population=pop,
        controls=ctl,
    )
