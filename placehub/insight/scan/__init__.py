"""Space-time scan statistics (Kulldorff's scan, as SaTScan computes it).

Models: space-time permutation (cases only), discrete Poisson (cases + population), Bernoulli (cases +
controls); analyses: retrospective and prospective space-time, purely spatial. Circular windows centred on the
locations, Monte Carlo p-values, recurrence intervals, secondary clusters without geographical overlap.
"""

from placehub.insight.scan.data import Coordinates, ScanData, ScanDataError, from_frames
from placehub.insight.scan.engine import run_scan
from placehub.insight.scan.montecarlo import describe_recurrence, p_value, recurrence_interval_days
from placehub.insight.scan.results import Cluster, ScanResult
from placehub.insight.scan.satscan_files import (
    PrmAnalysis,
    read_cases,
    read_geo,
    read_population,
    read_prm,
    run_prm,
    scan_data,
)
from placehub.insight.scan.settings import Analysis, Model, ScanSettings, ScanSettingsError, SecondaryClusters

__all__ = [
    "Analysis",
    "Cluster",
    "Coordinates",
    "Model",
    "PrmAnalysis",
    "ScanData",
    "ScanDataError",
    "ScanResult",
    "ScanSettings",
    "ScanSettingsError",
    "SecondaryClusters",
    "describe_recurrence",
    "from_frames",
    "p_value",
    "read_cases",
    "read_geo",
    "read_population",
    "read_prm",
    "recurrence_interval_days",
    "run_prm",
    "run_scan",
    "scan_data",
]
