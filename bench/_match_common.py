"""Shared by the matching benchmarks: read the CSV shapes, run placehub and plain uk_address_matcher."""

from __future__ import annotations

import csv
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from placehub.match import MatchStatus, MatchThresholds, RecordAddress, match_addresses, prepared_gazetteer
from placehub.match.memo import memo_for

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Truth:
    ids: list[str]
    addresses: list[str]
    postcodes: list[str]
    truth: list[str]
    ambiguous: list[bool]  # the string may no longer identify one property (collision / failed rules)


def read_messy(path: Path, limit: int | None = None) -> Truth:
    ids, addrs, pcs, truth, amb = [], [], [], [], []
    with path.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if limit is not None and i >= limit:
                break
            ids.append(row["id"])
            addrs.append(row["address"])
            pcs.append(row["postcode"])
            truth.append(row["true_uprn"])
            amb.append(
                row.get("collision", "") in ("matches_other_only", "matches_label_and_other")
                or bool(row.get("failed_rules"))
            )
    return Truth(ids, addrs, pcs, truth, amb)


def write_new_messy(out_dir: Path, n: int, seed: int, file_seed: int) -> Path:
    """Another delivery against the same demo gazetteer (``write_match_bench(out_dir, n, seed)``): ``n`` new
    messy renderings drawn with a different random stream (``file_seed``), so none of its decisions can come
    from an earlier run's decision cache."""
    import random

    from placehub.demo import mess
    from placehub.demo.layout import lay_out_borough

    layout = lay_out_borough(seed)
    rng = random.Random(f"match-bench-{seed}-new-file-{file_seed}")
    targets = [a for a in layout.addresses if a.classification != "PP"]
    neighbours = mess.postcode_neighbours(layout.addresses)
    path = out_dir / f"messy_new_{file_seed}.csv"
    width = max(6, len(str(n)))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "address", "postcode", "true_uprn"])
        for i in range(n):
            a = targets[rng.randrange(len(targets))]
            address, postcode = mess.render_address(rng, a, neighbours)
            w.writerow([f"n{i + 1:0{width}d}", address, postcode, a.uprn])
    return path


def gazetteer_relation(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyRelation:
    p = str(path).replace("'", "''")
    return con.sql(
        f"select uprn, address, postcode from read_csv('{p}', all_varchar=true, header=true)"  # noqa: S608
    )


def run_placehub(
    gazetteer: Path,
    messy: Truth,
    thresholds: MatchThresholds,
    cache_dir: Path | None = None,
    use_memo: bool = False,
) -> tuple[list[str | None], list[str], float, float]:
    """(uprns, statuses, seconds including preparation, preparation seconds). ``use_memo``: reuse and keep
    the decisions made against this prepared gazetteer (a repeat load)."""
    con = duckdb.connect()
    try:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            prepared, _ = prepared_gazetteer(con, gazetteer_relation(con, gazetteer), cache_dir or Path(tmp))
            prep = time.perf_counter() - start
            recs = [RecordAddress(*r) for r in zip(messy.ids, messy.addresses, messy.postcodes, strict=True)]
            memo = memo_for(prepared.folder, thresholds) if use_memo else None
            decisions = match_addresses(con, prepared, recs, thresholds, memo=memo)
            if memo is not None:
                memo.save()
        seconds = time.perf_counter() - start
    finally:
        con.close()
    return [d.uprn for d in decisions], [d.status.value for d in decisions], seconds, prep


def run_anchor(gazetteer: Path, messy: Truth) -> tuple[list[str | None], float]:
    """Plain uk_address_matcher, default stages, its own gazetteer preparation included in the time."""
    from uk_address_matcher import AddressMatcher

    con = duckdb.connect()
    try:
        start = time.perf_counter()
        canonical = gazetteer_relation(con, gazetteer).select(
            "uprn as unique_id, address as address_concat, postcode"
        )
        import pyarrow as pa

        con.register(
            "__bench_messy",
            pa.table(
                {"unique_id": messy.ids, "address_concat": messy.addresses, "postcode": messy.postcodes}
            ),
        )
        result = AddressMatcher(
            canonical_addresses=canonical,
            addresses_to_match=con.table("__bench_messy"),
            con=con,
            show_progress="off",
        ).match()
        got = dict(result.matches().select("unique_id, resolved_canonical_id").fetchall())
        seconds = time.perf_counter() - start
        result.close()
    finally:
        con.close()
    return [got.get(i) for i in messy.ids], seconds


def score(
    uprns: list[str | None],
    statuses: list[str],
    messy: Truth,
    seconds: float,
    subset: list[bool] | None = None,
) -> dict:
    """Precision / recall of the auto-accepted matches, review share, speed (fractions, not percentages)."""
    keep = subset or [True] * len(uprns)
    c: Counter = Counter()
    for u, s, t, k in zip(uprns, statuses, messy.truth, keep, strict=True):
        if not k:
            continue
        c["n"] += 1
        if s == MatchStatus.AUTO.value and u is not None:
            c["auto"] += 1
            c["auto_correct"] += u == t
        elif s == MatchStatus.REVIEW.value:
            c["review"] += 1
            c["review_top_correct"] += u == t
    n = c["n"] or 1
    return {
        "records": c["n"],
        "auto": c["auto"],
        "auto_correct": c["auto_correct"],
        "auto_wrong": c["auto"] - c["auto_correct"],
        "review": c["review"],
        "review_top_correct": c["review_top_correct"],
        "precision": c["auto_correct"] / c["auto"] if c["auto"] else 0.0,
        "recall": c["auto_correct"] / n,
        "review_share": c["review"] / n,
        "per_second": len(uprns) / seconds if seconds else 0.0,
    }


def headline(d: dict) -> dict:
    return {k: round(d[k], 6) for k in ("precision", "recall", "review_share", "per_second")}


def write_results(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return out
