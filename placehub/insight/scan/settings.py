"""What a scan looks for: model, analysis type and window limits, as one typed, JSON-able object.

Names follow SaTScan's parameter file so that a ``.prm`` maps onto ``ScanSettings`` one to one
(see ``satscan_files.read_prm``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

from placehub.errors import PlacehubUserError


class ScanSettingsError(PlacehubUserError):
    """Scan settings that cannot be run (out-of-range limits, a model without its data)."""


class Model(StrEnum):
    SPACE_TIME_PERMUTATION = "space-time-permutation"  # cases only (SaTScan ModelType=2)
    POISSON = "poisson"  # cases + population (ModelType=0)
    BERNOULLI = "bernoulli"  # cases + controls (ModelType=1)


class Analysis(StrEnum):
    RETROSPECTIVE = "retrospective"  # space-time, every window in the study period (AnalysisType=3)
    PROSPECTIVE = "prospective"  # space-time, only windows still "alive" on the last day (AnalysisType=4)
    PURELY_SPATIAL = "purely-spatial"  # one window: the whole study period (AnalysisType=1)


class SecondaryClusters(StrEnum):
    NO_GEOGRAPHICAL_OVERLAP = "no-geographical-overlap"  # SaTScan's default (criterion 0)
    NO_RESTRICTIONS = "no-restrictions"  # criterion 5


@dataclass(frozen=True)
class ScanSettings:
    model: Model = Model.SPACE_TIME_PERMUTATION
    analysis: Analysis = Analysis.RETROSPECTIVE
    # Spatial window: a circle grows over the nearest locations until either limit would be passed.
    max_spatial_share: float = (
        0.5  # of the cases (permutation), population (Poisson) or individuals (Bernoulli)
    )
    max_radius_km: float | None = None  # km (lat/long, British National Grid); file units for Cartesian
    # Temporal window, in days: a fixed number of days or a share of the study period.
    max_temporal_days: int | None = None
    max_temporal_share: float = 0.5
    min_temporal_days: int = 1
    min_cases: int = 2  # in a high-rate cluster (SaTScan MinimumCasesInHighRateClusters)
    replications: int = 999
    seed: int = 20011124
    early_stop: int | None = (
        None  # sequential Monte Carlo: stop once this many simulated LLRs beat the top one
    )
    secondary: SecondaryClusters = SecondaryClusters.NO_GEOGRAPHICAL_OVERLAP

    def __post_init__(self) -> None:
        problems = []
        if not 0 < self.max_spatial_share <= 0.5:
            problems.append(f"max_spatial_share must be in (0, 0.5], got {self.max_spatial_share}")
        if self.max_radius_km is not None and self.max_radius_km < 0:
            problems.append(f"max_radius_km must be positive, got {self.max_radius_km}")
        if self.max_temporal_days is not None and self.max_temporal_days < 1:
            problems.append(f"max_temporal_days must be at least 1, got {self.max_temporal_days}")
        if not 0 < self.max_temporal_share <= 0.9:
            problems.append(f"max_temporal_share must be in (0, 0.9], got {self.max_temporal_share}")
        if self.min_temporal_days < 1:
            problems.append(f"min_temporal_days must be at least 1, got {self.min_temporal_days}")
        if self.min_cases < 1:
            problems.append(f"min_cases must be at least 1, got {self.min_cases}")
        if self.replications < 0:
            problems.append(f"replications must be 0 or more, got {self.replications}")
        if self.model is Model.SPACE_TIME_PERMUTATION and self.analysis is Analysis.PURELY_SPATIAL:
            problems.append(
                "the space-time permutation model needs a space-time analysis, not purely spatial"
            )
        if problems:
            raise ScanSettingsError(
                "Scan settings are not valid:\n" + "\n".join(f"  * {p}" for p in problems)
            )

    def max_window_days(self, study_days: int) -> int:
        """Longest time window in days: SaTScan rounds the share of the study period down."""
        if self.analysis is Analysis.PURELY_SPATIAL:
            return study_days
        if self.max_temporal_days is not None:
            return min(self.max_temporal_days, study_days)
        return max(1, int(study_days * self.max_temporal_share + 1e-9))

    def to_json(self) -> dict:
        return {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> ScanSettings:
        d = dict(data)
        for key, enum in (("model", Model), ("analysis", Analysis), ("secondary", SecondaryClusters)):
            if key in d:
                d[key] = enum(d[key])
        return cls(**d)
