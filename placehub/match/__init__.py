"""Address → UPRN matching (uk_address_matcher), the review queue and remembered decisions."""

from placehub.match.engine import (
    Candidate,
    MatchDecision,
    RecordAddress,
    RememberedDecision,
    decisions_table,
    match_addresses,
    match_relations,
)
from placehub.match.prepared import PreparedGazetteer, prepare_gazetteer, prepared_gazetteer
from placehub.match.results import ensure_matched_records, export_results
from placehub.match.review import ReviewItemView, ReviewOutcome, accept, list_review, reject
from placehub.match.run import MatchRunResult, match_source
from placehub.match.thresholds import MatchMethod, MatchStatus, MatchThresholds

__all__ = [
    "Candidate",
    "MatchDecision",
    "MatchMethod",
    "MatchRunResult",
    "MatchStatus",
    "MatchThresholds",
    "PreparedGazetteer",
    "RecordAddress",
    "RememberedDecision",
    "ReviewItemView",
    "ReviewOutcome",
    "accept",
    "decisions_table",
    "ensure_matched_records",
    "export_results",
    "list_review",
    "match_addresses",
    "match_relations",
    "match_source",
    "prepare_gazetteer",
    "prepared_gazetteer",
    "reject",
]
