"""Plain-English reasons for merges and splits of person ids (record ids and scores only, never names)."""

from __future__ import annotations

import pandas as pd

from placehub.link.stable_ids import IdChange


def _best_link(edges: pd.DataFrame, a: set[str], b: set[str]) -> tuple[str, str, float] | None:
    if edges.empty or not a or not b:
        return None
    across = edges[
        (edges["unique_id_l"].isin(a) & edges["unique_id_r"].isin(b))
        | (edges["unique_id_l"].isin(b) & edges["unique_id_r"].isin(a))
    ]
    if across.empty:
        return None
    row = across.sort_values("match_probability", ascending=False).iloc[0]
    return str(row["unique_id_l"]), str(row["unique_id_r"]), float(row["match_probability"])


def _decided(pairs: set[tuple[str, str]], a: set[str], b: set[str]) -> tuple[str, str] | None:
    for x, y in sorted(pairs):
        if (x in a and y in b) or (x in b and y in a):
            return x, y
    return None


def reason_for(
    change: IdChange,
    edges: pd.DataFrame,
    threshold: float,
    accepted: set[tuple[str, str]],
    rejected: set[tuple[str, str]],
) -> str:
    kept, moved = set(change.kept), set(change.moved)
    if change.kind == "merge":
        pair = _decided(accepted, kept, moved)
        if pair:
            return f"records {pair[0]} and {pair[1]} accepted as one person in clerical review"
        link = _best_link(edges, kept, moved)
        if link:
            return f"records {link[0]} and {link[1]} now score {link[2]:.3f} (match threshold {threshold})"
        return "linked through other records now scoring at or above the match threshold"
    pair = _decided(rejected, kept, moved)
    if pair:
        return f"records {pair[0]} and {pair[1]} rejected as one person in clerical review"
    link = _best_link(edges, kept, moved)
    if link and link[2] < threshold:
        return (
            f"strongest link between the parts ({link[0]}, {link[1]}) now scores {link[2]:.3f}, "
            f"below the match threshold {threshold}"
        )
    if link:
        return f"the parts were joined to other people more strongly (best link {link[2]:.3f})"
    return "no link between the parts scores at or above the review threshold any more"
