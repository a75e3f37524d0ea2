"""One linkage pass over a frame of role columns: features → model → scored pairs → clusters.

Used by the vault run (``placehub link run``) and by ``bench/link_accuracy.py``, so the benchmark measures the
same code that runs in production.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from placehub.link.clustering import cluster_records
from placehub.link.config import LinkConfig
from placehub.link.engine import Scored, score_all
from placehub.link.features import build_features


@dataclass
class LinkResult:
    clusters: dict[str, int]  # unique_id → cluster number
    scored: Scored


def load_features(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Put a role frame (``unique_id``, ``source`` and role columns) into ``con`` as ``link_features``."""
    con.register("link_role_frame", frame)
    con.execute("create or replace temp table link_input as select * from link_role_frame")
    con.unregister("link_role_frame")
    build_features(con, "link_input")


def link_frame(
    frame: pd.DataFrame,
    config: LinkConfig,
    accepted: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    model_json: str | None = None,
) -> LinkResult:
    """Link (and de-duplicate) every record in ``frame``; ``unique_id`` must be unique across sources."""
    con = duckdb.connect()
    try:
        con.execute("set preserve_insertion_order = false")
        load_features(con, frame)
        scored = score_all(con, config, model_json=model_json)
        ids = [r[0] for r in con.execute("select unique_id from link_features").fetchall()]
    finally:
        con.close()
    clusters = cluster_records(ids, scored.edges, config.match_threshold, accepted, rejected)
    return LinkResult(clusters=clusters, scored=scored)
