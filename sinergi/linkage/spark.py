"""The same linkage model on Spark, for a deployment that outgrows one machine.

Nothing of the model changes: the records are prepared by the same Python code (``records.prepare``, run per
partition with ``mapInArrow``), the rare tokens and blocking keys by the same SQL (``model.features_sql`` in its
Spark dialect), and Splink runs the same settings, training and clustering on its Spark backend. Needs the
optional ``spark`` dependency group (``uv sync --group spark``: pyspark, and Java 17 on the machine); the Python
workers must run an interpreter that has this package and its dependencies (``PYSPARK_PYTHON``).

    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location
    spark = (SparkSession.builder.master("local[2]")
             .config("spark.jars", similarity_jar_location()).getOrCreate())   # Jaro-Winkler and friends
    predictions, clusters = link_on_spark(spark, spark.read.csv("records.csv", header=True))
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pyarrow as pa

from . import model
from .engine import LinkOptions, train
from .records import COLUMNS, FEATURES, prepare


def _prepare_partitions(as_of_year: int | None, lenient_dates: bool):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            rows = batch.to_pylist()
            if rows:
                yield from prepare(rows, as_of_year=as_of_year, lenient_dates=lenient_dates).to_batches()

    return run


def link_on_spark(spark, records, options: LinkOptions | None = None, *, checkpoint_dir: str | None = None):
    """Link a Spark DataFrame of records (string columns of ``records.COLUMNS``) with Splink's Spark backend.

    Returns Splink's predictions and clusters (SplinkDataFrames; ``.as_spark_dataframe()`` for Spark). Record ids
    must be unique (check them before: on Spark a duplicate is not reported by line).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema
    from splink import Linker, SparkAPI

    options = options or LinkOptions()
    records = records.select(*[(records[c] if c in records.columns else F.lit(None)).cast("string").alias(c)
                               for c in COLUMNS])
    prepared = records.mapInArrow(_prepare_partitions(options.as_of_year, options.lenient_dates),
                                  from_arrow_schema(FEATURES))
    prepared.createOrReplaceTempView("sinergi_prepared")
    features = spark.sql(model.features_sql("sinergi_prepared", options.max_block_size, dialect="spark"))
    if checkpoint_dir:
        spark.sparkContext.setCheckpointDir(checkpoint_dir)
        features = features.checkpoint()
    else:
        features = features.cache()
    n_records = features.count()
    features.createOrReplaceTempView("sinergi_features")
    db_api = SparkAPI(spark_session=spark)
    linker = Linker(db_api.register(features, table_name="records"), model.settings(dialect="spark"),
                    log_level=logging.ERROR)
    train(linker, options, n_records)
    # The same blocking as on one machine: one join on the table of key values.
    spark.sql(model.keys_table_sql("sinergi_features", "spark")).createOrReplaceTempView("sinergi_keys")
    pairs = spark.sql(model.blocked_pairs_sql("sinergi_keys", dialect="spark"))
    linker.table_management.register_blocked_pairs_for_predict(
        db_api.register(pairs, table_name="sinergi_blocked_pairs"))
    predictions = linker.inference.predict(threshold_match_probability=min(options.pair_threshold,
                                                                           options.threshold))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=options.threshold)
    return predictions, clusters
