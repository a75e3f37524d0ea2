"""Splink's Spark backend: imported only when ``--engine spark`` is asked for (``import placehub`` never needs
pyspark). Local (``local[2]``) or a cluster master URL; the similarity jar ships inside Splink."""

from __future__ import annotations

import tempfile
from typing import Any

from placehub.errors import PlacehubUserError


class SparkUnavailable(PlacehubUserError):
    """Spark cannot be started here (pyspark or Java missing)."""


_sessions: dict[str, Any] = {}


def spark_session(master: str | None = None) -> Any:
    """A Spark session for ``master`` (default ``local[2]``), set up for Splink; reused within a process."""
    master = master or "local[2]"
    if master in _sessions:
        return _sessions[master]
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise SparkUnavailable(
            "The Spark engine needs pyspark: install placehub with the 'spark' extra "
            "(pip install 'placehub[spark]')"
        ) from exc
    spark = (
        SparkSession.builder.master(master)
        .appName("placehub-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="placehub-spark-checkpoint-"))
    _sessions[master] = spark
    return spark


def spark_api(master: str | None = None) -> Any:
    from splink.backends.spark import SparkAPI

    return SparkAPI(spark_session=spark_session(master), num_partitions_on_repartition=4)
