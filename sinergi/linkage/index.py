"""The intake index: one new record checked against an already linked set of persons, fast.

``build_index(path, result)`` writes one DuckDB file with one row per (blocking key value, linked record): the
key value, the record's comparison features and its person (cluster) id, in key order with an index on the key;
the token frequencies the keys were built with, the term-frequency tables and the trained model. ``LinkageIndex(path).candidates(record)`` keys the
new record exactly as the linked set was keyed, looks its key values up, and scores the few candidates with the
trained model's m and u values (Splink's own scoring), so the score and its explanation are those of the batch
linkage. Nothing here knows about users: the caller decides what the user may learn of each candidate.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, SettingsCreator
# Splink's real-time scorer (``linker.inference.score_pairs`` builds its SQL anew on each call, ~1 s).
from splink.internals.realtime import compare_records

from . import model
from .engine import Explanation, explain_row
from .records import FEATURES, prepare

FORMAT_VERSION = 2
_TF_COLUMNS = ("name_key", "name_rare", "village")
# What the scorer reads of a linked record (its blocking keys are not needed once it is found).
_FEATURE_COLUMNS = (*FEATURES.names, "name_rare")


def build_index(path: str | Path, result) -> None:
    """Write the intake index of a finished linkage run (``engine.LinkResult``) to ``path`` (replaced)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    con = result.con
    clusters = result._clusters.physical_name
    con.execute(f"ATTACH '{tmp}' AS idx")
    try:
        # One row per (key value, record): the key and the record's features with its person, as one JSON text,
        # in key order. A check reads the rows of its few key values; a row found through the index is fetched
        # column by column, so one column of text costs a twentieth of the features as columns (a million
        # records: about 12 ms for a check's few hundred candidates instead of 250 ms).
        features = ", ".join(f"{c} := r.{c}" for c in _FEATURE_COLUMNS)
        con.execute(f"CREATE TABLE idx.keys AS SELECT k.key, CAST(to_json(struct_pack({features}, "
                    f"cluster_id := c.cluster_id)) AS VARCHAR) AS record FROM record_keys k "
                    f"JOIN records r USING (unique_id) JOIN {clusters} c USING (unique_id) ORDER BY k.key")
        con.execute("CREATE INDEX keys_key ON idx.keys (key)")
        con.execute("CREATE TABLE idx.token_freq AS SELECT token, count(*) AS n FROM "
                    "(SELECT unnest(name_tokens) AS token FROM records) GROUP BY token")
        con.execute("CREATE INDEX token_freq_token ON idx.token_freq (token)")
        for column in _TF_COLUMNS:
            tf = result.linker.table_management.compute_tf_table(column)
            con.execute(f"CREATE TABLE idx.tf_{column} AS SELECT * FROM {tf.physical_name}")
            con.execute(f"CREATE INDEX tf_{column}_value ON idx.tf_{column} ({column})")
        meta = {"version": FORMAT_VERSION, "model": result.model_json(),
                "max_block_size": result.options.max_block_size, "as_of_year": result.options.as_of_year}
        con.execute("CREATE TABLE idx.meta (value VARCHAR)")
        con.execute("INSERT INTO idx.meta VALUES (?)", [json.dumps(meta)])
    finally:
        con.execute("DETACH idx")
    os.replace(tmp, path)


@dataclass(frozen=True)
class Candidate:
    record_id: str             # the linked record that matched
    cluster_id: str            # the person it belongs to
    match_probability: float
    explanation: Explanation


