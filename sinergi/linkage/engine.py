"""The linkage engine: Splink on DuckDB (one machine) with the Indonesian model of ``model.py``.

    result = link(rows)                      # rows: mappings with the columns of records.COLUMNS
    result.clusters()                        # Arrow table: record_id, cluster_id
    result.pairs()                           # Arrow table: record_id_l, record_id_r, match_probability
    result.explain("r1", "r2")               # which fields agreed and how much each weighed
    result.save_index("persons.duckdb")      # the intake index (see ``index.py``)

Model parameters are trained on the data itself: the share of matching pairs from near-certain rules, u by
random sampling of pairs, m by expectation maximisation in sessions that block on different fields. The same
settings run on Spark (``spark.py``).
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from . import model
from .records import prepare

logger = logging.getLogger(__name__)

#: Pairs at or above this probability form clusters (one person).
DEFAULT_THRESHOLD = 0.95
#: Pairs at or above this probability are reported (the band between the two is the one to review).
DEFAULT_PAIR_THRESHOLD = 0.5


@dataclass
class LinkOptions:
    threshold: float = DEFAULT_THRESHOLD
    pair_threshold: float = DEFAULT_PAIR_THRESHOLD
    max_block_size: int = model.DEFAULT_MAX_BLOCK_SIZE
    u_max_pairs: float = 1e6
    training_sample: int = 250_000      # lists larger than this train m and u on a random sample of this many
    seed: int = 42
    as_of_year: int | None = None
    lenient_dates: bool = False         # unreadable dates and ages count as empty instead of refusing the input
    memory_limit: str | None = None     # e.g. "4GB": DuckDB spills to temp_directory beyond it
    threads: int | None = None
    temp_directory: str | None = None


@dataclass(frozen=True)
class FieldWeight:
    field: str             # comparison: name, sex, birth, origin, passport, phone
    level: str             # what was found, e.g. "same names (any order)", "day and month swapped"
    agreement: int         # Splink's gamma: -1 missing, 0 disagree, higher = closer agreement
    match_weight: float    # log2 Bayes factor of this field (term-frequency adjustment included)


@dataclass(frozen=True)
class Explanation:
    record_id_l: str
    record_id_r: str
    match_probability: float
    match_weight: float
    prior_weight: float
    fields: tuple[FieldWeight, ...]

    def as_dict(self) -> dict:
        return {"record_id_l": self.record_id_l, "record_id_r": self.record_id_r,
                "match_probability": self.match_probability, "match_weight": self.match_weight,
                "prior_weight": self.prior_weight,
                "fields": [f.__dict__ for f in self.fields]}


def connect(options: LinkOptions, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(database)
    if options.memory_limit:
        con.execute(f"SET memory_limit = '{options.memory_limit}'")
    if options.threads:
        con.execute(f"SET threads = {int(options.threads)}")
    con.execute(f"SET temp_directory = '{options.temp_directory or tempfile.gettempdir()}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def build_features(con: duckdb.DuckDBPyConnection, prepared: pa.Table, max_block_size: int,
                   table: str = "records") -> None:
    """The prepared records with rare tokens and blocking keys, as table ``table`` of ``con``."""
    con.register("prepared_input", prepared)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS {model.features_sql('prepared_input', max_block_size)}")
    con.unregister("prepared_input")


class LinkResult:
    """The outcome of one linkage run; its tables live in the run's DuckDB connection."""

    def __init__(self, linker: Linker, con: duckdb.DuckDBPyConnection, predictions, clusters, options):
        self.linker = linker
        self.con = con
        self._predictions = predictions
        self._clusters = clusters
        self.options = options
        self._labels = _level_labels(linker)
        self.timings: dict[str, float] = {}   # seconds per phase (prepare, features, train_*, predict, cluster)

    def clusters_sql(self) -> str:
        """SQL (on ``self.con``) of every record with its cluster: ``record_id, cluster_id``."""
        return (f"SELECT unique_id AS record_id, cluster_id FROM {self._clusters.physical_name} "
                f"ORDER BY record_id")

    def pairs_sql(self, min_probability: float | None = None) -> str:
        """SQL (on ``self.con``) of the scored pairs at or above ``min_probability`` (default: the run's pair
        threshold), most likely first: ``record_id_l, record_id_r, match_probability, match_weight``."""
        floor = self.options.pair_threshold if min_probability is None else min_probability
        return (f"SELECT unique_id_l AS record_id_l, unique_id_r AS record_id_r, match_probability, match_weight "
                f"FROM {self._predictions.physical_name} WHERE match_probability >= {float(floor)} "
                f"ORDER BY match_probability DESC, record_id_l, record_id_r")

    def clusters(self) -> pa.Table:
        return self.con.sql(self.clusters_sql()).to_arrow_table()

    def clusters_at(self, threshold: float) -> pa.Table:
        """The clusters at another threshold (at or above the run's pair threshold), without scoring again."""
        clusters = self.linker.clustering.cluster_pairwise_predictions_at_threshold(
            self._predictions, threshold_match_probability=threshold)
        try:
            return self.con.sql(f"SELECT unique_id AS record_id, cluster_id FROM {clusters.physical_name} "
                                f"ORDER BY record_id").to_arrow_table()
        finally:
            clusters.drop_table_from_database_and_remove_from_cache()

    def pairs(self, min_probability: float | None = None) -> pa.Table:
        return self.con.sql(self.pairs_sql(min_probability)).to_arrow_table()

    def explanations(self, min_probability: float | None = None) -> Iterable[Explanation]:
        floor = self.options.pair_threshold if min_probability is None else min_probability
        cursor = self.con.cursor()  # its own result, so the caller may query self.con meanwhile
        try:
            cursor.execute(f"SELECT * FROM {self._predictions.physical_name} WHERE match_probability >= "
                           f"{float(floor)} ORDER BY match_probability DESC, unique_id_l, unique_id_r")
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(10_000):
                for row in batch:
                    yield self._explain_row(dict(zip(names, row)))
        finally:
            cursor.close()

    def explain(self, record_id_l: str, record_id_r: str) -> Explanation | None:
        """Why two records were (or were not) linked; ``None`` when blocking never compared them."""
        a, b = sorted((record_id_l, record_id_r))
        rel = self.con.sql(f"SELECT * FROM {self._predictions.physical_name} WHERE (unique_id_l = ? AND "
                           f"unique_id_r = ?) OR (unique_id_l = ? AND unique_id_r = ?)", params=[a, b, b, a])
        rows = rel.fetchall()
        if not rows:
            return None
        return self._explain_row(dict(zip(rel.columns, rows[0])))

    def _explain_row(self, row: Mapping) -> Explanation:
        settings = self.linker._settings_obj
        return explain_row(row, self._labels, [c.output_column_name for c in settings.comparisons],
                           settings._probability_two_random_records_match)

    def summary(self) -> dict:
        c = self._clusters.physical_name
        records, clusters, linked, largest = self.con.sql(
            f"SELECT count(*), count(DISTINCT cluster_id), "
            f"count(*) FILTER (WHERE size > 1), coalesce(max(size), 0) FROM "
            f"(SELECT cluster_id, count(*) OVER (PARTITION BY cluster_id) AS size FROM {c})").fetchall()[0]
        pairs = self.con.sql(f"SELECT count(*) FILTER (WHERE match_probability >= {self.options.threshold}), "
                             f"count(*) FROM {self._predictions.physical_name} WHERE match_probability >= "
                             f"{self.options.pair_threshold}").fetchall()[0]
        return {"records": records, "persons": clusters, "records_in_shared_clusters": linked,
                "largest_cluster": largest, "pairs_linked": pairs[0], "pairs_reported": pairs[1],
                "pairs_to_review": pairs[1] - pairs[0], "threshold": self.options.threshold,
                "pair_threshold": self.options.pair_threshold}

    def model_json(self) -> dict:
        """The trained model (Splink settings with m and u values), for ``Linker(..., settings=...)`` again."""
        return self.linker.misc.save_model_to_json(out_path=None)

    def save_index(self, path: str | Path) -> None:
        from .index import build_index

        build_index(path, self)


