"""Clerical review of uncertain pairs (scored between the review and match thresholds).

Decisions live in the catalogue and are honoured on every later run: an accepted pair is forced into one
person, a rejected pair is never put into one person (cannot-link), whatever the model says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from placehub.errors import NotFound, PlacehubUserError
from placehub.store import Catalogue, Vault
from placehub.store.models_link import LinkReviewDecision


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class ReviewError(PlacehubUserError):
    """A review command that cannot be carried out as given."""


@dataclass(frozen=True)
class ReviewPair:
    pair_id: int
    record_l: str
    record_r: str
    match_probability: float
    person_id_l: str
    person_id_r: str


def ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def pending_pairs(vault: Vault, catalogue: Catalogue, limit: int | None = None) -> list[ReviewPair]:
    """Uncertain pairs from the latest run with no decision yet, most likely matches first."""
    decided = decisions(catalogue)
    with vault.connect(read_only=vault.path.exists()) as con:
        if not vault.has_table(con, "link_review_pairs"):
            return []
        rows = con.execute(
            "select pair_id, unique_id_l, unique_id_r, match_probability, person_id_l, person_id_r "
            "from link_review_pairs order by match_probability desc, pair_id"
        ).fetchall()
    out = [ReviewPair(*r) for r in rows if ordered(r[1], r[2]) not in decided]
    return out[:limit] if limit else out


def decisions(catalogue: Catalogue) -> dict[tuple[str, str], Decision]:
    with catalogue.session() as s:
        rows = s.execute(
            select(LinkReviewDecision.record_l, LinkReviewDecision.record_r, LinkReviewDecision.decision)
        )
        return {(a, b): Decision(d) for a, b, d in rows}


def decided_pairs(catalogue: Catalogue) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(accepted pairs, rejected pairs)."""
    d = decisions(catalogue)
    return (
        {p for p, v in d.items() if v is Decision.ACCEPT},
        {p for p, v in d.items() if v is Decision.REJECT},
    )


def _find_pair(vault: Vault, pair_id: int) -> tuple[str, str, float]:
    with vault.connect(read_only=vault.path.exists()) as con:
        row = None
        if vault.has_table(con, "link_review_pairs"):
            row = con.execute(
                "select unique_id_l, unique_id_r, match_probability from link_review_pairs where pair_id = ?",
                [pair_id],
            ).fetchone()
    if row is None:
        raise NotFound(f"No review pair {pair_id}: run `placehub link review list` to see the pairs waiting.")
    return str(row[0]), str(row[1]), float(row[2])


def decide(
    vault: Vault,
    catalogue: Catalogue,
    decision: Decision,
    *,
    pair_id: int | None = None,
    records: tuple[str, str] | None = None,
    decided_by: str,
    note: str | None = None,
) -> LinkReviewDecision:
    """Record (or change) the decision on one pair, given by its review number or by its two record ids
    (``source|record_id``). Takes effect on the next ``placehub link run``."""
    if (pair_id is None) == (records is None):
        raise ReviewError("Give either a review pair number or two record ids (source|record_id), not both.")
    probability = None
    if pair_id is not None:
        a, b, probability = _find_pair(vault, pair_id)
    else:
        a, b = records  # type: ignore[misc]
        if a == b:
            raise ReviewError(f"A record cannot be paired with itself ({a}).")
    left, right = ordered(a, b)
    with catalogue.session() as s:
        row = s.scalars(
            select(LinkReviewDecision).where(
                LinkReviewDecision.record_l == left, LinkReviewDecision.record_r == right
            )
        ).one_or_none()
        if row is None:
            row = LinkReviewDecision(record_l=left, record_r=right)
            s.add(row)
        row.decision = decision.value
        row.match_probability = probability
        row.decided_by = decided_by
        row.note = note
    return row
