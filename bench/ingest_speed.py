"""Ingest speed on a generated ~50 MB partner file, beside frictionless' row validation (the anchor).

    .venv/bin/python bench/ingest_speed.py [--rows-anchor 50000]

Prints rows/s for placehub's whole load (read, check, stage, write) and for ``frictionless.validate``
(types and constraints only: the anchor) on the first N rows of the same file, then one JSON line;
writes bench/results/ingest_speed.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import frictionless

from placehub.ingest import load_file
from placehub.settings import get_settings
from tests.integration._ingest_helpers import people_contract
from tests.integration.test_ingest_large import write_big_file

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows-anchor", type=int, default=50_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    settings = get_settings(tmp / "home")
    settings.ensure_dirs()
    people_contract(settings)
    big = tmp / "big.csv"
    rows, _bad = write_big_file(big)
    t, cpu = time.perf_counter(), time.process_time()
    result = load_file(settings, "people", big, user="bench")
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    small = tmp / "small.csv"
    with big.open(encoding="utf-8") as src, small.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i > args.rows_anchor:
                break
            dst.write(line)
    schema = json.loads((settings.home / "contracts" / "people.json").read_text())["schema"]
    schema["fields"][3] = {"name": "date_of_birth", "type": "date", "format": "%d/%m/%Y"}
    t, fcpu = time.perf_counter(), time.process_time()
    with frictionless.system.use_context(trusted=True):
        report = frictionless.validate(
            frictionless.Resource(str(small), schema=frictionless.Schema.from_descriptor(schema)),
            limit_errors=10**9,
        )
    anchor, fcpu = time.perf_counter() - t, time.process_time() - fcpu
    out = {
        "placehub": {
            "rows": rows,
            "megabytes": round(big.stat().st_size / 1e6, 1),
            "seconds": round(wall, 2),
            "cpu_seconds": round(cpu, 2),
            "per_second": round(rows / wall),
            "per_cpu_second": round(rows / cpu),
            "accepted": result.rows_accepted,
            "rejected": result.rows_rejected,
        },
        "anchor": {
            "name": "frictionless.validate (types and constraints only)",
            "rows": args.rows_anchor,
            "seconds": round(anchor, 2),
            "cpu_seconds": round(fcpu, 2),
            "per_second": round(args.rows_anchor / anchor),
            "per_cpu_second": round(args.rows_anchor / fcpu),
            "valid": report.valid,
        },
    }
    print(
        f"placehub load: {rows:,} rows ({out['placehub']['megabytes']} MB) in {wall:.1f} s "
        f"({rows / wall:,.0f} rows/s; {rows / cpu:,.0f} rows per CPU second)"
    )
    print(
        f"frictionless.validate: {args.rows_anchor:,} rows in {anchor:.1f} s "
        f"({args.rows_anchor / anchor:,.0f} rows/s; {args.rows_anchor / fcpu:,.0f} rows per CPU second)"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest_speed.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
