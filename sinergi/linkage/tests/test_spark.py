"""The same model on a local Spark (only where the optional ``spark`` group is installed and Java is there)."""

from __future__ import annotations

import shutil
import sys

import pytest

from sinergi.linkage import synthetic
from sinergi.linkage.engine import LinkOptions
from sinergi.linkage.records import COLUMNS

from .test_engine import precision_recall

pyspark = pytest.importorskip("pyspark")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("java") is None, reason="no Java")]


def test_the_model_links_on_a_local_spark(tmp_path, monkeypatch):
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    from sinergi.linkage.spark import link_on_spark

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # the workers need this environment's packages
    spark = (SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", "4")
             .config("spark.ui.enabled", "false").config("spark.jars", similarity_jar_location()).getOrCreate())
    try:
        rows, truth = synthetic.generate(600, seed=11, as_of_year=2026)
        frame = spark.createDataFrame([[r[c] for c in COLUMNS] for r in rows], schema=list(COLUMNS))
        _, clusters = link_on_spark(spark, frame, LinkOptions(u_max_pairs=1e5, seed=1, as_of_year=2026),
                                    checkpoint_dir=str(tmp_path))
        found = {r["unique_id"]: r["cluster_id"] for r in clusters.as_spark_dataframe().collect()}
        assert set(found) == set(truth)
        precision, recall = precision_recall(found, truth)
        assert precision >= 0.95 and recall >= 0.70
    finally:
        spark.stop()
