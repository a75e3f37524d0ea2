"""Clusters from scored pairs, with clerical decisions forcing pairs together or apart."""

from __future__ import annotations

import pandas as pd

from placehub.link.clustering import cluster_records


def _edges(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


def _groups(clusters: dict[str, int]) -> list[list[str]]:
    out: dict[int, list[str]] = {}
    for rid, c in clusters.items():
        out.setdefault(c, []).append(rid)
    return [sorted(out[c]) for c in sorted(out)]


IDS = ["a", "b", "c", "d", "e"]
EDGES = _edges(("a", "b", 0.99), ("b", "c", 0.97), ("c", "d", 0.6), ("d", "e", 0.2))


def test_threshold_only() -> None:
    assert _groups(cluster_records(IDS, EDGES, 0.95)) == [["a", "b", "c"], ["d"], ["e"]]
    assert cluster_records(IDS, EDGES, 0.95) == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 2}


def test_accepted_pair_joins() -> None:
    assert _groups(cluster_records(IDS, EDGES, 0.95, accepted=[("e", "d")])) == [["a", "b", "c"], ["d", "e"]]


def test_rejected_pair_is_kept_apart_by_dropping_the_weakest_link() -> None:
    # a–c are linked only through b; the weaker link b–c gives way.
    assert _groups(cluster_records(IDS, EDGES, 0.95, rejected=[("c", "a")])) == [
        ["a", "b"],
        ["c"],
        ["d"],
        ["e"],
    ]


def test_rejected_direct_link_is_removed() -> None:
    assert _groups(cluster_records(IDS, EDGES, 0.95, rejected=[("b", "a")])) == [
        ["a"],
        ["b", "c"],
        ["d"],
        ["e"],
    ]


def test_numbering_follows_smallest_record_id() -> None:
    clusters = cluster_records(["z", "y", "x"], _edges(("z", "y", 0.99)), 0.9)
    assert clusters == {"z": 1, "y": 1, "x": 0}
