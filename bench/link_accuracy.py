"""Person linkage accuracy and speed: placehub against plain Splink with its tutorial settings (the anchor).

    python bench/link_accuracy.py --input F.csv --truth-column C --role first_name=COL --role surname=COL \
        --role dob=COL --role postcode=COL [--input-b G.csv] [--output-clusters FILE]

Pair figures: the record pairs scored at or above the match threshold; cluster figures: every record pair
implied by the final clusters; both against all true pairs (records sharing the truth value). Prints a table,
then one JSON object as the last line; also writes bench/results/link_accuracy[_<name>].json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from placehub.link.config import LinkConfig  # noqa: E402
from placehub.link.features import PERSON_ROLES  # noqa: E402
from placehub.link.pipeline import link_frame  # noqa: E402

RESULTS = REPO / "bench" / "results"


def read_csv(path: Path) -> pd.DataFrame:
    # FEBRL files use ", " separators; identifiers stay text.
    return pd.read_csv(path, dtype=str, skipinitialspace=True, keep_default_na=False).replace({"": None})


def parse_roles(items: list[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for item in items:
        role, _, col = item.partition("=")
        if role not in PERSON_ROLES or not col:
            raise SystemExit(
                f"--role {item!r}: expected ROLE=COLUMN with ROLE one of {', '.join(PERSON_ROLES)}"
            )
        roles[role] = col
    return roles


def id_column(df: pd.DataFrame, wanted: str | None) -> str:
    for c in [wanted] if wanted else ["unique_id", "rec_id", "record_id", "id"]:
        if c in df.columns:
            return c
    raise SystemExit(
        f"no id column found (tried {wanted or 'unique_id, rec_id, record_id, id'}): use --id-column"
    )


def truth_of(df: pd.DataFrame, ids: pd.Series, args: argparse.Namespace) -> pd.Series:
    if args.truth_file:
        t = read_csv(Path(args.truth_file))
        lookup: dict[str, str] = {}
        for col in t.columns:
            if col != args.truth_column:
                lookup.update(zip(t[col], t[args.truth_column], strict=True))
        return ids.map(lookup)
    if args.truth_column in df.columns:
        return df[args.truth_column]
    if args.truth_from_id:
        return ids.map(lambda v: m.group(1) if (m := re.match(args.truth_from_id, v)) else v)
    raise SystemExit(
        f"truth column {args.truth_column!r} not in the input; give --truth-file or --truth-from-id"
    )


def load_inputs(args: argparse.Namespace, roles: dict[str, str]) -> pd.DataFrame:
    """One frame: unique_id, source, truth, and the role columns."""
    parts = []
    for source, path in (("a", args.input), ("b", args.input_b)):
        if not path:
            continue
        df = read_csv(Path(path))
        ids = df[id_column(df, args.id_column)].astype(str)
        part = pd.DataFrame({"unique_id": (source + "|" + ids) if args.input_b else ids, "source": source})
        part["truth"] = truth_of(df, ids, args).astype(str).to_numpy()
        for role, spec in roles.items():
            cols = spec.split(
                ","
            )  # several columns (an address in parts) are joined with ", ", as contracts do
            for col in cols:
                if col not in df.columns:
                    raise SystemExit(f"--role {role}={spec}: no column {col!r} in {path}")
            joined = (
                df[cols].apply(lambda row: ", ".join(v for v in row if v), axis=1)
                if len(cols) > 1
                else df[cols[0]]
            )
            part[role] = joined.replace({"": None}).to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# --- scoring ---


def _pairs_in_groups(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def figures(frame: pd.DataFrame, edges: pd.DataFrame, clusters: dict[str, int], threshold: float) -> dict:
    truth = dict(zip(frame["unique_id"], frame["truth"], strict=True))
    true_pairs = _pairs_in_groups(frame.groupby("truth").size())
    strong = edges[edges["match_probability"] >= threshold]
    same = strong["unique_id_l"].map(truth).to_numpy() == strong["unique_id_r"].map(truth).to_numpy()
    pair_tp, pair_pred = int(same.sum()), len(strong)
    c = pd.DataFrame({"cluster": frame["unique_id"].map(clusters), "truth": frame["truth"]})
    cl_pred = _pairs_in_groups(c.groupby("cluster").size())
    cl_tp = _pairs_in_groups(c.groupby(["cluster", "truth"]).size())

    def prf(tp: int, pred: int) -> tuple[float, float, float]:
        p = tp / pred if pred else 1.0
        r = tp / true_pairs if true_pairs else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    pp, pr, pf = prf(pair_tp, pair_pred)
    cp, cr, cf = prf(cl_tp, cl_pred)
    return {
        "pair_precision": round(pp, 4),
        "pair_recall": round(pr, 4),
        "pair_f1": round(pf, 4),
        "cluster_precision": round(cp, 4),
        "cluster_recall": round(cr, 4),
        "cluster_f1": round(cf, 4),
        "true_pairs": true_pairs,
    }


# --- the two linkers ---


def run_placehub(frame: pd.DataFrame, config: LinkConfig) -> tuple[pd.DataFrame, dict[str, int], float]:
    start = time.perf_counter()
    result = link_frame(frame.drop(columns=["truth"]), config)
    return result.scored.edges, result.clusters, time.perf_counter() - start


def run_anchor(
    frame: pd.DataFrame, threshold: float, two_file: bool
) -> tuple[pd.DataFrame, dict[str, int], float]:
    """Plain Splink 4 as in its tutorial (first name, surname, dob, city, email; tutorial blocking)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    df = pd.DataFrame({"unique_id": frame["unique_id"], "source_dataset": frame["source"]})
    for role in ("first_name", "surname", "email"):
        if role in frame:
            df[role] = frame[role].str.lower().str.strip()
    if "dob" in frame:  # the tutorial's data holds ISO dates; FEBRL's YYYYMMDD is rewritten to that form
        df["dob"] = frame["dob"].str.strip().str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)
    city = "postcode" if "postcode" in frame else ("address" if "address" in frame else None)
    if city:
        df["city"] = frame[city].str.lower().str.strip()
    comparisons = []
    if "first_name" in df:
        comparisons.append(cl.NameComparison("first_name"))
    if "surname" in df:
        comparisons.append(cl.NameComparison("surname"))
    if "dob" in df:
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
    if "city" in df:
        comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
    if "email" in df:
        comparisons.append(cl.EmailComparison("email"))
    blocking = [block_on(*c) for c in (("first_name", "city"), ("surname",)) if all(x in df for x in c)]
    settings = SettingsCreator(
        link_type="link_only" if two_file else "dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
    )
    db_api = DuckDBAPI()
    inputs = [df[df["source_dataset"] == s].reset_index(drop=True) for s in ("a", "b")] if two_file else df
    linker = Linker(inputs, settings, db_api=db_api)
    deterministic = []
    if {"first_name", "dob"} <= set(df):
        deterministic.append(block_on("first_name", "dob"))
    if {"first_name", "surname"} <= set(df):
        deterministic.append("l.first_name = r.first_name and levenshtein(r.surname, l.surname) <= 2")
    if "email" in df:
        deterministic.append(block_on("email"))
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (("first_name", "surname"), ("dob",)):
        if all(x in df for x in rule):
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    edges = predictions.as_pandas_dataframe()[["unique_id_l", "unique_id_r", "match_probability"]]
    cdf = clustered.as_pandas_dataframe()
    clusters = dict(zip(cdf["unique_id"].astype(str), cdf["cluster_id"].astype(str), strict=True))
    elapsed = time.perf_counter() - start
    edges = edges.astype({"unique_id_l": str, "unique_id_r": str})
    return edges, clusters, elapsed


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--input-b", help="second file: two-file linkage")
    ap.add_argument("--truth-column", required=True, help="column holding the true entity")
    ap.add_argument("--truth-file", help="CSV giving the truth column for ids in its other columns")
    ap.add_argument("--truth-from-id", help="regex whose first group of the id is the true entity")
    ap.add_argument("--id-column", help="record id column (default: unique_id, rec_id, record_id or id)")
    ap.add_argument("--role", action="append", default=[], help="ROLE=COLUMN (repeat)")
    ap.add_argument(
        "--threshold",
        type=float,
        default=LinkConfig.match_threshold,
        help="match probability threshold (both linkers)",
    )
    ap.add_argument("--output-clusters", help="write unique_id,cluster_id for placehub's clusters")
    ap.add_argument("--name", help="results file suffix (default: the input's stem)")
    ap.add_argument("--results-dir", default=str(RESULTS), help="where the JSON result goes")
    ap.add_argument("--no-anchor", action="store_true", help="skip the anchor (for scale runs only)")
    args = ap.parse_args(argv)

    roles = parse_roles(args.role)
    frame = load_inputs(args, roles)
    n = len(frame)
    config = LinkConfig(match_threshold=args.threshold)
    two_file = bool(args.input_b)

    edges, clusters, secs = run_placehub(frame, config)
    result = {"placehub": {**figures(frame, edges, clusters, args.threshold)}}
    result["placehub"].update(seconds=round(secs, 2), per_second=round(n / secs, 1))
    if args.output_clusters:
        out = pd.DataFrame({"unique_id": list(clusters), "cluster_id": list(clusters.values())})
        out.to_csv(args.output_clusters, index=False)
    if not args.no_anchor:
        a_edges, a_clusters, a_secs = run_anchor(frame, args.threshold, two_file)
        result["anchor"] = {**figures(frame, a_edges, a_clusters, args.threshold)}
        result["anchor"].update(seconds=round(a_secs, 2), per_second=round(n / a_secs, 1))

    name = args.name or Path(args.input).stem
    meta = {"set": name, "records": n, "roles": roles, "threshold": args.threshold, "two_file": two_file}
    results = Path(args.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    (results / f"link_accuracy_{name}.json").write_text(json.dumps({**meta, **result}, indent=2) + "\n")

    keys = [
        "pair_precision",
        "pair_recall",
        "pair_f1",
        "cluster_precision",
        "cluster_recall",
        "cluster_f1",
        "per_second",
    ]
    print(f"set {name}: {n} records, roles {', '.join(f'{k}={v}' for k, v in roles.items())}")
    print(f"{'':10}" + "".join(f"{k:>18}" for k in keys))
    for who, figs in result.items():
        print(f"{who:10}" + "".join(f"{figs[k]:>18}" for k in keys))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
