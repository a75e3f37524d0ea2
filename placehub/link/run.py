"""A linkage run over the vault: link everyone (full) or one source's new load (incremental), keep person ids
stable, record merges and splits, rebuild households, queue uncertain pairs for clerical review."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd
from sqlalchemy import func, select

from placehub.errors import PlacehubUserError
from placehub.link.clustering import cluster_records
from placehub.link.config import LinkConfig
from placehub.link.engine import score_new
from placehub.link.features import build_features
from placehub.link.pipeline import link_frame
from placehub.link.reasons import reason_for
from placehub.link.review import decided_pairs
from placehub.link.stable_ids import assign_person_ids
from placehub.link.vault_io import previous_mapping, records_frame, write_people
from placehub.settings import Settings
from placehub.store import Catalogue, Vault
from placehub.store.models_link import LinkRun, PersonEvent

log = logging.getLogger(__name__)


class NoEarlierRun(PlacehubUserError):
    """An incremental run needs a full run first."""


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    kind: str
    engine: str
    records: int
    people: int
    households: int
    people_new: int
    merges: int
    splits: int
    pairs_for_review: int


def _review_pairs(
    edges: pd.DataFrame, person_of: dict[str, str], config: LinkConfig, decided: set
) -> pd.DataFrame:
    """Uncertain pairs that still separate two people and have no decision yet."""
    band = edges[
        (edges["match_probability"] >= config.review_threshold)
        & (edges["match_probability"] < config.match_threshold)
    ].copy()
    band["person_id_l"] = band["unique_id_l"].map(person_of)
    band["person_id_r"] = band["unique_id_r"].map(person_of)
    keys = list(zip(band["unique_id_l"], band["unique_id_r"], strict=True))
    undecided = pd.Series([k not in decided for k in keys], index=band.index, dtype=bool)
    keep = (band["person_id_l"] != band["person_id_r"]) & undecided
    band = band[keep].sort_values(
        ["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
    )
    band["pair_id"] = range(1, len(band) + 1)
    return band.reset_index(drop=True)


def _last_seq(catalogue: Catalogue) -> int:
    with catalogue.session() as s:
        return int(s.scalar(select(func.max(LinkRun.last_person_seq))) or 0)


def _latest_model(catalogue: Catalogue) -> LinkRun | None:
    with catalogue.session() as s:
        return s.scalars(
            select(LinkRun)
            .where(LinkRun.kind == "full", LinkRun.finished_at.is_not(None))
            .order_by(LinkRun.id.desc())
        ).first()


def run_linkage(
    settings: Settings, catalogue: Catalogue, config: LinkConfig | None = None, *, source: str | None = None
) -> RunSummary:
    """Link the vault's current records. With ``source``, link only that source's records not yet linked to
    the existing people, with the saved model (no retraining); otherwise re-estimate and re-link everyone."""
    config = config or LinkConfig()
    vault = Vault(settings.vault_path)
    accepted, rejected = decided_pairs(catalogue)
    decided = accepted | rejected
    with vault.connect() as con:
        frame = records_frame(vault, con)
        previous = previous_mapping(con)
    if source is not None:
        prior = _latest_model(catalogue)
        if prior is None or not previous:
            raise NoEarlierRun(
                "No earlier linkage run to add to: run `placehub link run` once without --source."
            )
        if source not in set(frame["source"]):
            raise PlacehubUserError(f"Source {source!r} has no current records to link.")
        frame, clusters, edges = _incremental(
            frame, previous, source, config, prior.model_json, accepted, rejected
        )
        previous = {uid: pid for uid, pid in previous.items() if uid in clusters}
        model_json = prior.model_json
    else:
        result = link_frame(frame.drop(columns=["record_id"]), config, accepted, rejected)
        edges, model_json, clusters = result.scored.edges, result.scored.model_json, result.clusters

    with catalogue.session() as s:
        run = LinkRun(
            kind="incremental" if source else "full",
            engine=config.engine,
            source=source,
            match_threshold=config.match_threshold,
            review_threshold=config.review_threshold,
            seed=config.seed,
            settings_json=config.to_json(),
            model_json=model_json,
            records=len(frame),
            run_by=settings.user,
        )
        s.add(run)
        s.flush()
        run_id = run.id

    assignment = assign_person_ids(clusters, previous, _last_seq(catalogue))
    review = _review_pairs(edges, assignment.person_of, config, decided)
    with vault.connect() as con:
        people, households = write_people(
            con, frame, assignment.person_of, run_id, review, replace_review=source is None
        )
    merges = [c for c in assignment.changes if c.kind == "merge"]
    splits = [c for c in assignment.changes if c.kind == "split"]
    with catalogue.session() as s:
        for change in assignment.changes:
            s.add(
                PersonEvent(
                    run_id=run_id,
                    kind=change.kind,
                    person_id=change.person_id,
                    other_person_ids=json.dumps(change.other_person_ids),
                    records_moved=change.records_moved,
                    reason=reason_for(change, edges, config.match_threshold, accepted, rejected),
                )
            )
        run = s.get(LinkRun, run_id)
        assert run is not None
        run.finished_at = datetime.now(UTC)
        run.people, run.households = people, households
        run.pairs_for_review = len(review)
        run.people_new, run.merges, run.splits = assignment.new_people, len(merges), len(splits)
        run.last_person_seq = assignment.last_seq
    log.info("link run %d: %d records, %d people, %d households", run_id, len(frame), people, households)
    return RunSummary(
        run_id,
        "incremental" if source else "full",
        config.engine,
        len(frame),
        people,
        households,
        assignment.new_people,
        len(merges),
        len(splits),
        len(review),
    )


def _incremental(
    frame: pd.DataFrame,
    previous: dict[str, str],
    source: str,
    config: LinkConfig,
    model_json: str,
    accepted: set[tuple[str, str]],
    rejected: set[tuple[str, str]],
) -> tuple[pd.DataFrame, dict[str, int], pd.DataFrame]:
    """Score the source's new records against the linked ones with the saved model; existing people are fixed
    nodes, so their links are not recomputed. Returns (records now linked, clusters, scored edges)."""
    existing = frame[frame["unique_id"].isin(previous)]
    new = frame[(frame["source"] == source) & ~frame["unique_id"].isin(previous)]
    empty = pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight"])
    if new.empty:
        edges = empty
    else:
        con = duckdb.connect()
        try:
            for name, part in (("link_input", existing), ("link_new_input", new)):
                con.register("part", part.drop(columns=["record_id"]))
                con.execute(f"create temp table {name} as select * from part")  # noqa: S608
                con.unregister("part")
            build_features(con, "link_new_input")
            con.execute("alter table link_features rename to link_new_features")
            build_features(con, "link_input")
            edges = score_new(con, config, model_json)
        finally:
            con.close()
    # Collapse each existing person into one node so that existing links stay as they are.
    node = {uid: f"person:{previous[uid]}" for uid in existing["unique_id"]}
    node.update({uid: uid for uid in new["unique_id"]})
    mapped = edges.assign(
        unique_id_l=edges["unique_id_l"].map(node), unique_id_r=edges["unique_id_r"].map(node)
    )
    mapped = mapped[mapped["unique_id_l"] != mapped["unique_id_r"]]

    def nodes_of(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(node[a], node[b]) for a, b in pairs if a in node and b in node and node[a] != node[b]]

    node_clusters = cluster_records(
        sorted(set(node.values())), mapped, config.match_threshold, nodes_of(accepted), nodes_of(rejected)
    )
    clusters = {uid: node_clusters[n] for uid, n in node.items()}
    # Records linked before but no longer current (superseded by this load) drop out here.
    linked = frame[frame["unique_id"].isin(node)].reset_index(drop=True)
    return linked, clusters, edges