class LinkageIndex:
    """An open intake index. Thread-safe (one lock: DuckDB connections are not shared between threads)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"ATTACH '{self.path}' AS idx (READ_ONLY)")
        self.con.execute("SET threads = 1")  # tiny queries: parallel plans only cost here
        meta = json.loads(self.con.sql("SELECT value FROM idx.meta").fetchall()[0][0])
        if meta.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported linkage index version {meta.get('version')}")
        self.as_of_year = meta.get("as_of_year")
        self.model = meta["model"]
        self.db_api = DuckDBAPI(connection=self.con)
        settings = SettingsCreator.from_path_or_dict(self.model).get_settings("duckdb")
        self._labels = {(c.output_column_name, lvl.comparison_vector_value): lvl.label_for_charts
                        for c in settings.comparisons for lvl in c.comparison_levels}
        self._comparisons = [c.output_column_name for c in settings.comparisons]
        self._prior = settings._probability_two_random_records_match
        # The term frequencies are given to the scorer as columns (tf_<column>) of both sides.
        self._scoring_sql, self._left, self._right = self._scoring_query()

    def _scoring_query(self) -> tuple[str, str, str]:
        """Splink's scoring SQL for (new record × candidates), built once: it reads two tables whose names we
        learn here; each check binds its own rows to those names."""
        # The scorer's SQL names the blocking keys too (Splink's settings carry the blocking rules); they are
        # empty on both sides, as no check blocks.
        self._schema = pa.schema([*FEATURES, pa.field("name_rare", pa.string()),
                                  pa.field("name_rares", pa.list_(pa.string())),
                                  *(pa.field(name, pa.string()) for name in model.BLOCKING_KEYS),
                                  *(pa.field(name, pa.list_(pa.string())) for name in model.EXPLODED_KEYS),
                                  *(pa.field(f"tf_{c}", pa.float64()) for c in _TF_COLUMNS)])
        sample = pa.Table.from_pylist([{"unique_id": "x"}], schema=self._schema)
        scored = compare_records(sample, sample, self.model, self.db_api)
        sql = scored.sql_used_to_create
        left = re.search(r"__splink__compare_records_left_[a-z0-9]+", sql).group(0)
        right = re.search(r"__splink__compare_records_right_[a-z0-9]+", sql).group(0)
        scored.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        for name in (left, right):
            self.con.unregister(name)
        return sql, left, right

    def close(self) -> None:
        self.con.close()

    def _keyed(self, record: Mapping) -> tuple[dict, list[str]]:
        """The new record's features (with the columns of the indexed records) and its blocking key values."""
        row = prepare([record], as_of_year=self.as_of_year).to_pylist()[0]
        tokens = row["name_tokens"] or []
        freq = dict(self.con.sql("SELECT token, n FROM idx.token_freq WHERE token IN (SELECT unnest(?))",
                                 params=[tokens]).fetchall()) if tokens else {}
        rare, rares, keys = model.keys_for(row, freq)
        row |= {"name_rare": rare, "name_rares": rares}
        row |= {name: None for name in model.BLOCKING_KEYS} | {name: [] for name in model.EXPLODED_KEYS}
        tf = self.con.sql(" , ".join(
            f"(SELECT max(tf_{c}) FROM idx.tf_{c} WHERE {c} = ?) AS tf_{c}" for c in _TF_COLUMNS).join(
            ["SELECT ", ""]), params=[row[c] for c in _TF_COLUMNS]).fetchall()[0]
        row |= {f"tf_{c}": v for c, v in zip(_TF_COLUMNS, tf)}
        return row, keys

    def candidates(self, record: Mapping, *, limit: int = 10, min_probability: float = 0.5) -> list[Candidate]:
        """The linked records most likely to be the person of ``record`` (a mapping with the columns of
        ``records.COLUMNS``; its ``record_id`` may be anything not in the index), best first, at or above
        ``min_probability``. Raises ``records.InputError`` for an unreadable date or age."""
        with self._lock:
            keyed, keys = self._keyed({**record, "record_id": record.get("record_id") or "__new__"})
            if not keys:
                return []
            found: dict[str, dict] = {}  # a record found under several of the key values is scored once
            for (text,) in self.con.sql("SELECT record FROM idx.keys WHERE key IN (SELECT unnest(?))",
                                        params=[keys]).fetchall():
                candidate = json.loads(text)
                found.setdefault(candidate["unique_id"], candidate)
            if not found:
                return []
            for c in _TF_COLUMNS:
                values = sorted({r[c] for r in found.values() if r[c] is not None})
                tf = dict(self.con.sql(f"SELECT {c}, tf_{c} FROM idx.tf_{c} WHERE {c} IN (SELECT unnest(?))",
                                       params=[values]).fetchall()) if values else {}
                for r in found.values():
                    r[f"tf_{c}"] = tf.get(r[c])
            cluster_of = {uid: r["cluster_id"] for uid, r in found.items()}
            names = self._schema.names
            right = pa.Table.from_pylist([{c: r.get(c) for c in names} for r in found.values()], schema=self._schema)
            left = pa.Table.from_pylist([{c: keyed[c] for c in right.column_names}], schema=right.schema)
            self.con.register(self._left, left)
            self.con.register(self._right, right)
            try:
                result = self.con.sql(self._scoring_sql)
                rows = [dict(zip(result.columns, values)) for values in result.fetchall()]
            finally:
                self.con.unregister(self._left)
                self.con.unregister(self._right)
        out = []
        for r in rows:
            if r["match_probability"] < min_probability:
                continue
            other = r["unique_id_r"]
            out.append(Candidate(str(other), str(cluster_of[other]), float(r["match_probability"]),
                                 explain_row(r, self._labels, self._comparisons, self._prior)))
        out.sort(key=lambda c: (-c.match_probability, c.record_id))
        return out[:limit]
