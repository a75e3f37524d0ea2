"""Clusters from scored pairs, honouring clerical decisions: accepted pairs joined, rejected pairs kept apart.

Connected components over the pairs at or above the match threshold (plus accepted pairs). A component that
holds both records of a rejected pair is rebuilt greedily: its links are added strongest first (accepted pairs
before all), and a link that would put a rejected pair in one cluster is left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def cluster_records(
    record_ids: Sequence[str],
    edges: pd.DataFrame,
    threshold: float,
    accepted: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
) -> dict[str, int]:
    """Record id → cluster number (0..k-1, numbered by each cluster's smallest record id).

    ``edges`` has ``unique_id_l, unique_id_r, match_probability``.
    """
    ids = list(record_ids)
    index = {r: i for i, r in enumerate(ids)}
    strong = edges[edges["match_probability"] >= threshold]
    links = pd.DataFrame(
        {
            "l": strong["unique_id_l"].astype(str).to_numpy(),
            "r": strong["unique_id_r"].astype(str).to_numpy(),
            "p": strong["match_probability"].astype(float).to_numpy(),
        }
    )
    acc = [_pair(a, b) for a, b in accepted if a in index and b in index]
    if acc:
        links = pd.concat(
            [links, pd.DataFrame({"l": [a for a, _ in acc], "r": [b for _, b in acc], "p": 2.0})]
        )
    rej = {_pair(a, b) for a, b in rejected if a in index and b in index}
    if rej:
        keys = [_pair(a, b) for a, b in zip(links["l"], links["r"], strict=True)]
        links = links[[k not in rej for k in keys]]

    n = len(ids)
    li = links["l"].map(index).to_numpy(dtype=np.int64)
    ri = links["r"].map(index).to_numpy(dtype=np.int64)
    graph = coo_matrix((np.ones(len(li)), (li, ri)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)

    if rej:
        labels = _split_rejected(ids, labels, links, rej, index)

    # Renumber by each cluster's smallest record id, so numbering does not depend on the engine.
    first: dict[int, str] = {}
    for rid, lab in zip(ids, labels, strict=True):
        if lab not in first or rid < first[lab]:
            first[lab] = rid
    order = {lab: k for k, lab in enumerate(sorted(first, key=first.__getitem__))}
    return {rid: order[lab] for rid, lab in zip(ids, labels, strict=True)}


def _split_rejected(
    ids: list[str],
    labels: np.ndarray,
    links: pd.DataFrame,
    rejected: set[tuple[str, str]],
    index: dict[str, int],
) -> np.ndarray:
    bad = {labels[index[a]] for a, b in rejected if labels[index[a]] == labels[index[b]]}
    if not bad:
        return labels
    labels = labels.copy()
    next_label = int(labels.max()) + 1
    link_label = labels[links["l"].map(index).to_numpy(dtype=np.int64)]
    for comp in sorted(bad):
        comp_links = links[link_label == comp].sort_values(["p", "l", "r"], ascending=[False, True, True])
        members = [ids[i] for i in np.flatnonzero(labels == comp)]
        parent = {m: m for m in members}
        groups: dict[str, set[str]] = {m: {m} for m in members}
        apart: dict[str, set[str]] = defaultdict(set)
        for a, b in rejected:
            if a in parent and b in parent:
                apart[a].add(b)
                apart[b].add(a)

        def find(x: str, parent: dict[str, str] = parent) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in zip(comp_links["l"], comp_links["r"], strict=True):
            ra, rb = find(a), find(b)
            if ra == rb:
                continue
            if any(apart[m] & groups[rb] for m in groups[ra]):
                continue  # this link would join a rejected pair
            parent[rb] = ra
            groups[ra] |= groups.pop(rb)
        for root, group in groups.items():
            if root == find(members[0]):
                continue  # the first member's group keeps the component's label
            for m in group:
                labels[index[m]] = next_label
            next_label += 1
    return labels
