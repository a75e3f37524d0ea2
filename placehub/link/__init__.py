"""Person linkage across sources (Splink on DuckDB or Spark), stable person ids, households.

Public surface: ``run_linkage`` (full or one source's new load), ``LinkConfig``, review functions, counts.
"""

from placehub.link.config import LinkConfig, LinkSettingsError
from placehub.link.nicknames import canonical_first_name
from placehub.link.people import PeopleCounts, people_counts
from placehub.link.review import Decision, ReviewPair, decide, pending_pairs
from placehub.link.run import RunSummary, run_linkage

__all__ = [
    "Decision",
    "LinkConfig",
    "LinkSettingsError",
    "PeopleCounts",
    "ReviewPair",
    "RunSummary",
    "canonical_first_name",
    "decide",
    "people_counts",
    "pending_pairs",
    "run_linkage",
]
