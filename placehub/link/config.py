"""Linkage settings as data: thresholds, seed, sample sizes. Stored as JSON with every run."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from placehub.errors import PlacehubUserError


class LinkSettingsError(PlacehubUserError):
    """Linkage settings that cannot work (threshold outside 0–1, review band upside down, unknown engine)."""


ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class LinkConfig:
    """What drives a linkage run.

    ``match_threshold``: pairs scored at or above this probability are the same person.
    ``review_threshold``: pairs from here up to ``match_threshold`` go to clerical review.
    """

    match_threshold: float = 0.9
    review_threshold: float = 0.5
    seed: int = 42
    u_max_pairs: float = 1e6
    recall_of_deterministic_rules: float = 0.7
    engine: str = "duckdb"
    spark_master: str | None = None

    def __post_init__(self) -> None:
        problems = []
        for name in ("match_threshold", "review_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                problems.append(f"{name} must be a probability above 0 and at most 1 (got {value})")
        if self.review_threshold > self.match_threshold:
            problems.append(
                f"review_threshold ({self.review_threshold}) must not be above match_threshold "
                f"({self.match_threshold}): pairs between the two go to clerical review"
            )
        if self.engine not in ENGINES:
            problems.append(f"engine must be one of {', '.join(ENGINES)} (got {self.engine!r})")
        if problems:
            raise LinkSettingsError(
                "Linkage settings are not usable:\n" + "\n".join(f"  * {p}" for p in problems)
            )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LinkConfig:
        return cls(**json.loads(text))
