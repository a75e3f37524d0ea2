"""Decision rules: AUTO versus REVIEW, from the exact path or from uk_address_matcher's candidates.

Every rule is general (no address is named anywhere) and documented with its measured effect in
docs/matching.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from placehub.match.compare import _fits, _words, check_pair, postcode_distance
from placehub.match.normalise import NUMBER_RE, STOPWORDS, NormalisedAddress
from placehub.match.prepared import PreparedGazetteer
from placehub.match.thresholds import MatchMethod, MatchStatus, MatchThresholds
from placehub.match.ukam import UkamResult

if TYPE_CHECKING:
    from placehub.match.decision import Candidate, MatchDecision

CandidateFactory = Callable[[PreparedGazetteer, int, "float | None"], "Candidate"]


def _area_words_agree(record: NormalisedAddress, candidate: NormalisedAddress) -> bool:
    """Every area name the record states (its trailing locality / town words) appears in the candidate."""
    stated = record.tokens[len(record.core) :]
    return set(stated) <= set(candidate.tokens)


def decide_exact(
    prepared: PreparedGazetteer, record: NormalisedAddress, postcode: str | None, thresholds: MatchThresholds
) -> tuple[int, MatchMethod, str] | None:
    """The exact path: (gazetteer row, method, reason), or None to leave the record to uk_address_matcher."""
    if not record.key:
        return None
    rows = prepared.by_key_postcode.get((record.key, postcode))
    if rows:
        # Rule E1: key and postcode name exactly one UPRN (not a building the gazetteer divides into flats).
        if len(prepared.uprns_of(rows)) == 1 and rows[0] not in prepared.children:
            return rows[0], MatchMethod.EXACT, "address and postcode match exactly"
        return None
    rows = prepared.by_key.get(record.key)
    if not rows:
        return None
    if len(prepared.uprns_of(rows)) != 1:
        return _exact_in_stated_area(prepared, record, postcode, rows, thresholds)
    row = rows[0]
    if row in prepared.children:
        return None
    cand = prepared.normalised[row]
    dist = postcode_distance(postcode, prepared.postcodes[row])
    # Rule E2: the key names one UPRN in the whole gazetteer; a mis-keyed or missing postcode is tolerated
    # when the record's area names agree and the address is numbered (a house name alone is too weak a key)
    # or the postcode is one keystroke away.
    if dist is not None and dist > thresholds.postcode_tolerance:
        return None
    if not _area_words_agree(record, cand):
        return None
    if not cand.numbers and (dist is None or dist > 1):
        return None
    what = "missing" if dist is None else f"{dist} character(s) different"
    return row, MatchMethod.EXACT_POSTCODE_TOLERANT, f"address matches exactly; postcode {what}"


def _exact_in_stated_area(
    prepared: PreparedGazetteer,
    record: NormalisedAddress,
    postcode: str | None,
    rows: tuple[int, ...],
    thresholds: MatchThresholds,
) -> tuple[int, MatchMethod, str] | None:
    """Rule E3: the key names several UPRNs in the gazetteer ("14 TRINITY ROAD" in two localities), but
    exactly one of them lies in every area name the record states; the postcode is missing or within
    tolerance, no other of them has a postcode as close to the record's, and the address is numbered."""
    stated = set(record.tokens[len(record.core) :])
    if not stated:
        return None
    fit = [r for r in rows if stated <= set(prepared.normalised[r].tokens)]
    if not fit or len(prepared.uprns_of(tuple(fit))) != 1 or fit[0] in prepared.children:
        return None
    row = fit[0]
    cand = prepared.normalised[row]
    if not cand.numbers:
        return None
    dist = postcode_distance(postcode, prepared.postcodes[row])
    if dist is not None:
        if dist > thresholds.postcode_tolerance:
            return None
        uprn = prepared.uprns[row]
        for r in rows:
            other = postcode_distance(postcode, prepared.postcodes[r])
            if prepared.uprns[r] != uprn and other is not None and other <= dist:
                return None
    what = "missing" if dist is None else f"{dist} character(s) different"
    return (
        row,
        MatchMethod.EXACT_POSTCODE_TOLERANT,
        f"address matches exactly in the area it names; postcode {what}",
    )


