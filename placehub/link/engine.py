"""Run the model on a feature frame with DuckDB or Spark: train (or reuse a saved model), score pairs.

The same SettingsCreator drives both engines; DuckDB runs in its own in-memory connection so Splink's working
tables never land in the vault.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from placehub.link.config import LinkConfig
from placehub.link.features import present_columns
from placehub.link.model import (
    LARGE_INPUT,
    household_phone_share,
    prediction_blocking_rules,
    settings_for,
    train,
)

log = logging.getLogger(__name__)
# Every Linker is made with set_up_basic_logging=False: otherwise each one sets Splink's logger back to INFO,
# undoing the CLI's quiet default (PLACEHUB_VERBOSE=1 brings the narration back).

TRAINING_SAMPLE = 200_000
EDGE_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]


@dataclass
class Scored:
    """Pairs scored at or above the review threshold, and the model that scored them."""

    edges: pd.DataFrame  # unique_id_l < unique_id_r, match_probability, match_weight
    model_json: str
    columns: set[str]


def _db_api(
    con: duckdb.DuckDBPyConnection, config: LinkConfig, table: str = "link_features"
) -> tuple[Any, Any]:
    """(Splink database API, the input to hand the Linker) for the configured engine."""
    if config.engine == "spark":
        from pyspark.sql.types import StringType, StructField, StructType

        from placehub.link.spark import spark_api

        api = spark_api(config.spark_master)
        frame = con.execute(f"select * from {table} order by unique_id").df()  # noqa: S608
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        # Every feature is text; an explicit schema, because a column of nulls cannot be inferred.
        schema = StructType([StructField(c, StringType(), True) for c in frame.columns])
        return api, api.spark.createDataFrame(rows, schema=schema)
    return DuckDBAPI(connection=con), table


def _training_sample(con: duckdb.DuckDBPyConnection, n: int, seed: int) -> int:
    """Large inputs train on a uniform, seeded sample of records. Under uniform sampling the chance that two
    random records match is unchanged, and m and u describe pairs, not the input's size, so the model carries
    over to the whole input. Returns the sample's size."""
    buckets = -(-n // TRAINING_SAMPLE)
    con.execute(
        "create or replace temp table link_training as select * from link_features "  # noqa: S608
        f"where hash(unique_id || '{int(seed)}') % {int(buckets)} = 0"
    )
    return int(con.execute("select count(*) from link_training").fetchone()[0])  # type: ignore[index]


def _edges(predictions: Any, threshold: float) -> pd.DataFrame:
    df = predictions.as_pandas_dataframe()[EDGE_COLUMNS]
    df = df[df["match_probability"] >= threshold].copy()
    df["unique_id_l"] = df["unique_id_l"].astype(str)
    df["unique_id_r"] = df["unique_id_r"].astype(str)
    swap = df["unique_id_l"] > df["unique_id_r"]
    df.loc[swap, ["unique_id_l", "unique_id_r"]] = df.loc[swap, ["unique_id_r", "unique_id_l"]].to_numpy()
    return df.sort_values(["unique_id_l", "unique_id_r"]).reset_index(drop=True)


def score_all(con: duckdb.DuckDBPyConnection, config: LinkConfig, model_json: str | None = None) -> Scored:
    """Train a model on ``link_features`` (unless ``model_json`` is given) and score every blocked pair."""
    columns = present_columns(con)
    n = con.execute("select count(*) from link_features").fetchone()[0]  # type: ignore[index]
    share = household_phone_share(con, columns) if model_json is None else None
    log.info("household phone share: %s", share)
    if model_json is None and n > LARGE_INPUT:
        n_train = _training_sample(con, n, config.seed)
        api, sample = _db_api(con, config, "link_training")
        trainer = Linker(sample, settings_for(columns, n, share), db_api=api, set_up_basic_logging=False)
        train(trainer, columns, n_train, config, n_input=n)
        trained = trainer.misc.save_model_to_json(out_path=None)
        api, table = _db_api(con, config)
        linker = Linker(table, trained, db_api=api, set_up_basic_logging=False)
    elif model_json is None:
        api, table = _db_api(con, config)
        linker = Linker(table, settings_for(columns, n, share), db_api=api, set_up_basic_logging=False)
        train(linker, columns, n, config)
    else:
        api, table = _db_api(con, config)
        linker = Linker(table, json.loads(model_json), db_api=api, set_up_basic_logging=False)
    predictions = linker.inference.predict(threshold_match_probability=config.review_threshold)
    edges = _edges(predictions, config.review_threshold)
    saved = json.dumps(linker.misc.save_model_to_json(out_path=None), sort_keys=True)
    log.info(
        "scored %d pairs at or above %.2f on %d records (%s)",
        len(edges),
        config.review_threshold,
        n,
        config.engine,
    )
    return Scored(edges=edges, model_json=saved, columns=columns)


def score_new(
    con: duckdb.DuckDBPyConnection, config: LinkConfig, model_json: str, new_table: str = "link_new_features"
) -> pd.DataFrame:
    """Score new records against the existing ones in ``link_features`` and among themselves, with a saved
    model (no retraining, no re-scoring of existing pairs)."""
    columns = present_columns(con)
    existing = con.execute("select count(*) from link_features").fetchone()[0]  # type: ignore[index]
    settings = json.loads(model_json)
    api = DuckDBAPI(connection=con)
    linker = Linker("link_features", settings, db_api=api, set_up_basic_logging=False)
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("tf_adjustment_column"):
                linker.table_management.compute_tf_table(level["tf_adjustment_column"])
    to_existing = linker.inference.find_matches_to_new_records(
        new_table,
        blocking_rules=prediction_blocking_rules(columns, existing),
        match_weight_threshold=-50,
    )
    edges = [_edges(to_existing, config.review_threshold)]
    new_count = con.execute(f"select count(*) from {new_table}").fetchone()[0]  # type: ignore[index]  # noqa: S608
    if new_count > 1:  # duplicates within the new load itself
        among = Linker(new_table, settings, db_api=DuckDBAPI(connection=con), set_up_basic_logging=False)
        edges.append(_edges(among.inference.predict(config.review_threshold), config.review_threshold))
    out = pd.concat(edges, ignore_index=True)
    return out.drop_duplicates(["unique_id_l", "unique_id_r"]).reset_index(drop=True)
