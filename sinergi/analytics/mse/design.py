"""Poisson log-linear models over capture histories, and the check that a model's estimate exists.

A model is the main effects of every list plus a set of two-list interactions (``pairs``, indices into
``Design.pairs``). When a pair in the model has no one in common, its interaction's maximum likelihood value
is minus infinity (the *extended* MLE of Chan, Silverman and Vincent 2021): the cells holding both lists are
then fitted as exactly zero and left out, together with the parameter.

Whether the remaining fit exists is the Fienberg-Rinaldo condition (Ann. Statist. 2012): the sufficient
statistics must lie in the relative interior of the cone spanned by the design's rows. SparseMSE decides it
with one linear programme per model; here the same condition is decided through its dual, which is cheaper to test:
the MLE fails to exist exactly when some direction ``d`` in parameter space has ``X d = 0`` on every observed
(non-zero) cell and ``X d <= 0`` on the empty cells, with ``X d != 0``. When the observed cells' rows already
have full column rank no such ``d`` exists and nothing more is needed; otherwise the directions are searched
within the (usually one- or two-dimensional) null space, by a sign test or a small linear programme.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import linprog

_TOL = 1e-9


class Status(enum.Enum):
    OK = "ok"
    NOT_FINITE = "not_finite"  # the MLE does not exist: the fit runs off to infinity
    NOT_IDENTIFIABLE = "not_identifiable"  # more parameters than the remaining cells can tell apart


@dataclass(frozen=True)
class Design:
    """Everything about the models over ``nlists`` lists that does not depend on the counts."""

    nlists: int
    pairs: tuple[tuple[int, int], ...]
    master: np.ndarray  # cells 1..2**t-1 x (intercept, t main effects, one column per pair)
    pair_cells: np.ndarray  # cells x pairs, 1 where the cell holds both lists of the pair

    @property
    def ncells(self) -> int:
        return self.master.shape[0]

    def pair_name(self, k: int, lists) -> str:
        i, j = self.pairs[k]
        return f"{lists[i]}:{lists[j]}"

    def overlaps(self, y: np.ndarray) -> np.ndarray:
        """Observed people on both lists of each pair (``y`` indexed by cell 1..2**t-1)."""
        return self.pair_cells.T @ y


@lru_cache(maxsize=16)
def design_for(nlists: int) -> Design:
    cells = np.arange(1, 1 << nlists)
    mains = ((cells[:, None] >> np.arange(nlists)) & 1).astype(float)
    pairs = tuple(itertools.combinations(range(nlists), 2))
    pair_cells = (
        np.column_stack([mains[:, i] * mains[:, j] for i, j in pairs]) if pairs else np.zeros((len(cells), 0))
    )
    master = np.column_stack([np.ones(len(cells)), mains, pair_cells])
    master.setflags(write=False)
    pair_cells.setflags(write=False)
    return Design(nlists, pairs, master, pair_cells)


@dataclass(frozen=True)
class Prepared:
    """A model made ready for fitting on one set of counts."""

    pairs: tuple[int, ...]  # the model's pairs, sorted
    infinite: tuple[int, ...]  # pairs in the model with no overlap: fitted as minus infinity
    keep: np.ndarray  # boolean over cells: cells that remain in the fit
    columns: np.ndarray  # master-design columns fitted
    X: np.ndarray
    y: np.ndarray
    identifiable: bool

    @property
    def yf(self) -> np.ndarray:
        return self.y.astype(float)

    @property
    def nparams(self) -> int:
        """Parameters of the model including those at minus infinity (what BIC and AIC count)."""
        return self.X.shape[1] + len(self.infinite)


@lru_cache(maxsize=200_000)
def _layout(nlists: int, pairs: tuple[int, ...], infinite: tuple[int, ...]):
    """What a model's fit looks like once its non-overlapping pairs are known; the same for any counts."""
    design = design_for(nlists)
    keep = np.ones(design.ncells, dtype=bool)
    for k in infinite:
        keep &= design.pair_cells[:, k] == 0
    finite = [k for k in pairs if k not in infinite]
    columns = np.r_[np.arange(1 + nlists), 1 + nlists + np.asarray(finite, dtype=int)]
    X = design.master[np.ix_(keep, columns)]
    X.setflags(write=False)
    return keep, columns, X, _full_rank(X)


def _full_rank(X: np.ndarray) -> bool:
    """Full column rank, by a Cholesky factorisation of X'X (exact enough for 0/1 designs, and cheap)."""
    if X.shape[0] < X.shape[1]:
        return False
    try:
        factor = np.linalg.cholesky(X.T @ X)
    except np.linalg.LinAlgError:
        return False
    diagonal = np.abs(np.diagonal(factor))
    return bool(diagonal.min() > 1e-7 * max(1.0, diagonal.max()))


def prepare(design: Design, y: np.ndarray, pairs, overlaps: np.ndarray | None = None) -> Prepared:
    """The design matrix and counts of the model with ``pairs`` for counts ``y`` (cells 1..2**t-1)."""
    pairs = tuple(sorted(pairs))
    if overlaps is None:
        overlaps = design.overlaps(y)
    infinite = tuple(k for k in pairs if overlaps[k] == 0)
    keep, columns, X, identifiable = _layout(design.nlists, pairs, infinite)
    return Prepared(pairs, infinite, keep, columns, X, y[keep], identifiable)


def check(prepared: Prepared) -> Status:
    """Whether the model's (extended) maximum likelihood estimate exists and is identifiable on its counts."""
    if not prepared.identifiable:
        return Status.NOT_IDENTIFIABLE
    X, y = prepared.X, prepared.y
    seen = y > 0
    if seen.all():
        return Status.OK
    observed_rows = X[seen]
    if _full_rank(observed_rows):  # no direction leaves every observed cell unchanged
        return Status.OK
    # Directions that leave every observed cell unchanged: the null space of the observed rows.
    if observed_rows.shape[0]:
        _u, s, vt = np.linalg.svd(observed_rows)
        rank = int((s > _TOL * max(1.0, s[0])).sum())
        null = vt[rank:].T
    else:
        null = np.eye(X.shape[1])
    if null.shape[1] == 0:
        return Status.OK
    moves = X[~seen] @ null  # how each empty cell's log-mean moves along each null direction
    moves[np.abs(moves) < _TOL] = 0.0
    if null.shape[1] == 1:
        column = moves[:, 0]
        return Status.NOT_FINITE if (column <= 0).all() or (column >= 0).all() else Status.OK
    # Is there w with moves @ w <= 0 and not all zero? Maximise the total decrease, bounded to keep it finite.
    # (X has full rank, so any w != 0 moves some empty cell.)
    q = moves.shape[1]
    result = linprog(
        c=moves.sum(axis=0),
        A_ub=np.vstack([moves, -moves]),
        b_ub=np.r_[np.zeros(len(moves)), np.ones(len(moves))],
        bounds=[(None, None)] * q,
        method="highs",
    )
    if result.status != 0:  # numerically unexpected: be safe and call the estimate non-existent
        return Status.NOT_FINITE
    return Status.NOT_FINITE if -result.fun > 1e-7 else Status.OK
