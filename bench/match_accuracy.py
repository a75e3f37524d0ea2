"""Address matching accuracy: placehub against plain uk_address_matcher (its default stages), in one process.

    .venv/bin/python bench/match_accuracy.py --gazetteer G.csv --messy M.csv [--limit N] [--name NAME]

G: ``uprn,address,postcode``; M: ``id,address,postcode,true_uprn`` (other columns ignored, except the Merthyr
dev set's ``collision`` / ``failed_rules``, to report apart strings that no longer identify one property).
Prints a table; the last line is one JSON object ``{"placehub": {...}, "anchor": {...}}`` with precision and
recall of auto-accepted matches (the anchor's every match counts as accepted), the share sent to review and
addresses per second (gazetteer preparation included for both). Results go to bench/results/<name>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _match_common import headline, read_messy, run_anchor, run_placehub, score, write_results  # noqa: E402

from placehub.match import MatchThresholds  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gazetteer", type=Path, required=True)
    ap.add_argument("--messy", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=None, help="only the first N messy rows")
    ap.add_argument("--name", default="match_accuracy", help="results file name under bench/results/")
    ap.add_argument("--auto-threshold", type=float, default=None)
    ap.add_argument("--auto-gap", type=float, default=None)
    args = ap.parse_args(argv)
    logging.getLogger("uk_address_matcher").setLevel(logging.ERROR)

    given = {"auto_match_weight": args.auto_threshold, "auto_distinguishability": args.auto_gap}
    thresholds = MatchThresholds(**{k: v for k, v in given.items() if v is not None})
    messy = read_messy(args.messy, args.limit)
    uprns, statuses, seconds, prep = run_placehub(args.gazetteer, messy, thresholds)
    anchor_uprns, anchor_seconds = run_anchor(args.gazetteer, messy)
    anchor_statuses = ["auto" if u is not None else "unmatched" for u in anchor_uprns]

    ours = score(uprns, statuses, messy, seconds)
    theirs = score(anchor_uprns, anchor_statuses, messy, anchor_seconds)
    clean = [not a for a in messy.ambiguous]
    split = {
        "placehub_identifiable": score(uprns, statuses, messy, seconds, clean),
        "anchor_identifiable": score(anchor_uprns, anchor_statuses, messy, anchor_seconds, clean),
        "placehub_ambiguous": score(uprns, statuses, messy, seconds, messy.ambiguous),
        "anchor_ambiguous": score(anchor_uprns, anchor_statuses, messy, anchor_seconds, messy.ambiguous),
    }
    checks = {
        "precision_at_least_anchor": ours["precision"] >= theirs["precision"],
        "auto_correct_plus_review_at_least_anchor_correct": ours["auto_correct"] + ours["review"]
        >= theirs["auto_correct"],
        "precision_target_0.9995": ours["precision"] >= 0.9995,
        "recall_target_0.995": ours["recall"] >= 0.995,
        "review_share_target_0.02": ours["review_share"] <= 0.02,
    }

    print(f"{'':28}{'placehub':>14}{'uk_address_matcher':>20}")
    for label, key, fmt in (
        ("records", "records", "{:,}"),
        ("auto-accepted", "auto", "{:,}"),
        ("  of which wrong", "auto_wrong", "{:,}"),
        ("sent to review", "review", "{:,}"),
        ("precision (auto)", "precision", "{:.4%}"),
        ("recall (auto, correct)", "recall", "{:.4%}"),
        ("review share", "review_share", "{:.2%}"),
        ("addresses / s", "per_second", "{:,.0f}"),
    ):
        print(f"{label:28}{fmt.format(ours[key]):>14}{fmt.format(theirs[key]):>20}")
    print(f"placehub gazetteer preparation: {prep:.1f} s of {seconds:.1f} s")
    n_amb = sum(messy.ambiguous)
    if n_amb:
        a, b = split["placehub_identifiable"], split["anchor_identifiable"]
        print(
            f"excluding {n_amb} strings that no longer identify one property: placehub precision "
            f"{a['precision']:.4%} recall {a['recall']:.4%}; anchor precision {b['precision']:.4%} "
            f"recall {b['recall']:.4%}"
        )
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")

    payload = {"placehub": headline(ours), "anchor": headline(theirs)}
    write_results(
        args.name,
        {
            **payload,
            "detail": {"placehub": ours, "anchor": theirs, **split},
            "checks": checks,
            "thresholds": json.loads(thresholds.to_json()),
            "inputs": {"gazetteer": str(args.gazetteer), "messy": str(args.messy), "limit": args.limit},
            "placehub_preparation_seconds": prep,
        },
    )
    print(json.dumps(payload))
    return payload


if __name__ == "__main__":
    main()
