"""Carrying the uncertainty of record linkage into the estimate.

MSE needs to know which records on different lists are the same person, and linkage only gives a probability
for each candidate pair. This module re-draws the uncertain matches many times and estimates each time:

1. Each draw accepts every candidate pair independently with its match probability (a pair at 0.9 joins its
   two records in about nine draws out of ten), takes the transitive closure (connected components: if a~b and
   b~c then a, b and c are one person), gives every person the lists of their records, and counts the capture
   histories. Records in one cluster of the given clustering that no candidate pair joins (a rule-based or a
   reviewed merge) stay joined in every draw. A reviewed decision is passed as probability 1 or 0.
2. The model is chosen afresh on every draw (the same rule as for a single table) and its total kept. The
   spread of these totals is the part of the uncertainty that comes from linkage alone.
3. For the combined interval, every draw also gets ``replicates_per_draw`` bootstrap replicates (model choice
   repeated in each); the percentile interval of all of them pooled mixes the linkage and the sampling
   uncertainty, as multiple imputation does.

Assumptions, stated so that the page can state them: the match probabilities are calibrated (a pair at 0.7
is the same person seven times in ten); pairs are drawn independently, so their dependence is ignored and the
transitive closure can chain several middling pairs into one large cluster (which pulls the total down);
record pairs that blocking never compared are taken as certainly different people (missed matches push the
total up and are not in the spread); and each record belongs to exactly one list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from . import bootstrap
from .estimate import DEFAULT_SEED, Estimate, Interval, estimate
from .table import CaptureTable, validate

DEFAULT_DRAWS = 100
DEFAULT_REPLICATES_PER_DRAW = 20


@dataclass(frozen=True)
class Linked:
    """Records, their lists and candidate pairs, as integer arrays."""

    lists: tuple[str, ...]
    record_list: np.ndarray  # list index of each record
    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    fixed_left: np.ndarray  # joins that hold in every draw
    fixed_right: np.ndarray
    cluster_of: np.ndarray  # given cluster of each record, -1 without one

    def clustered(self) -> np.ndarray:
        """The capture-history counts of the given clustering (or of the pairs at 0.5 and above without one)."""
        if (self.cluster_of < 0).all():
            return self.table(self.probability >= 0.5)
        inside = (self.cluster_of[self.left] >= 0) & (
            self.cluster_of[self.left] == self.cluster_of[self.right]
        )
        return self.table(inside)

    def table(self, accepted: np.ndarray) -> np.ndarray:
        """Capture-history counts (length 2**t) when the pairs in ``accepted`` are matches."""
        n = len(self.record_list)
        rows = np.r_[self.left[accepted], self.fixed_left]
        cols = np.r_[self.right[accepted], self.fixed_right]
        graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        ncomponents, labels = connected_components(graph, directed=False)
        histories = np.zeros(ncomponents, dtype=np.int64)
        np.bitwise_or.at(histories, labels, np.left_shift(1, self.record_list).astype(np.int64))
        return np.bincount(histories, minlength=1 << len(self.lists)).astype(np.int64)


def link(
    records: Iterable[tuple[str, str]],
    pairs: Iterable[tuple[str, str, float]],
    clusters: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    lists: Iterable[str] | None = None,
) -> Linked:
    """Index ``records`` (record id, list name), ``pairs`` (``record_id_l, record_id_r, match_probability`` as
    ``sinergi link`` writes them) and ``clusters`` (record id -> cluster id) for drawing."""
    records = list(records)
    if lists is None:
        lists = sorted({name for _rid, name in records})
    lists = tuple(lists)
    index_of_list = {name: j for j, name in enumerate(lists)}
    index = {}
    record_list = []
    for rid, name in records:
        if name not in index_of_list:
            continue
        index[str(rid)] = len(record_list)
        record_list.append(index_of_list[name])
    left, right, probability = [], [], []
    for rid_l, rid_r, p in pairs:
        a, b = index.get(str(rid_l)), index.get(str(rid_r))
        if a is None or b is None or a == b:
            continue
        left.append(a)
        right.append(b)
        probability.append(min(max(float(p), 0.0), 1.0))
    left, right, probability = np.asarray(left, int), np.asarray(right, int), np.asarray(probability, float)
    fixed_left, fixed_right, cluster_of = _fixed_joins(index, clusters, left, right)
    return Linked(
        lists, np.asarray(record_list, int), left, right, probability, fixed_left, fixed_right, cluster_of
    )


def _fixed_joins(index: dict, clusters, left: np.ndarray, right: np.ndarray):
    """Joins for the parts of a given cluster that no candidate pair inside the cluster connects."""
    cluster_of = np.full(len(index), -1)
    if clusters is None:
        return np.zeros(0, int), np.zeros(0, int), cluster_of
    items = clusters.items() if isinstance(clusters, Mapping) else clusters
    names: dict[str, int] = {}
    for rid, cid in items:
        if str(rid) in index:
            cluster_of[index[str(rid)]] = names.setdefault(str(cid), len(names))
    inside = (
        (cluster_of[left] >= 0) & (cluster_of[left] == cluster_of[right]) if len(left) else np.zeros(0, bool)
    )
    n = len(index)
    graph = coo_matrix((np.ones(int(inside.sum())), (left[inside], right[inside])), shape=(n, n))
    _count, part = connected_components(graph, directed=False)
    fixed_left, fixed_right = [], []
    first_part: dict[int, tuple[int, int]] = {}  # cluster -> (part, record) of its first part
    joined: set[tuple[int, int]] = set()
    for record in range(n):
        cluster = cluster_of[record]
        if cluster < 0:
            continue
        if cluster not in first_part:
            first_part[cluster] = (part[record], record)
        elif part[record] != first_part[cluster][0] and (cluster, part[record]) not in joined:
            joined.add((cluster, part[record]))
            fixed_left.append(first_part[cluster][1])
            fixed_right.append(record)
    return np.asarray(fixed_left, int), np.asarray(fixed_right, int), cluster_of


@dataclass
class LinkageEstimate:
    estimate: Estimate  # on the given clustering (or on the pairs at probability >= 0.5 without one)
    draws: np.ndarray  # each draw's total, the model chosen afresh (inf: no finite estimate)
    pooled: np.ndarray  # the pooled bootstrap totals of all draws
    level: float

    @property
    def failed_draws(self) -> int:
        return int((~np.isfinite(self.draws)).sum())

    def spread(self) -> tuple[float, float, float]:
        """Lower, median and upper quantile (at ``level``) of the draws' totals."""
        alpha = (1 - self.level) / 2
        lo, mid, hi = np.quantile(self.draws, [alpha, 0.5, 1 - alpha])
        return float(lo), float(mid), float(hi)

    def combined(self) -> Interval:
        alpha = (1 - self.level) / 2
        lo, hi = np.quantile(self.pooled, [alpha, 1 - alpha])
        return Interval(
            float(lo),
            float(hi),
            self.level,
            "pooled_percentile",
            len(self.pooled),
            int((~np.isfinite(self.pooled)).sum()),
        )

    def as_dict(self) -> dict:
        observed = self.estimate.observed
        lo, mid, hi = self.spread()
        combined = self.combined()

        def finite(value):
            return value if math.isfinite(value) else None

        return {
            **self.estimate.as_dict(),
            "linkage": {
                "draws": len(self.draws),
                "failed_draws": self.failed_draws,
                "total": {"lower": finite(lo), "median": finite(mid), "upper": finite(hi)},
                "unseen": {
                    "lower": finite(lo - observed),
                    "median": finite(mid - observed),
                    "upper": finite(hi - observed),
                },
                "combined_interval": {
                    "level": combined.level,
                    "method": combined.method,
                    "replicates": combined.replicates,
                    "total": [finite(combined.lower), finite(combined.upper)],
                },
            },
        }


