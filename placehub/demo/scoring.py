"""Score the demo's pipeline against its truth table: the demo knows every record's true UPRN and person."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class MatchScore:
    source: str
    records: int
    auto: int
    auto_correct: int
    review: int
    unmatched: int

    @property
    def auto_share(self) -> float:
        return self.auto / self.records if self.records else 0.0

    @property
    def review_share(self) -> float:
        return self.review / self.records if self.records else 0.0

    @property
    def precision(self) -> float:
        """Share of auto-accepted matches that carry the true UPRN."""
        return self.auto_correct / self.auto if self.auto else 1.0

    @property
    def recall(self) -> float:
        """Share of all records auto-accepted onto their true UPRN."""
        return self.auto_correct / self.records if self.records else 0.0


def score_matches(con: duckdb.DuckDBPyConnection, truth_csv: Path) -> list[MatchScore]:
    """One score per source: the vault's ``matches`` against ``truth.csv`` (source, record_id, true_uprn)."""
    rows = con.execute(
        """
        with truth as (
            select source, record_id, true_uprn
            from read_csv(?, all_varchar = true)
        )
        select m.source,
               count(*) as records,
               count(*) filter (where m.status = 'auto') as auto,
               count(*) filter (where m.status = 'auto' and m.uprn = t.true_uprn) as auto_correct,
               count(*) filter (where m.status = 'review') as review,
               count(*) filter (where m.status = 'unmatched') as unmatched
        from matches m
        join truth t on t.source = m.source and t.record_id = m.record_id
        group by m.source
        order by m.source
        """,
        [str(truth_csv)],
    ).fetchall()
    return [MatchScore(*row) for row in rows]
