"""A UPRN supplied by a partner is checked, not trusted: it must exist and its address must agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from placehub.match.compare import check_pair
from placehub.match.normalise import NormalisedAddress
from placehub.match.prepared import PreparedGazetteer
from placehub.match.thresholds import MatchMethod, MatchStatus, MatchThresholds

if TYPE_CHECKING:
    from placehub.match.decide import CandidateFactory
    from placehub.match.decision import MatchDecision


def check_supplied_uprn(
    prepared: PreparedGazetteer,
    record: NormalisedAddress,
    postcode: str | None,
    supplied: str,
    decision: MatchDecision,
    thresholds: MatchThresholds,
    make_candidate: CandidateFactory,
) -> MatchDecision:
    """The decision once the record's supplied UPRN has been checked against the gazetteer and the address."""
    from placehub.match.decision import MatchDecision

    supplied = supplied.strip()
    rows = prepared.rows_by_uprn.get(supplied)

    def with_(
        status: MatchStatus, uprn: str | None, method: MatchMethod, reason: str, extra=()
    ) -> MatchDecision:
        cands = tuple(extra) + tuple(
            c for c in decision.candidate_list() if all(c.uprn != e.uprn for e in extra)
        )
        return MatchDecision(
            "", decision.address_key, decision.postcode, uprn, method, decision.score, status, reason,
            cands[: thresholds.candidates], decision.decided_by,
        )  # fmt: skip

    if not rows:
        return with_(
            MatchStatus.REVIEW,
            decision.uprn,
            decision.method,
            f"supplied UPRN {supplied} is not in the gazetteer; address match: {decision.reason}",
        )
    # The supplied UPRN may carry several address strings: it agrees if any of them does.
    problems_by_row = {
        r: list(
            check_pair(
                record,
                postcode,
                prepared.normalised[r],
                prepared.postcodes[r],
                prepared.neighbourhood(set(), {postcode, prepared.postcodes[r]}, prepared.uprns[r]),
                thresholds.postcode_tolerance,
            ).problems
        )
        for r in rows
    }
    best_row = min(rows, key=lambda r: len(problems_by_row[r]))
    problems = problems_by_row[best_row]
    supplied_candidate = make_candidate(prepared, best_row, None)
    if decision.uprn == supplied and (decision.status is MatchStatus.AUTO or not problems):
        return with_(
            MatchStatus.AUTO,
            supplied,
            MatchMethod.SUPPLIED_UPRN_CHECKED,
            f"supplied UPRN confirmed by the address match ({decision.method.value})",
            [supplied_candidate],
        )
    if decision.status is MatchStatus.AUTO and decision.uprn != supplied:
        return with_(
            MatchStatus.REVIEW,
            decision.uprn,
            decision.method,
            f"supplied UPRN {supplied} disagrees with the address match {decision.uprn}",
            [supplied_candidate],
        )
    if not problems:
        return with_(
            MatchStatus.AUTO,
            supplied,
            MatchMethod.SUPPLIED_UPRN_CHECKED,
            "supplied UPRN exists and its gazetteer address agrees with the record",
            [supplied_candidate],
        )
    return with_(
        MatchStatus.REVIEW,
        supplied,
        MatchMethod.SUPPLIED_UPRN_CHECKED,
        f"supplied UPRN {supplied}'s gazetteer address disagrees: " + "; ".join(problems),
        [supplied_candidate],
    )
