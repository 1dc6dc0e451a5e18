"""The stepwise rule run on many tables at once (bootstrap replicates, jackknife tables, simulations).

The same rule as ``select.stepwise``, step for step, but replicates that stand at the same model are fitted
together: one batched Newton iteration for all of them, one batched p-value computation, one batched rank test
for the candidates' existence. Replicates mostly walk the same few paths, so a thousand replicates cost a few
hundred batched operations instead of tens of thousands of small ones. The tests check that it chooses the
same model and the same total as the one-table version on every replicate.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from django.core.exceptions import ValidationError
from scipy.special import pdtr, pdtrc

from . import select
from .design import Status, _layout, check, design_for, prepare


def newton(X: np.ndarray, Y: np.ndarray, B: np.ndarray, maxiter: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Poisson log-linear maximum likelihood for every row of ``Y`` (same design ``X``), from starts ``B``."""
    B = B.copy()
    eta = B @ X.T
    mu = np.exp(np.minimum(eta, 700.0))
    value = (Y * eta - mu).sum(axis=1)
    active = np.arange(len(Y))
    for _ in range(maxiter):
        if not len(active):
            break
        y, m = Y[active], mu[active]
        gradient = (y - m) @ X
        hessian = (X.T[None, :, :] * m[:, None, :]) @ X
        try:
            step = np.linalg.solve(hessian, gradient[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([np.linalg.lstsq(h, g, rcond=None)[0] for h, g in zip(hessian, gradient)])
        decrement = (gradient * step).sum(axis=1)
        t = np.ones(len(active))
        old_value = value[active]
        for _halving in range(40):  # step halving keeps every replicate's iteration uphill
            new_b = B[active] + t[:, None] * step
            new_eta = new_b @ X.T
            too_big = new_eta.max(axis=1) >= 700.0
            new_mu = np.exp(np.minimum(new_eta, 700.0))
            new_value = (y * new_eta - new_mu).sum(axis=1)
            worse = too_big | (new_value < old_value - 1e-12 * (1.0 + np.abs(old_value)))
            worse &= t >= 1e-6
            if not worse.any():
                break
            t[worse] *= 0.5
        B[active], eta[active], mu[active], value[active] = new_b, new_eta, new_mu, new_value
        active = active[~((decrement < 1e-10) & (t == 1.0))]
    return B, mu


def _full_rank_rows(X: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """For each row of ``seen`` (cells observed), whether the observed rows of ``X`` have full column rank."""
    gram = (X.T[None, :, :] * seen[:, None, :].astype(float)) @ X
    eig = np.linalg.eigvalsh(gram)
    return eig[:, 0] > 1e-9 * np.maximum(1.0, eig[:, -1])


def stepwise_totals(
    tables: np.ndarray, threshold: float = select.STEPWISE_THRESHOLD, starts: dict | None = None
) -> np.ndarray:
    """``select.stepwise(table).total`` for every row of ``tables`` (infinite where no estimate exists)."""
    from .bootstrap import informative  # (bootstrap imports this module)

    tables = np.asarray(tables, dtype=np.int64)
    nlists = int(math.log2(tables.shape[1]))
    design = design_for(nlists)
    totals = np.full(len(tables), np.nan)
    plain = []
    for r, row in enumerate(tables):
        narrowed_row, narrowed = informative(row)
        if narrowed_row is None:
            totals[r] = math.inf
        elif narrowed or threshold >= 1:  # rare: the one-table version
            try:
                totals[r] = select.stepwise(narrowed_row, threshold, record=False).total(
                    int(narrowed_row.sum())
                )
            except ValidationError:
                totals[r] = math.inf
        else:
            plain.append(r)
    if not plain:
        return totals
    rows = np.asarray(plain)
    y = tables[rows, 1:]
    yf = y.astype(float)
    observed = y.sum(axis=1)
    overlaps = y @ design.pair_cells.astype(np.int64)
    npairs = len(design.pairs)
    starts = starts or {}

    chosen: list[tuple[int, ...]] = [()] * len(rows)
    betas: list[np.ndarray | None] = [None] * len(rows)
    previous: list[tuple | None] = [None] * len(
        rows
    )  # (columns, beta) of the model before the last added pair
    alive = _exists(design, y, [()] * len(rows), overlaps, np.arange(len(rows)))
    totals[rows[~alive]] = math.inf
    active = np.flatnonzero(alive)

    while len(active):
        # Fit every replicate at its current model, grouped by model.
        groups = defaultdict(list)
        for i in active:
            infinite = tuple(k for k in chosen[i] if overlaps[i, k] == 0)
            groups[(chosen[i], infinite)].append(i)
        expected = np.zeros((len(rows), npairs))
        for (pairs, infinite), members in groups.items():
            members = np.asarray(members)
            keep, columns, X, _ident = _layout(nlists, pairs, infinite)
            Y = yf[members][:, keep]
            B = _starts(starts, (pairs, infinite), [previous[i] for i in members], columns, X, Y)
            B, mu = newton(X, Y, B)
            for i, b in zip(members, B):
                betas[i] = (columns, b)
            expected[members] = mu @ design.pair_cells[keep]
        if threshold <= 0:
            break
        # The p-value of every pair not yet in each replicate's model.
        sub = overlaps[active]
        lower = pdtr(sub, expected[active])
        upper = np.where(sub > 0, pdtrc(np.maximum(sub - 1, 0), expected[active]), 1.0)
        p_values = np.minimum(lower, upper)
        for row, i in enumerate(active):
            p_values[row, list(chosen[i])] = np.inf
        order = np.argsort(p_values, axis=1, kind="stable")
        # Candidates in order of p-value until one has an estimate; try them in rounds, batched by model.
        attempt = np.zeros(len(active), dtype=int)
        added = np.full(len(active), -1)
        pending = np.arange(len(active))
        while len(pending):
            ks = order[pending, attempt[pending]]
            under = p_values[pending, ks] < threshold
            pending = pending[under]
            ks = ks[under]
            if not len(pending):
                break
            models = [tuple(sorted((*chosen[active[j]], int(k)))) for j, k in zip(pending, ks)]
            ok = _exists(design, y, models, overlaps, active[pending])
            added[pending[ok]] = ks[ok]
            attempt[pending] += 1
            pending = pending[~ok & (attempt[pending] < npairs)]
        still = []
        for j, i in enumerate(active):
            if added[j] >= 0:
                previous[i] = betas[i]
                chosen[i] = tuple(sorted((*chosen[i], int(added[j]))))
                still.append(i)
        done = np.setdiff1d(active, still)
        for i in done:
            totals[rows[i]] = observed[i] + math.exp(betas[i][1][0])
        active = np.asarray(still, dtype=int)
    for i in active:  # threshold <= 0: main effects only
        totals[rows[i]] = observed[i] + math.exp(betas[i][1][0])
    return totals


def _starts(
    starts: dict, key, previous: list, columns: np.ndarray, X: np.ndarray, Y: np.ndarray
) -> np.ndarray:
    """Starting parameters: the data's fit of the same model, else the replicate's previous model padded with
    zeros, else least squares on log counts (as the one-table version does)."""
    known = starts.get(key)
    if known is not None:
        return np.repeat(known[None, :], len(Y), axis=0)
    B = np.zeros((len(Y), X.shape[1]))
    fresh = [row for row, before in enumerate(previous) if before is None]
    if fresh:
        B[fresh] = np.linalg.lstsq(X, np.log(Y[fresh] + 0.5).T, rcond=None)[0].T
    where = {c: n for n, c in enumerate(columns.tolist())}
    for row, before in enumerate(previous):
        if before is not None:
            for c, b in zip(before[0].tolist(), before[1]):
                if c in where:
                    B[row, where[c]] = b
    return B


def _exists(design, y: np.ndarray, models: list, overlaps: np.ndarray, which: np.ndarray) -> np.ndarray:
    """``check(...) is Status.OK`` for model ``models[n]`` on replicate ``which[n]``, batched by layout."""
    result = np.zeros(len(which), dtype=bool)
    groups = defaultdict(list)
    for n, (pairs, i) in enumerate(zip(models, which)):
        infinite = tuple(k for k in pairs if overlaps[i, k] == 0)
        groups[(pairs, infinite)].append(n)
    for (pairs, infinite), members in groups.items():
        members = np.asarray(members)
        keep, _columns, X, identifiable = _layout(design.nlists, pairs, infinite)
        if not identifiable:
            continue
        seen = y[which[members]][:, keep] > 0
        ok = seen.all(axis=1)
        unsure = np.flatnonzero(~ok)
        if len(unsure):
            ok[unsure] = _full_rank_rows(X, seen[unsure])
        for n in members[~ok]:  # the full test (null-space directions), one table at a time
            ok[np.searchsorted(members, n)] = check(prepare(design, y[which[n]], pairs)) is Status.OK
        result[members] = ok
    return result


def bic_totals(tables: np.ndarray, among: list[tuple[int, ...]], fallback) -> np.ndarray:
    """The smallest-BIC model's total among ``among`` for every row of ``tables`` (``select.bic`` with
    ``among``), every model fitted to all replicates at once. ``fallback(counts)`` estimates the rare replicate
    that lost a list."""
    from scipy.special import gammaln

    from .bootstrap import informative

    tables = np.asarray(tables, dtype=np.int64)
    nlists = int(math.log2(tables.shape[1]))
    design = design_for(nlists)
    totals = np.full(len(tables), math.inf)
    plain = []
    for r, row in enumerate(tables):
        narrowed_row, narrowed = informative(row)
        if narrowed_row is None:
            continue
        if narrowed:
            totals[r] = fallback(narrowed_row)
        else:
            plain.append(r)
    if not plain:
        return totals
    rows = np.asarray(plain)
    y = tables[rows, 1:]
    yf = y.astype(float)
    observed = y.sum(axis=1)
    log_n = np.log(observed)
    constant = gammaln(yf + 1)
    overlaps = y @ design.pair_cells.astype(np.int64)
    best = np.full(len(rows), math.inf)
    best_total = np.full(len(rows), math.inf)
    everyone = np.arange(len(rows))
    for pairs in among:
        pairs = tuple(sorted(pairs))
        ok = _exists(design, y, [pairs] * len(rows), overlaps, everyone)
        groups = defaultdict(list)
        for i in np.flatnonzero(ok):
            groups[tuple(k for k in pairs if overlaps[i, k] == 0)].append(i)
        for infinite, members in groups.items():
            members = np.asarray(members)
            keep, _columns, X, _ident = _layout(nlists, pairs, infinite)
            Y = yf[members][:, keep]
            B0 = np.linalg.lstsq(X, np.log(Y + 0.5).T, rcond=None)[0].T
            B, mu = newton(X, Y, B0)
            with np.errstate(divide="ignore", invalid="ignore"):
                loglik = (np.where(Y > 0, Y * np.log(mu), 0.0) - mu - constant[members][:, keep]).sum(axis=1)
            score = (X.shape[1] + len(infinite)) * log_n[members] - 2.0 * loglik
            better = score < best[members]
            best[members[better]] = score[better]
            best_total[members[better]] = observed[members[better]] + np.exp(B[better, 0])
    totals[rows] = best_total
    return totals
