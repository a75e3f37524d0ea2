"""Run uk_address_matcher (its default stages: exact, then Splink) on the records placehub's exact path left.

Returns, per record, the ranked candidates with their match weights and uk_address_matcher's own stage name,
so that placehub's decision rules and the review screen can see the runner-up, not only the winner.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from placehub.match.prepared import PreparedGazetteer


@dataclass(frozen=True)
class UkamCandidate:
    row: int  # gazetteer row number
    match_weight: float | None
    rank: int


@dataclass(frozen=True)
class UkamResult:
    stage: str | None  # uk_address_matcher's match reason for its chosen candidate (None: no match)
    chosen_row: int | None
    match_weight: float | None
    distinguishability: float | None
    candidates: tuple[UkamCandidate, ...]


_CHUNK_ROWS = 25_000


def _row(canonical_id: str | None) -> int | None:
    return int(canonical_id[1:]) if canonical_id else None


def run_uk_address_matcher(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedGazetteer,
    ids: list[str],
    addresses: list[str],
    postcodes: list[str | None],
    n_candidates: int,
) -> dict[str, UkamResult]:
    """Match the given records with uk_address_matcher against the prepared gazetteer."""
    from uk_address_matcher import AddressMatcher

    if not ids:
        return {}
    messy = pa.table({"unique_id": ids, "address_concat": addresses, "postcode": postcodes})
    con.register("__placehub_messy", messy)
    try:
        matcher = AddressMatcher(
            canonical_addresses=str(prepared.ukam_folder),
            addresses_to_match=con.table("__placehub_messy"),
            con=con,
            show_progress="off",
            # Cleaning in chunks bounds memory on big inputs; the few thousand records placehub's exact path
            # leaves need one chunk (ten cost ~2 s of fixed overhead). Cleaning is row by row: same result.
            cleaning_num_chunks=max(1, min(10, len(ids) // _CHUNK_ROWS + 1)),
        )
        result = matcher.match()
        try:
            chosen = result.matches().select(
                "unique_id, resolved_canonical_id, match_reason, match_weight, distinguishability"
            )
            chosen_rows = chosen.fetchall()
            ranked: dict[str, list[UkamCandidate]] = {}
            # The Splink stage keeps every candidate with its rank (uk_address_matcher 1.5 inspection table)
            stage = getattr(result, "_splink_stage", None)
            table = getattr(stage, "best_matches_table", None) if stage is not None else None
            if table:
                sql = (
                    "select unique_id_r, unique_id_l, match_weight, candidate_rank "  # noqa: S608
                    f'from "{table}" where candidate_rank <= {int(n_candidates) + 1} '
                    "and unique_id_l is not null order by unique_id_r, candidate_rank"
                )
                rows = con.sql(sql).fetchall()
                for rid, cid, weight, rank in rows:
                    ranked.setdefault(str(rid), []).append(UkamCandidate(_row(cid), weight, rank))
        finally:
            result.close()
    finally:
        con.unregister("__placehub_messy")
    out: dict[str, UkamResult] = {}
    for rid, cid, reason, weight, dist in chosen_rows:
        rid = str(rid)
        row = _row(cid)
        cands = tuple(ranked.get(rid, ()))
        if row is not None and not cands:
            cands = (UkamCandidate(row, weight, 1),)
        out[rid] = UkamResult(reason, row, weight, dist, cands)
    return out
