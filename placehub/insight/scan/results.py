"""What a scan found: clusters with their statistics, the simulated maxima, and a plain report."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from placehub.insight.scan.data import Coordinates
from placehub.insight.scan.montecarlo import describe_recurrence
from placehub.insight.scan.settings import Analysis, ScanSettings


def satscan_number(x: float, decimals: int = 2) -> str:
    """Numbers as SaTScan prints them: rounded half up; values under 0.1 to two significant figures."""
    from decimal import ROUND_HALF_UP, Decimal

    if x != 0 and abs(x) < 0.1 and math.isfinite(x):
        decimals = 1 - math.floor(math.log10(abs(x)))
    q = Decimal(1).scaleb(-decimals)
    return str(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def satscan_date(d: dt.date) -> str:
    return f"{d.year}/{d.month}/{d.day}"


@dataclass(frozen=True)
class Cluster:
    rank: int  # 1 = most likely cluster
    centre_id: str
    centre: tuple[float, float]  # (lat, long) or (x, y) as given
    radius: float  # km (lat/long, BNG) or file units (Cartesian)
    location_ids: tuple[str, ...]  # nearest first
    start: dt.date
    end: dt.date
    observed: int
    expected: float  # expected cases (permutation, Poisson); individuals in the window for Bernoulli
    llr: float
    p_value: float
    recurrence_days: float | None = None  # prospective analyses only

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def n_locations(self) -> int:
        return len(self.location_ids)

    @property
    def observed_over_expected(self) -> float:
        return self.observed / self.expected if self.expected else float("inf")

    def recurrence_text(self) -> str | None:
        return None if self.recurrence_days is None else describe_recurrence(self.recurrence_days)


@dataclass
class ScanResult:
    settings: ScanSettings
    coordinates: Coordinates
    start: dt.date
    end: dt.date
    n_locations: int
    total_cases: int
    clusters: list[Cluster]
    simulated_llrs: np.ndarray = field(repr=False)
    replications_run: int = 0

    @property
    def most_likely(self) -> Cluster | None:
        return self.clusters[0] if self.clusters else None

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for c in self.clusters:
            row = asdict(c)
            row["location_ids"] = ", ".join(c.location_ids)
            row["n_locations"] = c.n_locations
            row["centre_a"], row["centre_b"] = c.centre
            del row["centre"]
            rows.append(row)
        return pd.DataFrame(rows)

    def report(self) -> str:
        """A results listing in the shape of SaTScan's main results file."""
        s = self.settings
        unit = "km" if self.coordinates is not Coordinates.CARTESIAN else "units"
        lines = [
            f"{s.analysis.value} analysis, {s.model.value} model, scanning for high rates",
            f"Study period: {satscan_date(self.start)} to {satscan_date(self.end)}",
            f"Number of locations: {self.n_locations}; total number of cases: {self.total_cases}",
            f"Monte Carlo replications: {self.replications_run} (seed {s.seed})",
            "",
        ]
        for c in self.clusters:
            if self.coordinates is Coordinates.LATLONG:
                lat, lon = c.centre
                where = (
                    f"({abs(lat):.6f} {'N' if lat >= 0 else 'S'}, {abs(lon):.6f} {'E' if lon >= 0 else 'W'})"
                )
            else:
                where = f"({c.centre[0]:.1f}, {c.centre[1]:.1f})"
            radius = "0" if c.radius == 0 else f"{c.radius:.2f}"
            lines += [
                f"{c.rank}.Location IDs included.: {', '.join(c.location_ids)}",
                f"  Coordinates / radius..: {where} / {radius} {unit}",
                f"  Time frame............: {satscan_date(c.start)} to {satscan_date(c.end)}",
                f"  Number of cases.......: {c.observed}",
                f"  Expected cases........: {satscan_number(c.expected)}",
                f"  Observed / expected...: {satscan_number(c.observed_over_expected)}",
                f"  Test statistic........: {c.llr:.6f}",
                f"  P-value...............: {c.p_value:.3f}",
            ]
            if s.analysis is Analysis.PROSPECTIVE and c.recurrence_days is not None:
                lines.append(f"  Recurrence interval...: {c.recurrence_text()}")
            lines.append("")
        return "\n".join(lines)
