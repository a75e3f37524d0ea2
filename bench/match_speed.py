"""Address matching speed: the gazetteer prepared once, then a NEW file of demo addresses matched against it.

    .venv/bin/python bench/match_speed.py [--n 100000] [--seed 7] [--file-seed 1]
    .venv/bin/python bench/match_speed.py --gazetteer G.csv --messy M.csv --new-messy N.csv

Demo files come from ``placehub.demo.bench_sets.write_match_bench`` (gazetteer and a first delivery) and
``_match_common.write_new_messy`` (another delivery against the same gazetteer, drawn with another random
stream). In one process:

1. placehub prepares the gazetteer once (timed apart);
2. a first delivery is matched with the decision cache on (a warm-up, reported);
3. **new file, gazetteer prepared**: the other delivery, no decision cache, the prepared gazetteer read back
   from disk (its reload inside the time). This is the headline;
4. **same file again**: the first delivery delivered again, its decisions taken from the decision cache;
5. the anchor, plain uk_address_matcher (default stages), on the new file with its own prepared folder reused,
   and (unless --skip-cold-anchor) as it is usually run, its preparation included.

Target: the new file at least 5,000 addresses/s on 2 cores, and never slower than the anchor. Prints a table;
the last line is one JSON object; results go to bench/results/match_speed.json.
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
    write_new_messy,
    write_results,
)

from placehub.match import MatchThresholds, prepared_gazetteer  # noqa: E402
from placehub.match.prepared import forget_loaded  # noqa: E402


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
    ap.add_argument("--n", type=int, default=100_000, help="demo addresses in each delivery")
    ap.add_argument("--seed", type=int, default=7, help="demo borough (gazetteer and first delivery)")
    ap.add_argument("--file-seed", type=int, default=1, help="random stream of the new delivery")
    ap.add_argument("--gazetteer", type=Path, default=None)
    ap.add_argument("--messy", type=Path, default=None, help="the first delivery (warm-up, then repeated)")
    ap.add_argument("--new-messy", type=Path, default=None, help="the new delivery (headline)")
    ap.add_argument("--skip-cold-anchor", action="store_true", help="skip the anchor run with preparation")
    args = ap.parse_args(argv)
    logging.getLogger("uk_address_matcher").setLevel(logging.ERROR)
    th = MatchThresholds()

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        if args.gazetteer and args.messy and args.new_messy:
            gazetteer, first_path, new_path = args.gazetteer, args.messy, args.new_messy
        else:
            from placehub.demo.bench_sets import write_match_bench

            gazetteer, first_path = write_match_bench(tmpdir / "data", args.n, args.seed)
            new_path = write_new_messy(tmpdir / "data", args.n, args.seed, args.file_seed)
        first_file, new_file = read_messy(first_path), read_messy(new_path)
        cache = tmpdir / "prepared"
        con = duckdb.connect()
        t0 = time.perf_counter()
        prepared_gazetteer(con, gazetteer_relation(con, gazetteer), cache)
        prep = time.perf_counter() - t0
        con.close()

        # 2. The first delivery, decisions kept in the cache (warm-up).
        u, s, sec, _ = run_placehub(gazetteer, first_file, th, cache, use_memo=True)
        warm_up = score(u, s, first_file, sec)
        # 3. A new file: nothing cached but the prepared gazetteer, read back from disk inside the time.
        forget_loaded()
        u, s, sec, reload = run_placehub(gazetteer, new_file, th, cache, use_memo=False)
        new = score(u, s, new_file, sec)
        # 4. The first delivery again: its decisions come from the decision cache.
        u, s, sec, _ = run_placehub(gazetteer, first_file, th, cache, use_memo=True)
        again = score(u, s, first_file, sec)
        # 5. The anchor on the new file.
        a_uprns, a_seconds, a_prep = _anchor_prepared(gazetteer, new_file, tmpdir / "anchor_prepared")
        theirs_warm = score(a_uprns, ["auto" if x else "unmatched" for x in a_uprns], new_file, a_seconds)
        theirs_cold = None
        if not args.skip_cold_anchor:
            c_uprns, c_seconds = run_anchor(gazetteer, new_file)
            theirs_cold = score(c_uprns, ["auto" if x else "unmatched" for x in c_uprns], new_file, c_seconds)

    rows = [
        ("placehub, NEW file, gazetteer prepared", new),
        ("placehub, same file again (cache)", again),
        ("placehub, first delivery (warm-up)", warm_up),
        ("uk_address_matcher, prepared folder", theirs_warm),
    ]
    if theirs_cold:
        rows.append(("uk_address_matcher, as usually run", theirs_cold))
    print(
        f"{len(new_file.ids):,} addresses per file; placehub gazetteer preparation (once) {prep:.1f} s; "
        f"reload of the prepared gazetteer for the new file {reload:.2f} s; anchor preparation {a_prep:.1f} s"
    )
    print(f"{'':40}{'addresses/s':>12}{'precision':>11}{'recall':>9}{'review':>8}")
    for label, d in rows:
        print(f"{label:40}{d['per_second']:>12,.0f}{d['precision']:>11.4%}{d['recall']:>9.4%}"
              f"{d['review_share']:>8.2%}")  # fmt: skip
    anchor = theirs_cold or theirs_warm
    checks = {
        "new_file_at_least_5000_per_second": new["per_second"] >= 5000,
        "new_file_not_slower_than_anchor_prepared": new["per_second"] >= theirs_warm["per_second"],
        "new_file_not_slower_than_anchor_as_run": new["per_second"] >= anchor["per_second"],
        "same_file_again_at_least_5000_per_second": again["per_second"] >= 5000,
        "new_file_precision_at_least_anchor": new["precision"] >= theirs_warm["precision"],
    }
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    payload = {"placehub": headline(new), "anchor": headline(theirs_warm)}
    write_results(
        "match_speed",
        {
            **payload,
            "placehub_same_file_again": headline(again),
            "anchor_as_run": headline(theirs_cold) if theirs_cold else None,
            "detail": {
                "placehub_new_file_gazetteer_prepared": new,
                "placehub_same_file_again_decision_cache": again,
                "placehub_first_delivery_warm_up": warm_up,
                "anchor_prepared_new_file": theirs_warm,
                "anchor_as_run_new_file": theirs_cold,
            },
            "checks": checks,
            "addresses_per_file": len(new_file.ids),
            "placehub_preparation_seconds": prep,
            "placehub_reload_seconds_new_file": reload,
            "anchor_preparation_seconds": a_prep,
            "inputs": {
                "n": args.n,
                "seed": args.seed,
                "file_seed": args.file_seed,
                "gazetteer": str(args.gazetteer or "demo"),
            },
            "notes": (
                "placehub: headline = new file (no decision cache), prepared gazetteer reloaded from disk "
                "inside the time; anchor = plain uk_address_matcher on the same new file, its prepared "
                "folder reused. Times exclude Python imports (already done by the preparation step)."
            ),
        },
    )
    print(json.dumps(payload))
    return payload


if __name__ == "__main__":
    main()
