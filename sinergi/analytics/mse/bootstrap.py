"""Intervals that allow for model choice: the BCa bootstrap of Chan, Silverman and Vincent (2021, Section 3.3).

Each replicate table is drawn, the whole model choice is run again on it (stepwise or BIC), and its total is
kept. SparseMSE draws a replicate as a multinomial sample of the observed people (``resampling="multinomial"``,
the default here as there); ``"parametric"`` instead draws from the chosen model's fitted table: a binomial
number of people seen out of the estimated total, spread over the cells by their fitted shares (as SparseMSE's
simulation study does). The limits are bias-corrected and accelerated (BCa), the acceleration from a
delete-one jackknife over the distinct observed capture histories, each weighted by its count.

A replicate in which a list ends up with nobody on it (or with everyone) is estimated without that list, as
SparseMSE's ``removenoninformativelists`` does. A replicate with no finite estimate counts as an infinite total:
the data of that replicate put no upper bound on the population, so the upper limit becomes infinite when more
than 2.5% of the replicates are like it.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np
from django.core.exceptions import ValidationError
from scipy.stats import norm

from . import batch, select


@dataclass(frozen=True)
class Chooser:
    """How a replicate's model is chosen: the same rule as for the data (picklable for worker processes)."""

    method: str  # "stepwise" or "bic"
    threshold: float = select.STEPWISE_THRESHOLD
    among: tuple[tuple[int, ...], ...] | None = None  # BIC: the models ranked best on the data
    starts: dict | None = None  # parameters fitted on the data, to start the replicates' fits near them

    def total(self, counts: np.ndarray) -> float:
        counts, narrowed = informative(counts)
        if counts is None:
            return math.inf
        observed = int(counts.sum())
        try:
            if self.method == "bic":
                among = None if narrowed else (list(self.among) if self.among else None)
                nlists = int(math.log2(len(counts)))
                if among is None and nlists > select.BIC_MAX_LISTS:
                    chosen = select.stepwise(counts, self.threshold, record=False)
                else:
                    chosen = select.bic(counts, among=among, record=False)
            else:
                chosen = select.stepwise(
                    counts, self.threshold, record=False, starts=None if narrowed else self.starts
                )
        except ValidationError:
            return math.inf
        total = chosen.total(observed)
        return total if math.isfinite(total) else math.inf


def informative(counts: np.ndarray) -> tuple[np.ndarray | None, bool]:
    """The counts without lists that hold nobody or everybody; ``None`` when fewer than two lists remain."""
    nlists = int(math.log2(len(counts)))
    cells = np.arange(len(counts))
    total = counts.sum()
    keep = [j for j in range(nlists) if 0 < counts[(cells >> j) & 1 == 1].sum() < total]
    if len(keep) == nlists:
        return counts, False
    if len(keep) < 2:
        return None, True
    new_cells = np.zeros(len(counts), dtype=np.int64)
    for position, j in enumerate(keep):
        new_cells |= ((cells >> j) & 1) << position
    narrowed = np.zeros(1 << len(keep), dtype=np.int64)
    np.add.at(narrowed, new_cells, counts)
    narrowed[0] = 0
    return narrowed, True


def draw(
    counts: np.ndarray,
    replicates: int,
    rng: np.random.Generator,
    resampling: str = "multinomial",
    fitted: np.ndarray | None = None,
    total: float | None = None,
) -> np.ndarray:
    """``replicates`` bootstrap tables (one per row, cell 0 always 0)."""
    if resampling == "parametric":
        fitted = fitted[1:]  # the fitted means of the observable cells (cell 0 is the dark figure)
        shares = fitted / fitted.sum()
        population = int(round(total))
        seen = rng.binomial(population, min(fitted.sum() / total, 1.0), size=replicates)
        tables = np.stack([rng.multinomial(n, shares) for n in seen])
    else:
        observed = int(counts.sum())
        tables = rng.multinomial(observed, counts[1:] / observed, size=replicates)
    return np.hstack([np.zeros((replicates, 1), dtype=np.int64), tables.astype(np.int64)])


def _totals(job: tuple[Chooser, np.ndarray]) -> np.ndarray:
    chooser, tables = job
    if chooser.method == "stepwise":
        return batch.stepwise_totals(tables, chooser.threshold, chooser.starts)
    if chooser.among:
        # A replicate that lost a list has other pairs: it gets the full BIC search on its own lists.
        return batch.bic_totals(tables, list(chooser.among), Chooser("bic", chooser.threshold).total)
    return np.array([chooser.total(row) for row in tables])


def totals(chooser: Chooser, tables: np.ndarray, jobs: int = 1) -> np.ndarray:
    """The chosen model's total for every table, in ``jobs`` worker processes (1: in this process)."""
    jobs = max(1, min(jobs, len(tables), os.cpu_count() or 1))
    if jobs == 1 or len(tables) < 50:
        return _totals((chooser, tables))
    # Fork: the workers inherit the loaded modules and start in milliseconds; nothing here holds a lock or a
    # database connection across the fork.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        parts = list(pool.map(_totals, [(chooser, part) for part in np.array_split(tables, jobs)]))
    return np.concatenate(parts)


def jackknife(chooser: Chooser, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Totals with one person removed from each distinct observed capture history, and their weights."""
    cells = np.flatnonzero(counts)
    tables = np.repeat(counts[None, :], len(cells), axis=0)
    tables[np.arange(len(cells)), cells] -= 1
    return _totals((chooser, tables)), counts[cells].astype(float)


def acceleration(jack: np.ndarray, weights: np.ndarray) -> float:
    if not np.isfinite(jack).all():
        return 0.0
    residual = (weights * jack).sum() / weights.sum() - jack
    spread = (weights * residual**2).sum()
    return float((weights * residual**3).sum() / (6.0 * spread**1.5)) if spread > 0 else 0.0


def bca_limits(boot: np.ndarray, estimate: float, accel: float, probabilities) -> list[float]:
    """BCa limits (SparseMSE's ``bcaconfvalues``), with infinite replicates kept as infinite."""
    below = float((boot < estimate).mean())
    below = min(max(below, 0.5 / len(boot)), 1 - 0.5 / len(boot))
    z0 = norm.ppf(below)
    limits = []
    for p in probabilities:
        z = z0 + norm.ppf(p)
        adjusted = float(norm.cdf(z0 + z / (1.0 - accel * z)))
        limits.append(_quantile8(boot, adjusted))
    return limits


def _quantile8(values: np.ndarray, p: float) -> float:
    """Hyndman and Fan's type-8 quantile (R's ``type=8``, as SparseMSE uses), infinite values allowed."""
    ordered = np.sort(values)
    n = len(ordered)
    h = (n + 1.0 / 3.0) * p + 1.0 / 3.0
    if h <= 1:
        return float(ordered[0])
    if h >= n:
        return float(ordered[-1])
    lo = int(math.floor(h))
    a, b = ordered[lo - 1], ordered[lo]
    if math.isinf(b):
        return math.inf if h > lo else float(a)
    return float(a + (h - lo) * (b - a))