def decide_postcode_block(
    prepared: PreparedGazetteer, record: NormalisedAddress, postcode: str | None, thresholds: MatchThresholds
) -> tuple[int, str] | None:
    """Rule P1: among the gazetteer addresses at the record's postcode, exactly one UPRN carries the record's
    numbers and passes every consistency check (typos, abbreviations and left-out words tolerated as in
    compare.check_pair). Returns (row, reason) or None to leave the record to uk_address_matcher."""
    if postcode is None or (not record.numbers and not record.core):
        return None
    rows = prepared.rows_by_postcode.get(postcode, ())
    if not rows:
        return None
    passing: dict[str, int] = {}
    for r in rows:
        cand = prepared.normalised[r]
        if sorted(cand.numbers) != sorted(record.numbers) or r in prepared.children:
            continue
        shared = set(record.core) & set(cand.tokens) - STOPWORDS
        if not any(not NUMBER_RE.match(t) for t in shared):
            continue  # not one word in common: leave it to the probabilistic matcher
        nearby = prepared.neighbourhood(set(), {postcode}, prepared.uprns[r])
        check = check_pair(record, postcode, cand, postcode, nearby, thresholds.postcode_tolerance)
        if check.consistent:
            passing.setdefault(prepared.uprns[r], r)
    if len(passing) != 1:
        return None
    row = next(iter(passing.values()))
    return row, "postcode and numbers agree, words agree allowing for typing slips"


def decide_flat_notation(
    prepared: PreparedGazetteer, record: NormalisedAddress, postcode: str | None, thresholds: MatchThresholds
) -> tuple[int, MatchMethod, str] | None:
    """Rule F1: the record writes its flat in a notation the gazetteer does not use ("12C" for "FLAT C, 12",
    "3/12" for "FLAT 3, 12"); read in the gazetteer's notation it passes E1, E2 or P1. Only when the record's
    own reading names no gazetteer address and no address at its postcode has its numbers."""
    from placehub.match.variants import flat_notation_readings

    if record.key in prepared.by_key:
        return None
    readings = flat_notation_readings(record)
    if not readings:
        return None
    numbers = sorted(record.numbers)
    at_postcode = prepared.rows_by_postcode.get(postcode, ())
    if any(sorted(prepared.normalised[r].numbers) == numbers for r in at_postcode):
        return None
    for reading in readings:
        found = decide_exact(prepared, reading, postcode, thresholds)
        if found is not None:
            row, method, reason = found
            return row, method, f"{reason} (flat written as {reading.key})"
        block = decide_postcode_block(prepared, reading, postcode, thresholds)
        if block is not None:
            return block[0], MatchMethod.POSTCODE_BLOCK, f"{block[1]} (flat written as {reading.key})"
    return None


def decide_unnumbered_in_block(
    prepared: PreparedGazetteer, record: NormalisedAddress, postcode: str | None, thresholds: MatchThresholds
) -> list[int] | None:
    """Rule P0: the record gives no house number and at least two numbered addresses at its postcode carry
    every word it gives ("CAMBRIDGE GROVE" where 1-40 CAMBRIDGE GROVE share the postcode). No candidate could
    be auto-accepted (each would have rivals as good), so it goes straight to review with those addresses,
    without asking uk_address_matcher. Returns the rows to offer, or None."""
    if postcode is None or record.numbers:
        return None
    words = _words(record.core)
    if not words:
        return None
    fitting: dict[str, int] = {}
    for r in prepared.rows_by_postcode.get(postcode, ()):
        cand = prepared.normalised[r]
        if _fits(record, words, cand):
            if not cand.numbers:
                return None  # an unnumbered address fits too: it may be the one (a named house)
            fitting.setdefault(prepared.uprns[r], r)
    if len(fitting) < 2:
        return None
    return sorted(fitting.values())


