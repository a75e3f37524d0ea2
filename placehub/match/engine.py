"""The matching engine: one decision per record — UPRN, method, score, status, candidates and reason.

Order of evidence, first that applies wins:
1. a remembered decision (a person decided this address before, for this source) → REVIEWED;
2. placehub's exact path: the address key and postcode name exactly one UPRN → AUTO; the key alone names
   one UPRN (or one in the areas the record names), the postcode is near and the record's area names agree →
   AUTO (postcode-tolerant); one address at the postcode fits the record → AUTO (postcode block); the same
   with the flat read in the gazetteer's notation ("12C" / "FLAT C, 12" / "3/12"); an unnumbered record that
   several numbered addresses at its postcode fit → REVIEW without asking uk_address_matcher;
3. uk_address_matcher (exact stages, then Splink) on what is left; its choice is AUTO only when the scores
   clear ``MatchThresholds`` and the pair passes placehub's consistency checks, otherwise REVIEW;
4. a supplied UPRN is then checked against the gazetteer and the address, never trusted blindly.
Identical addresses (same cleaned text and postcode) are decided once.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from placehub.match.compare import check_pair
from placehub.match.decide import (
    decide_exact,
    decide_flat_notation,
    decide_postcode_block,
    decide_ukam,
    decide_unnumbered_in_block,
)
from placehub.match.decision import Candidate, MatchDecision, RecordAddress, RememberedDecision
from placehub.match.memo import DecisionMemo
from placehub.match.normalise import NormalisedAddress, normalise_address, normalise_postcode
from placehub.match.prepared import PreparedGazetteer
from placehub.match.supplied import check_supplied_uprn
from placehub.match.thresholds import MatchMethod, MatchStatus, MatchThresholds
from placehub.match.ukam import run_uk_address_matcher

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class _Group:
    norm: NormalisedAddress
    postcode: str | None
    address: str


def _candidate(prepared: PreparedGazetteer, row: int, score: float | None) -> Candidate:
    return Candidate(prepared.uprns[row], prepared.addresses[row], prepared.postcodes[row], score)


def match_addresses(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedGazetteer,
    records: Sequence[RecordAddress],
    thresholds: MatchThresholds,
    remembered: Mapping[tuple[str, str | None], RememberedDecision] | None = None,
    progress: Progress | None = None,
    memo: DecisionMemo | None = None,
) -> list[MatchDecision]:
    """Decide every record; the result is in the order of ``records``. ``memo``: decisions made earlier
    against the same prepared gazetteer and thresholds, reused and extended."""
    # The cyclic garbage collector would walk the prepared gazetteer's millions of objects (and whatever else
    # the process holds) again and again while this call allocates a few hundred thousand more: what exists
    # now is set aside (gc.freeze) for the call, and collection is paused while placehub's own Python runs.
    paused = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        return _match_addresses(con, prepared, records, thresholds, remembered, progress, memo)
    finally:
        gc.unfreeze()
        if paused:
            gc.enable()


def _match_addresses(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedGazetteer,
    records: Sequence[RecordAddress],
    thresholds: MatchThresholds,
    remembered: Mapping[tuple[str, str | None], RememberedDecision] | None,
    progress: Progress | None,
    memo: DecisionMemo | None,
) -> list[MatchDecision]:
    remembered = remembered or {}
    report = progress or (lambda _step, _done, _total: None)
    total = len(records)
    raw_of = [(rec.address or "", rec.postcode or "") for rec in records]

    # A repeat of an address already decided against this gazetteer is not redone (unless a person has
    # decided it since: their decision comes first).
    by_raw: dict[tuple[str, str], MatchDecision] = {}
    pending: dict[tuple[str, str], None] = {}
    for raw in raw_of:
        if raw in by_raw or raw in pending:
            continue
        known = memo.get(raw) if memo is not None else None
        if known is not None and (known.address_key, known.postcode) not in remembered:
            by_raw[raw] = known
        else:
            pending[raw] = None
    report("reused", total - len(pending), total)

    groups: dict[tuple[tuple[str, ...], str | None], _Group] = {}
    group_of_raw: dict[tuple[str, str], tuple[tuple[str, ...], str | None]] = {}
    for raw in pending:
        norm = normalise_address(raw[0], prepared.areas)
        pc = normalise_postcode(raw[1])
        gk = (norm.tokens, pc)
        if gk not in groups:
            groups[gk] = _Group(norm, pc, raw[0])
        group_of_raw[raw] = gk
    report("normalised", total, total)

    decided: dict[tuple[tuple[str, ...], str | None], MatchDecision] = {}
    residual: list[tuple[tuple[str, ...], str | None]] = []
    for gk, g in groups.items():
        person = remembered.get((g.norm.key, g.postcode))
        if person is not None:
            cands = tuple(
                _candidate(prepared, r, None) for r in prepared.rows_by_uprn.get(person.uprn or "", ())[:1]
            )
            decided[gk] = MatchDecision(
                "", g.norm.key, g.postcode, person.uprn, MatchMethod.REMEMBERED, None, MatchStatus.REVIEWED,
                f"remembered decision by {person.decided_by} on {person.decided_at}"
                + ("" if person.uprn else ": no match"),
                cands, person.decided_by,
            )  # fmt: skip
            continue
        exact = decide_exact(prepared, g.norm, g.postcode, thresholds)
        if exact is None:
            block = decide_postcode_block(prepared, g.norm, g.postcode, thresholds)
            if block is not None:
                exact = (block[0], MatchMethod.POSTCODE_BLOCK, block[1])
            else:
                exact = decide_flat_notation(prepared, g.norm, g.postcode, thresholds)
        if exact is None:
            offer = decide_unnumbered_in_block(prepared, g.norm, g.postcode, thresholds)
            if offer is not None:
                decided[gk] = MatchDecision(
                    "", g.norm.key, g.postcode, None, MatchMethod.POSTCODE_BLOCK, None, MatchStatus.REVIEW,
                    f"no house number given and {len(offer)} numbered addresses at the postcode fit it",
                    tuple(_candidate(prepared, r, None) for r in offer[: thresholds.candidates]),
                )  # fmt: skip
                continue
        if exact is not None:
            row, method, reason = exact
            decided[gk] = MatchDecision(
                "", g.norm.key, g.postcode, prepared.uprns[row], method, None, MatchStatus.AUTO, reason,
                (_candidate(prepared, row, None),),
            )  # fmt: skip
        else:
            residual.append(gk)
    report("exact", total - len(residual), total)

    ids = [f"r{i}" for i in range(len(residual))]
    collecting = gc.isenabled()
    gc.enable()  # uk_address_matcher (Splink, sqlglot) makes cyclic garbage: collected as usual
    try:
        ukam = _run_ukam(con, prepared, ids, [groups[gk] for gk in residual], thresholds)
    finally:
        if not collecting:
            gc.disable()
    for rid, gk in zip(ids, residual, strict=True):
        g = groups[gk]
        decided[gk] = decide_ukam(prepared, g.norm, g.postcode, ukam.get(rid), thresholds, _candidate)
    for raw, gk in group_of_raw.items():
        by_raw[raw] = decided[gk]
        if memo is not None and decided[gk].method is not MatchMethod.REMEMBERED:
            memo.put(raw, decided[gk])
    report("uk_address_matcher", total, total)

    out: list[MatchDecision] = []
    for rec, raw in zip(records, raw_of, strict=True):
        d = by_raw[raw]
        if rec.uprn_supplied and d.method is not MatchMethod.REMEMBERED:
            norm = normalise_address(raw[0], prepared.areas)
            d = check_supplied_uprn(prepared, norm, d.postcode, rec.uprn_supplied, d, thresholds, _candidate)
        out.append(_with_record(d, rec.record_id))
    return out


def _run_ukam(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedGazetteer,
    ids: list[str],
    residual: list[_Group],
    thresholds: MatchThresholds,
) -> dict:
    addresses = [g.address for g in residual]
    postcodes = [g.postcode for g in residual]
    return run_uk_address_matcher(con, prepared, ids, addresses, postcodes, thresholds.candidates)


def _with_record(d: MatchDecision, record_id: str) -> MatchDecision:
    # A copy of the shared decision with this record's id; copying the fields directly is several times
    # faster than the frozen dataclass's __init__, which matters at 100,000 records.
    out = object.__new__(MatchDecision)
    vars(out).update(vars(d), record_id=record_id)
    return out


DECISION_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("address_key", pa.string()),
        ("postcode", pa.string()),
        ("uprn", pa.string()),
        ("method", pa.string()),
        ("score", pa.float64()),
        ("status", pa.string()),
        ("candidates", pa.string()),
        ("reason", pa.string()),
        ("decided_by", pa.string()),
    ]
)


def decisions_table(decisions: Sequence[MatchDecision]) -> pa.Table:
    """Decisions as an Arrow table (register it on a DuckDB connection to query it)."""
    return pa.table(
        {
            "record_id": [d.record_id for d in decisions],
            "address_key": [d.address_key for d in decisions],
            "postcode": [d.postcode for d in decisions],
            "uprn": [d.uprn for d in decisions],
            "method": [d.method.value for d in decisions],
            "score": [d.score for d in decisions],
            "status": [d.status.value for d in decisions],
            "candidates": [d.candidates_json() for d in decisions],
            "reason": [d.reason for d in decisions],
            "decided_by": [d.decided_by for d in decisions],
        },
        schema=DECISION_SCHEMA,
    )


def match_relations(
    con: duckdb.DuckDBPyConnection,
    canonical: duckdb.DuckDBPyRelation,
    records: duckdb.DuckDBPyRelation,
    thresholds: MatchThresholds,
    prepared: PreparedGazetteer | None = None,
    remembered: Mapping[tuple[str, str | None], RememberedDecision] | None = None,
    progress: Progress | None = None,
) -> pa.Table:
    """Relations in, decisions out. ``canonical``: uprn, address, postcode[, locality, town]; ``records``:
    record_id, address, postcode[, uprn_supplied]. Pass ``prepared`` (prepared.prepared_gazetteer) to reuse
    a prepared gazetteer; without it ``canonical`` is prepared into a temporary folder for this call."""
    cols = set(records.columns)
    supplied = "uprn_supplied::VARCHAR" if "uprn_supplied" in cols else "NULL::VARCHAR"
    rows = records.select(f"record_id::VARCHAR, address::VARCHAR, postcode::VARCHAR, {supplied}").fetchall()
    recs = [RecordAddress(*r) for r in rows]
    if prepared is not None:
        return decisions_table(match_addresses(con, prepared, recs, thresholds, remembered, progress))
    import tempfile

    from placehub.match.prepared import prepared_gazetteer

    with tempfile.TemporaryDirectory(prefix="placehub-match-") as tmp:
        fresh, _ = prepared_gazetteer(con, canonical, Path(tmp))
        return decisions_table(match_addresses(con, fresh, recs, thresholds, remembered, progress))


__all__ = [
    "Candidate",
    "MatchDecision",
    "RecordAddress",
    "RememberedDecision",
    "check_pair",
    "decisions_table",
    "match_addresses",
    "match_relations",
]
