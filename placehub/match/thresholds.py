"""Match statuses and the thresholds that decide auto-accept versus review (stored with each run)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from enum import StrEnum


class MatchStatus(StrEnum):
    AUTO = "auto"  # auto-accepted
    REVIEW = "review"  # needs a person
    REVIEWED = "reviewed"  # a person decided (now, or remembered from an earlier load)
    UNMATCHED = "unmatched"  # no candidate at all


class MatchMethod(StrEnum):
    REMEMBERED = "remembered"
    REVIEWED = "reviewed"
    EXACT = "exact"
    EXACT_POSTCODE_TOLERANT = "exact-postcode-tolerant"
    POSTCODE_BLOCK = "postcode-block"
    SUPPLIED_UPRN_CHECKED = "supplied-uprn-checked"
    UK_ADDRESS_MATCHER = "uk_address_matcher"
    NONE = "none"


@dataclass(frozen=True)
class MatchThresholds:
    """When a uk_address_matcher match is accepted without a person looking at it.

    ``auto_match_weight``: minimum Splink match weight; ``auto_distinguishability``: minimum gap to the
    runner-up candidate (a lone candidate counts as distinguishable). Matches from uk_address_matcher's exact
    stages pass both. Independently of the scores, a match is only auto-accepted when its house and flat
    numbers agree with the record, no word of the record is missing from it and no name of the candidate is
    missing from the record (see docs/matching.md). ``postcode_tolerance``: the largest number of character
    edits between a record's postcode and the gazetteer's for an otherwise exact address to be auto-accepted.
    ``candidates``: how many candidates to keep for the review screen.
    """

    auto_match_weight: float = 0.0
    auto_distinguishability: float = 2.0
    postcode_tolerance: int = 3
    candidates: int = 3

    def __post_init__(self) -> None:
        from placehub.match.errors import BadThresholds

        if self.postcode_tolerance < 0 or self.postcode_tolerance > 7:
            raise BadThresholds(
                f"postcode tolerance {self.postcode_tolerance} is out of range: "
                "use 0 (postcodes must agree) to 7."
            )
        if self.candidates < 1 or self.candidates > 20:
            raise BadThresholds(f"candidates {self.candidates} is out of range: keep between 1 and 20.")
        if self.auto_distinguishability < 0:
            raise BadThresholds(
                f"auto distinguishability {self.auto_distinguishability} is negative: it is a gap between "
                "two match weights, 0 or more."
            )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MatchThresholds:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