def estimate_with_linkage(
    linked: Linked,
    *,
    draws: int = DEFAULT_DRAWS,
    replicates_per_draw: int = DEFAULT_REPLICATES_PER_DRAW,
    method: str = "stepwise",
    threshold: float = 0.02,
    replicates: int = 1000,
    seed: int | None = DEFAULT_SEED,
    level: float = 0.95,
    jobs: int = 1,
) -> LinkageEstimate:
    """The estimate on the linkage's clustering with its own interval, and the spread over ``draws`` re-drawn
    linkages (see the module's docstring for the method and its assumptions)."""
    rng = np.random.default_rng(seed)
    table = CaptureTable(linked.lists, linked.clustered())
    validate(table)
    point = estimate(
        table, method=method, threshold=threshold, replicates=replicates, seed=seed, level=level, jobs=jobs
    )
    tables = np.stack(
        [linked.table(rng.random(len(linked.probability)) < linked.probability) for _ in range(draws)]
    )
    chooser = bootstrap.Chooser(method, threshold)
    usable = np.array([_usable(linked.lists, t) for t in tables])
    totals = np.full(draws, math.inf)
    if usable.any():
        totals[usable] = bootstrap.totals(chooser, tables[usable], jobs)
    pooled_tables = [bootstrap.draw(t, replicates_per_draw, rng) for t in tables[usable]]
    pooled = np.full(draws * replicates_per_draw, math.inf)
    if pooled_tables:
        values = bootstrap.totals(chooser, np.vstack(pooled_tables), jobs)
        pooled[: len(values)] = values
    return LinkageEstimate(point, totals, pooled, level)


def _usable(lists, counts: np.ndarray) -> bool:
    try:
        validate(CaptureTable(lists, counts))
    except ValidationError:
        return False
    return True