def _level_labels(linker: Linker) -> dict[tuple[str, int], str]:
    labels = {}
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            labels[(comparison.output_column_name, level.comparison_vector_value)] = level.label_for_charts
    return labels


def explain_row(row: Mapping, labels: Mapping[tuple[str, int], str], comparisons: Iterable[str],
                prior: float) -> Explanation:
    """An ``Explanation`` from one scored pair with Splink's intermediate columns (gamma_*, mw_*, mw_tf_adj_*).

    ``comparisons`` are the model's comparison names, ``prior`` its probability that two records match."""
    fields = []
    for name in comparisons:
        gamma = int(row.get(f"gamma_{name}", -1))
        weight = _weight(row, f"mw_{name}", f"bf_{name}")
        tf = _weight(row, f"mw_tf_adj_{name}", f"bf_tf_adj_{name}")
        fields.append(FieldWeight(name, labels.get((name, gamma), str(gamma)), gamma, round(weight + tf, 3)))
    return Explanation(str(row["unique_id_l"]), str(row["unique_id_r"]), float(row["match_probability"]),
                       float(row["match_weight"]), round(math.log2(prior / (1 - prior)), 3), tuple(fields))


def _weight(row: Mapping, mw: str, bf: str) -> float:
    if mw in row and row[mw] is not None:
        return float(row[mw])
    if bf in row and row[bf] is not None and row[bf] > 0:
        return math.log2(float(row[bf]))
    return 0.0


def train_prior(linker: Linker) -> None:
    """The share of matching pairs among all pairs, from near-certain rules (it depends on the list's size)."""
    try:
        linker.training.estimate_probability_two_random_records_match(model.DETERMINISTIC_RULES,
                                                                      recall=model.DETERMINISTIC_RECALL)
    except Exception as exc:  # noqa: BLE001 - too few certain pairs in a tiny list: keep Splink's default prior
        logger.info("prior not estimated: %s", exc)
    _bound_prior(linker)