def _gap_to_runner_up(res: UkamResult, prepared: PreparedGazetteer) -> float | None:
    """Match weight gap between the chosen UPRN and the best candidate with a different UPRN."""
    if res.chosen_row is None or res.match_weight is None:
        return None
    chosen = prepared.uprns[res.chosen_row]
    others = [
        c.match_weight
        for c in res.candidates
        if c.match_weight is not None and prepared.uprns[c.row] != chosen
    ]
    return res.match_weight - max(others) if others else None


def _same_key_rivals(
    prepared: PreparedGazetteer, record: NormalisedAddress, postcode: str | None, row: int
) -> set[str]:
    """Other UPRNs whose address reads the same as the record, in the areas it names, with a postcode at least
    as close to the record's as the chosen one's (so the postcode cannot tell them apart)."""
    cand_pc = prepared.postcodes[row]
    if postcode is not None and postcode == cand_pc:
        return set()
    stated = set(record.tokens[len(record.core) :])
    own = postcode_distance(postcode, cand_pc)
    uprn = prepared.uprns[row]
    out = set()
    for r in prepared.by_key.get(record.key, ()):
        if prepared.uprns[r] == uprn or not stated <= set(prepared.normalised[r].tokens):
            continue
        d = postcode_distance(postcode, prepared.postcodes[r])
        if own is None or d is None or d <= own:
            out.add(prepared.uprns[r])
    return out


def decide_ukam(
    prepared: PreparedGazetteer,
    record: NormalisedAddress,
    postcode: str | None,
    res: UkamResult | None,
    thresholds: MatchThresholds,
    make_candidate: CandidateFactory,
) -> MatchDecision:
    from placehub.match.decision import MatchDecision

    if res is None or res.chosen_row is None:
        return MatchDecision(
            "", record.key, postcode, None, MatchMethod.NONE, None, MatchStatus.UNMATCHED,
            "no gazetteer address is close enough",
        )  # fmt: skip
    seen: set[str] = set()
    cands = []
    for c in sorted(res.candidates, key=lambda c: c.rank):
        u = prepared.uprns[c.row]
        if u not in seen and len(cands) < thresholds.candidates:
            seen.add(u)
            cands.append(make_candidate(prepared, c.row, c.match_weight))
    row = res.chosen_row
    uprn = prepared.uprns[row]
    if uprn not in seen:
        cands.insert(0, make_candidate(prepared, row, res.match_weight))
    stage = (res.stage or "").split(":")[0]
    method = MatchMethod.UK_ADDRESS_MATCHER
    nearby = prepared.neighbourhood(
        {c.row for c in res.candidates}, {postcode, prepared.postcodes[row]}, uprn
    )
    check = check_pair(
        record,
        postcode,
        prepared.normalised[row],
        prepared.postcodes[row],
        nearby,
        thresholds.postcode_tolerance,
    )
    problems = list(check.problems)
    same_key = _same_key_rivals(prepared, record, postcode, row)
    if same_key:
        problems.append(
            f"{len(same_key)} other gazetteer address(es) read the same and the postcode does not pick one"
        )
    if row in prepared.children:
        problems.append(
            f"the gazetteer divides this building into {prepared.children[row]} more addresses "
            "(flats or floors) and the record names none of them"
        )
    scored = res.match_weight is not None
    gap = _gap_to_runner_up(res, prepared)
    if scored and res.match_weight < thresholds.auto_match_weight:
        problems.append(f"match weight {res.match_weight:.1f} below {thresholds.auto_match_weight:g}")
    if scored and gap is not None and gap < thresholds.auto_distinguishability:
        problems.append(f"runner-up only {gap:.1f} behind (needs {thresholds.auto_distinguishability:g})")
    status = MatchStatus.REVIEW if problems else MatchStatus.AUTO
    reason = f"uk_address_matcher {stage}" + "".join(f"; {p}" for p in problems + list(check.tolerated))
    return MatchDecision(
        "", record.key, postcode, uprn, method, res.match_weight, status, reason, tuple(cands)
    )
