"""The same linkage settings on Splink's Spark backend (local[2]) give the same people as on DuckDB."""

from __future__ import annotations

import pandas as pd
import pytest

from placehub.link.config import LinkConfig
from placehub.link.pipeline import link_frame
from tests.integration._link_helpers import partition, population

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _frame() -> pd.DataFrame:
    pop = population(n_people=60, seed=11)
    frame = pd.DataFrame(pop.records)
    frame["unique_id"] = frame["source"] + "|" + frame["record_id"]
    frame["dob"] = frame["dob"].astype(str)
    return frame.drop(columns=["record_id"])


def test_spark_gives_the_same_clusters_as_duckdb() -> None:
    pytest.importorskip("pyspark")
    frame = _frame()
    on_duckdb = link_frame(frame, LinkConfig(engine="duckdb"))
    on_spark = link_frame(frame, LinkConfig(engine="spark", spark_master="local[2]"))
    truth = population(n_people=60, seed=11).truth
    assert partition({k: str(v) for k, v in on_spark.clusters.items()}) == partition(truth)
    assert on_spark.clusters == on_duckdb.clusters
