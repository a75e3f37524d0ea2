"""What the engine decides for one record (and what it is given)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from placehub.match.thresholds import MatchMethod, MatchStatus


@dataclass(frozen=True)
class RecordAddress:
    record_id: str
    address: str | None
    postcode: str | None
    uprn_supplied: str | None = None


@dataclass(frozen=True)
class Candidate:
    uprn: str
    address: str
    postcode: str | None
    score: float | None

    def as_dict(self) -> dict:
        return {"uprn": self.uprn, "address": self.address, "postcode": self.postcode, "score": self.score}


@dataclass(frozen=True)
class RememberedDecision:
    uprn: str | None  # None: a person decided "no match"
    decided_by: str
    decided_at: str


@dataclass(frozen=True)
class MatchDecision:
    record_id: str
    address_key: str
    postcode: str | None
    uprn: str | None  # the chosen UPRN (AUTO / REVIEWED) or the suggestion (REVIEW)
    method: MatchMethod
    score: float | None  # uk_address_matcher's match weight; None for exact and remembered decisions
    status: MatchStatus
    reason: str
    candidates: tuple[Candidate, ...] = field(default=())
    decided_by: str | None = None
    # The candidates as JSON, when read back from a memo (parsed only if needed).
    candidates_text: str | None = field(default=None, compare=False, repr=False)

    def candidates_json(self) -> str:
        if not self.candidates and self.candidates_text is not None:
            return self.candidates_text
        return json.dumps([c.as_dict() for c in self.candidates])

    def candidate_list(self) -> tuple[Candidate, ...]:
        if not self.candidates and self.candidates_text:
            return tuple(Candidate(**c) for c in json.loads(self.candidates_text))
        return self.candidates
