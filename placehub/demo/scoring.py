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


@dataclass(frozen=True)
class LinkScore:
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_people(con: duckdb.DuckDBPyConnection, truth_csv: Path) -> LinkScore:
    """Cluster precision, recall and F1 over record pairs implied by ``person_records``, vs the truth."""
    row = con.execute(
        """
        with truth as (
            select source, record_id, true_person_id from read_csv(?, all_varchar = true)
        ),
        linked as (
            select p.person_id, t.true_person_id
            from person_records p join truth t using (source, record_id)
        ),
        pairs as (
            select
                (select sum(n * (n - 1) / 2) from (select count(*) n from linked group by true_person_id)),
                (select sum(n * (n - 1) / 2) from (select count(*) n from linked group by person_id)),
                (select sum(n * (n - 1) / 2) from (
                    select count(*) n from linked group by person_id, true_person_id))
        )
        select (select count(*) from linked), * from pairs
        """,
        [str(truth_csv)],
    ).fetchone()
    return LinkScore(*(int(v or 0) for v in row))
