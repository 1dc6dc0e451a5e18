"""Choosing the two-list interactions: the stepwise rule of SparseMSE, and BIC over all models.

Stepwise (Chan, Silverman and Vincent 2021, Section 3.2; SparseMSE ``stepwisefit``): start from the main
effects; for every pair of lists not yet in the model, the number of people on both lists has, if the pair's
interaction is left out, a Poisson distribution whose mean is the current model's fitted overlap; its p-value
is the smaller Poisson tail, min(P(X <= observed), P(X >= observed)), so both positive and negative dependence
count. Add the pair with the smallest p-value if it is below the threshold (0.02, the value the paper's
simulations favour) and if the model with it still has an identifiable, finite estimate; refit; repeat.
SparseMSE checks every candidate's existence and gives the failures p = 1; checking only the candidates in
order of p-value until one passes chooses the same pair with far fewer checks.

BIC (the older approach of Rcapture and Bales, Hesketh and Silverman 2015): every model with main effects and
any set of two-list interactions whose estimate exists, scored as ``-2 log L + k log(n)`` with ``n`` the
number of people seen and ``k`` counting interactions at minus infinity too (as MultipleSystemsEstimation does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext_lazy as _
from scipy.special import pdtr, pdtrc

from .design import Design, Status, check, design_for, prepare
from .errors import NoEstimate
from .fit import Fit, newton

STEPWISE_THRESHOLD = 0.02
# Exhaustive BIC visits 2**(t(t-1)/2) models: 32,768 for six lists; beyond that it is out of reach.
BIC_MAX_LISTS = 6


@dataclass(frozen=True)
class Step:
    pair: int
    p_value: float
    observed: int
    expected: float


@dataclass(frozen=True)
class Excluded:
    pairs: tuple[int, ...]
    status: Status


@dataclass
class Selection:
    design: Design
    pairs: tuple[int, ...]
    fit: Fit
    infinite: tuple[int, ...]
    nparams: int
    steps: list[Step] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    ranking: list[tuple[float, tuple[int, ...]]] = field(
        default_factory=list
    )  # BIC: (score, pairs), best first
    models_examined: int = 0
    # The parameters of every model fitted on the way, by (pairs, infinite pairs): warm starts for the
    # bootstrap, whose replicates mostly walk the same path.
    path: dict = field(default_factory=dict)

    def total(self, observed: int) -> float:
        return observed + self.fit.dark


def _full_y(counts: np.ndarray) -> np.ndarray:
    return np.asarray(counts[1:], dtype=np.int64)


def _padded(fit: Fit | None, columns_from, columns_to) -> np.ndarray | None:
    """A warm start for a model's fit from a neighbouring model's parameters (new parameters start at 0)."""
    if fit is None:
        return None
    lookup = dict(zip(columns_from.tolist(), fit.beta))
    return np.array([lookup.get(c, 0.0) for c in columns_to.tolist()])


def main_effects(counts: np.ndarray, starts: dict | None = None) -> Selection:
    design = design_for(int(math.log2(len(counts))))
    y = _full_y(counts)
    prepared = prepare(design, y, ())
    status = check(prepared)
    if status is not Status.OK:
        raise NoEstimate(
            _(
                "Tidak ada estimasi yang terhingga untuk tabel ini, bahkan dengan model paling "
                "sederhana (daftar saling bebas): daftar-daftarnya terlalu sedikit tumpang tindih."
            ),
            code="no_finite_estimate",
        )
    fit = newton(prepared, (starts or {}).get(((), ())))
    return Selection(design, (), fit, (), prepared.nparams, models_examined=1, path={((), ()): fit.beta})


def stepwise(
    counts: np.ndarray, threshold: float = STEPWISE_THRESHOLD, record: bool = True, starts: dict | None = None
) -> Selection:
    """SparseMSE's forward stepwise selection on ``counts`` (length 2**t, cell 0 ignored).

    ``starts``: parameters of models fitted before (``Selection.path``), used only to start the fits nearer
    their optimum; the result does not depend on them.
    """
    starts = starts or {}
    selection = main_effects(counts, starts)
    design = selection.design
    y = _full_y(counts)
    overlaps = design.overlaps(y)
    npairs = len(design.pairs)
    if threshold <= 0 or npairs == 0:
        return selection
    if threshold >= 1:  # SparseMSE: the full two-list model when it exists, otherwise the stepwise path
        prepared = prepare(design, y, range(npairs), overlaps)
        if check(prepared) is Status.OK:
            selection.pairs, selection.infinite = prepared.pairs, prepared.infinite
            selection.fit, selection.nparams = newton(prepared), prepared.nparams
            selection.models_examined += 1
            return selection
    current = prepare(design, y, (), overlaps)
    chosen: list[int] = []
    while len(chosen) < npairs:
        expected = design.pair_cells[current.keep].T @ selection.fit.mu
        lower = pdtr(overlaps, expected)
        upper = np.where(overlaps > 0, pdtrc(np.maximum(overlaps - 1, 0), expected), 1.0)
        p_values = np.minimum(lower, upper)
        p_values[chosen] = np.inf
        order = [k for k in np.argsort(p_values, kind="stable") if p_values[k] < threshold]
        added = None
        for k in order:
            candidate = prepare(design, y, (*chosen, int(k)), overlaps)
            status = check(candidate)
            selection.models_examined += 1
            if status is Status.OK:
                added = int(k)
                break
            if record:
                selection.excluded.append(Excluded(candidate.pairs, status))
        if added is None:
            break
        start = starts.get((candidate.pairs, candidate.infinite))
        if start is None:
            start = _padded(selection.fit, current.columns, candidate.columns)
        fit = newton(candidate, start)
        selection.path[(candidate.pairs, candidate.infinite)] = fit.beta
        chosen.append(added)
        if record:
            selection.steps.append(
                Step(added, float(p_values[added]), int(overlaps[added]), float(expected[added]))
            )
        selection.fit, current = fit, candidate
    selection.pairs, selection.infinite, selection.nparams = current.pairs, current.infinite, current.nparams
    return selection


def bic_score(fit: Fit, nparams: int, observed: int) -> float:
    return nparams * math.log(observed) - 2.0 * fit.loglik


def bic(counts: np.ndarray, among: list[tuple[int, ...]] | None = None, record: bool = True) -> Selection:
    """The model of smallest BIC among all two-list models whose estimate exists (or among ``among``)."""
    base = main_effects(counts)
    design = base.design
    if among is None and design.nlists > BIC_MAX_LISTS:
        raise NoEstimate(
            _(
                "Metode BIC menelusuri semua model dan hanya tersedia untuk paling banyak %(max)s "
                "daftar; gunakan metode stepwise."
            ),
            code="bic_too_many_lists",
            params={"max": BIC_MAX_LISTS},
        )
    y = _full_y(counts)
    observed = int(y.sum())
    overlaps = design.overlaps(y)
    npairs = len(design.pairs)
    if among is None:
        # Every subset of pairs, by bit mask; a model's warm start is its subset without the highest pair.
        candidates = [tuple(k for k in range(npairs) if mask >> k & 1) for mask in range(1 << npairs)]
    else:
        candidates = list(among)
    fits: dict[tuple[int, ...], tuple[Fit, np.ndarray]] = {}
    ranking: list[tuple[float, tuple[int, ...]]] = []
    excluded: list[Excluded] = []
    best = None
    for pairs in candidates:
        prepared = prepare(design, y, pairs, overlaps)
        status = check(prepared)
        if status is not Status.OK:
            if record:
                excluded.append(Excluded(prepared.pairs, status))
            continue
        parent = fits.get(pairs[:-1]) if pairs else None
        start = _padded(parent[0], parent[1], prepared.columns) if parent else None
        fit = newton(prepared, start)
        if among is None:
            fits[pairs] = (fit, prepared.columns)
        score = bic_score(fit, prepared.nparams, observed)
        ranking.append((score, prepared.pairs))
        if best is None or score < best[0]:
            best = (score, prepared, fit)
    if best is None:
        raise NoEstimate(
            _("Tidak satu pun model yang diperiksa punya estimasi yang terhingga."), code="no_finite_estimate"
        )
    _score, prepared, fit = best
    ranking.sort(key=lambda item: item[0])
    return Selection(
        design,
        prepared.pairs,
        fit,
        prepared.infinite,
        prepared.nparams,
        excluded=excluded,
        ranking=ranking if record else [],
        models_examined=len(candidates),
    )