def _bound_prior(linker: Linker) -> None:
    # On a tiny or odd list the estimated share of matching pairs can reach 0 or 1, where weights are infinite.
    settings = linker._settings_obj
    settings._probability_two_random_records_match = min(max(settings._probability_two_random_records_match,
                                                              1e-12), 0.5)


def train(linker: Linker, options: LinkOptions, n_records: int, lap=lambda name: None) -> None:
    """m and u values and the prior, all from the data being linked (``n_records`` of them)."""
    train_prior(linker)
    lap("train_prior")
    training = linker.training
    if n_records * (n_records - 1) / 2 <= options.u_max_pairs:
        # A small list: every pair in one pass (the chunked, early-stopping sampling only adds passes).
        training.estimate_u_using_random_sampling(max_pairs=options.u_max_pairs, seed=options.seed, num_chunks=1,
                                                  min_count_per_level=None)
    else:
        training.estimate_u_using_random_sampling(max_pairs=options.u_max_pairs, seed=options.seed)
    lap("train_u")
    for rule in model.EM_RULES:
        try:
            training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
        except Exception as exc:  # noqa: BLE001 - a session with no pairs (e.g. no dates at all) trains nothing
            logger.info("EM session %s skipped: %s", rule, exc)
    _bound_prior(linker)
    lap("train_m")


def link(rows: Iterable[Mapping] | pa.Table, options: LinkOptions | None = None, *,
         trained_model: dict | str | Path | None = None) -> LinkResult:
    """Link ``rows`` (mappings with the columns of ``records.COLUMNS``, or an already prepared Arrow table).

    With ``trained_model`` (a dict or JSON file from ``LinkResult.model_json``) the model is not trained again.
    Raises ``records.InputError`` for unreadable dates or ages.
    """
    options = options or LinkOptions()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    prepared = rows if isinstance(rows, pa.Table) else prepare(rows, as_of_year=options.as_of_year,
                                                                lenient_dates=options.lenient_dates)
    lap("prepare")
    con = connect(options)
    build_features(con, prepared, options.max_block_size)
    del prepared
    lap("features")
    db_api = DuckDBAPI(connection=con)
    table = db_api.register("records", dataset_display_name="records")
    if trained_model is not None:
        settings = trained_model if isinstance(trained_model, dict) else json.loads(Path(trained_model).read_text())
        linker = Linker(table, settings, log_level=logging.ERROR)
    else:
        n_records = con.sql("SELECT count(*) FROM records").fetchall()[0][0]
        if n_records > options.training_sample:
            # m and u are chances per pair of records (of a field agreeing, given a match or not): a random
            # sample of records estimates them as well as the whole list and costs a fraction. The prior, the
            # share of matching pairs, depends on the list's size and is estimated on the whole list.
            # The sample is the records with the smallest hashes of their id and the seed, in that order: the same
            # records and the same order on every run (a reservoir sample, or the order in which parallel threads
            # wrote the records, would differ from run to run, and so would the trained model).
            con.execute("SET preserve_insertion_order = true")
            con.execute(f"CREATE OR REPLACE TABLE training_records AS SELECT * FROM records "
                        f"ORDER BY hash(unique_id || '|{int(options.seed)}'), unique_id "
                        f"LIMIT {int(options.training_sample)}")
            con.execute("SET preserve_insertion_order = false")
            sample = Linker(db_api.register("training_records", dataset_display_name="training sample"),
                            model.settings(), log_level=logging.ERROR)
            train(sample, options, options.training_sample, lap)
            linker = Linker(table, sample.misc.save_model_to_json(out_path=None), log_level=logging.ERROR)
            con.execute("DROP TABLE training_records")
            train_prior(linker)
            lap("train_prior_all")
        else:
            linker = Linker(table, model.settings(), log_level=logging.ERROR)
            train(linker, options, n_records, lap)
    con.execute(f"CREATE OR REPLACE TABLE record_keys AS {model.keys_table_sql('records')}")
    con.execute(f"CREATE OR REPLACE TABLE blocked_pairs AS {model.blocked_pairs_sql('record_keys')}")
    linker.table_management.register_blocked_pairs_for_predict(
        db_api.register("blocked_pairs", table_name="sinergi_blocked_pairs"))
    lap("block")
    predictions = linker.inference.predict(threshold_match_probability=min(options.pair_threshold,
                                                                           options.threshold))
    lap("predict")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=options.threshold)
    lap("cluster")
    result = LinkResult(linker, con, predictions, clusters, options)
    result.timings = timings
    return result


__all__ = ["DEFAULT_PAIR_THRESHOLD", "DEFAULT_THRESHOLD", "Explanation", "FieldWeight", "LinkOptions",
           "LinkResult", "explain_row", "link"]
