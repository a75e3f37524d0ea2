"""Address matching speed on a repeat load: the gazetteer prepared once, then demo addresses matched.

    .venv/bin/python bench/match_speed.py [--n 100000] [--seed 7]
    .venv/bin/python bench/match_speed.py --gazetteer G.csv --messy M.csv     # any files of those shapes

Demo files come from ``placehub.demo.bench_sets.write_match_bench``. placehub prepares the gazetteer once
(timed apart), then matches the load twice with the prepared gazetteer reused: a first load, then the same
file delivered again, whose decisions are reused. The anchor is plain uk_address_matcher on the same data, as
it is usually run (preparation included) and with its own prepared folder reused. Target: at least 5,000
addresses/s on 2 cores, and never slower than the anchor. Prints a table; the last line is one JSON object;
results go to bench/results/match_speed.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
from _match_common import (  # noqa: E402
    gazetteer_relation,
    headline,
    read_messy,
    run_anchor,
    run_placehub,
    score,
    write_results,
)

from placehub.match import MatchThresholds, prepared_gazetteer  # noqa: E402


def _anchor_prepared(gazetteer: Path, messy, folder: Path) -> tuple[list[str | None], float, float]:  # type: ignore[no-untyped-def]
    """Plain uk_address_matcher with its own prepared folder: (uprns, match seconds, preparation seconds)."""
    import pyarrow as pa
    from uk_address_matcher import AddressMatcher, prepare_canonical_folder

    con = duckdb.connect()
    try:
        t0 = time.perf_counter()
        canonical = gazetteer_relation(con, gazetteer).select(
            "uprn as unique_id, address as address_concat, postcode"
        )
        prepare_canonical_folder(canonical, folder, con=con, overwrite=True, show_progress="off")
        prep = time.perf_counter() - t0
        t1 = time.perf_counter()
        con.register(
            "__bench_messy",
            pa.table(
                {"unique_id": messy.ids, "address_concat": messy.addresses, "postcode": messy.postcodes}
            ),
        )
        result = AddressMatcher(
            canonical_addresses=str(folder),
            addresses_to_match=con.table("__bench_messy"),
            con=con,
            show_progress="off",
        ).match()
        got = dict(result.matches().select("unique_id, resolved_canonical_id").fetchall())
        seconds = time.perf_counter() - t1
        result.close()
    finally:
        con.close()
    return [got.get(i) for i in messy.ids], seconds, prep


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="demo addresses in the load")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gazetteer", type=Path, default=None)
    ap.add_argument("--messy", type=Path, default=None)
    ap.add_argument("--skip-cold-anchor", action="store_true", help="skip the anchor run with preparation")
    args = ap.parse_args(argv)
    logging.getLogger("uk_address_matcher").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        if args.gazetteer and args.messy:
            gazetteer, messy_path = args.gazetteer, args.messy
        else:
            from placehub.demo.bench_sets import write_match_bench

            gazetteer, messy_path = write_match_bench(tmpdir / "data", args.n, args.seed)
        messy = read_messy(messy_path)
        cache = tmpdir / "prepared"
        con = duckdb.connect()
        t0 = time.perf_counter()
        prepared_gazetteer(con, gazetteer_relation(con, gazetteer), cache)
        prep = time.perf_counter() - t0
        con.close()
        # A first load against the prepared gazetteer (found in the cache and reused), then the same file
        # delivered again: the decisions made the first time are reused.
        f_uprns, f_statuses, f_seconds, _ = run_placehub(gazetteer, messy, MatchThresholds(), cache, True)
        first = score(f_uprns, f_statuses, messy, f_seconds)
        uprns, statuses, seconds, load_prep = run_placehub(gazetteer, messy, MatchThresholds(), cache, True)
        ours = score(uprns, statuses, messy, seconds)
        a_uprns, a_seconds, a_prep = _anchor_prepared(gazetteer, messy, tmpdir / "anchor_prepared")
        theirs_warm = score(a_uprns, ["auto" if u else "unmatched" for u in a_uprns], messy, a_seconds)
        theirs_cold = None
        if not args.skip_cold_anchor:
            c_uprns, c_seconds = run_anchor(gazetteer, messy)
            theirs_cold = score(c_uprns, ["auto" if u else "unmatched" for u in c_uprns], messy, c_seconds)

    rows = [
        ("placehub, repeat load", ours),
        ("placehub, first load (gazetteer reused)", first),
        ("uk_address_matcher, prepared folder", theirs_warm),
    ]
    if theirs_cold:
        rows.append(("uk_address_matcher, as usually run", theirs_cold))
    print(
        f"{len(messy.ids):,} addresses; placehub gazetteer preparation (once) {prep:.1f} s; anchor "
        f"preparation (once) {a_prep:.1f} s; placehub reload of the prepared gazetteer {load_prep:.1f} s"
    )
    print(f"{'':38}{'addresses/s':>12}{'precision':>11}{'recall':>9}{'review':>8}")
    for label, d in rows:
        print(f"{label:38}{d['per_second']:>12,.0f}{d['precision']:>11.4%}{d['recall']:>9.4%}"
              f"{d['review_share']:>8.2%}")  # fmt: skip
    anchor = theirs_cold or theirs_warm
    checks = {
        "at_least_5000_per_second": ours["per_second"] >= 5000,
        "not_slower_than_anchor_prepared": ours["per_second"] >= theirs_warm["per_second"],
        "not_slower_than_anchor_as_run": ours["per_second"] >= anchor["per_second"],
        "first_load_not_slower_than_anchor_prepared": first["per_second"] >= theirs_warm["per_second"],
    }
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    payload = {"placehub": headline(ours), "anchor": headline(anchor)}
    write_results(
        "match_speed",
        {
            **payload,
            "anchor_prepared": headline(theirs_warm),
            "placehub_first_load": headline(first),
            "detail": {
                "placehub": ours,
                "placehub_first_load": first,
                "anchor_prepared": theirs_warm,
                "anchor_as_run": theirs_cold,
            },
            "checks": checks,
            "addresses": len(messy.ids),
            "placehub_preparation_seconds": prep,
            "anchor_preparation_seconds": a_prep,
            "inputs": {"n": args.n, "seed": args.seed, "gazetteer": str(args.gazetteer or "demo")},
        },
    )
    print(json.dumps(payload))
    return payload


if __name__ == "__main__":
    main()
