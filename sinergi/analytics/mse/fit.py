"""Fitting a prepared log-linear model: statsmodels GLM for the fit that is reported, and a compact Newton
solver for the thousands of refits inside the bootstrap.

Why two: a statsmodels GLM fit of a 63-cell table takes 4-9 ms, mostly in its generic machinery, and a
model-selection-aware bootstrap refits the model path of every replicate (about 5,000 fits for six lists and
1,000 replicates). Newton-Raphson on the Poisson log-likelihood is exact for this concave problem and takes
about 0.1 ms; the tests check that both give the same estimates. Every fit here is only attempted after
``design.check`` said its maximum likelihood estimate exists.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.linalg.lapack import dposv
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import chi2

from .design import Prepared


@dataclass(frozen=True)
class Fit:
    beta: np.ndarray
    mu: np.ndarray  # fitted means of the kept cells
    y: np.ndarray
    converged: bool

    @cached_property
    def loglik(self) -> float:
        """Poisson log-likelihood of the kept cells (removed cells are fitted as exactly 0 and add nothing)."""
        return loglik(self.y, self.mu)

    @property
    def dark(self) -> float:
        """The fitted number of people on no list: exp(intercept)."""
        return math.exp(self.beta[0])


def loglik(y: np.ndarray, mu: np.ndarray) -> float:
    positive = y > 0
    return float((y[positive] * np.log(mu[positive])).sum() - mu.sum() - gammaln(y + 1).sum())


def newton(prepared: Prepared, start: np.ndarray | None = None, maxiter: int = 100) -> Fit:
    X, y = prepared.X, prepared.yf
    if start is None:
        beta = np.linalg.lstsq(X, np.log(y + 0.5), rcond=None)[0]
    else:
        beta = np.asarray(start, dtype=float)
    eta = X @ beta
    mu = np.exp(np.minimum(eta, 700.0))
    value = y @ eta - mu.sum()
    converged = False
    for _ in range(maxiter):
        gradient = X.T @ (y - mu)
        # LAPACK's Cholesky solve directly: numpy's solve costs three times as much in checks at this size.
        _factor, step, info = dposv((X.T * mu) @ X, gradient)
        if info != 0:
            break
        # Newton decrement (twice the log-likelihood still to gain): convergence is quadratic, so a full step
        # taken from a point this close lands on the optimum to machine precision.
        done = float(gradient @ step) < 1e-10
        t, new_mu, new_value, new_eta = 1.0, mu, value, eta
        while True:  # step halving keeps every iteration uphill
            new_beta = beta + t * step
            new_eta = X @ new_beta
            if new_eta.max() < 700.0:
                new_mu = np.exp(new_eta)
                new_value = y @ new_eta - new_mu.sum()
                if new_value >= value - 1e-12 * (1.0 + abs(value)) or t < 1e-6:
                    break
            t *= 0.5
            if t < 1e-12:
                break
        beta, eta, mu, value = new_beta, new_eta, new_mu, new_value
        if done and t == 1.0:
            converged = True
            break
    return Fit(beta, mu, prepared.y, converged)


@dataclass(frozen=True)
class Reported:
    """The statsmodels fit of the chosen model, as shown to the reader."""

    params: np.ndarray
    bse: np.ndarray
    deviance: float
    df_resid: int
    loglik: float
    mu: np.ndarray
    converged: bool

    @property
    def dark(self) -> float:
        return math.exp(self.params[0])


def _glm(y, X, offset=None):
    # Imported here: statsmodels (with pandas) takes a while to import and only the reported fit needs it.
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    return GLM(y, X, family=Poisson(), offset=offset)


def statsmodels_fit(prepared: Prepared, start: np.ndarray | None = None) -> Reported:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _glm(prepared.y.astype(float), prepared.X).fit(start_params=start, tol=1e-12, maxiter=200)
    mu = np.asarray(result.mu)
    return Reported(
        np.asarray(result.params),
        np.asarray(result.bse),
        float(result.deviance),
        int(result.df_resid),
        loglik(prepared.y, mu),
        mu,
        bool(result.converged),
    )


def profile_interval(
    prepared: Prepared, reported: Reported, level: float = 0.95, observed: int | None = None
) -> tuple[float, float | None]:
    """Profile-likelihood interval for the number never seen, given the model (statsmodels GLM with the
    intercept fixed as an offset and every other parameter refitted).

    The upper limit is ``None`` when the likelihood stays within the cut-off up to a dark figure a thousand
    times the number seen: the data then put no upper bound on the estimate.
    """
    y = prepared.y.astype(float)
    X = prepared.X[:, 1:]
    best = reported.loglik
    cut = chi2.ppf(level, 1) / 2.0
    start = reported.params[1:]

    def drop(b0: float) -> float:
        nonlocal start
        if X.shape[1] == 0:
            mu = np.full_like(y, math.exp(b0))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = _glm(y, X, offset=np.full_like(y, b0)).fit(
                    start_params=start, tol=1e-12, maxiter=200
                )
            mu = np.asarray(result.mu)
        return best - loglik(prepared.y, mu) - cut

    b_hat = reported.params[0]
    width = max(float(reported.bse[0]), 0.05)
    seen = observed if observed is not None else int(y.sum())
    lower_end, upper_end = b_hat - 60 * width, math.log(1000.0 * max(seen, 1) + math.exp(b_hat))
    lo = _root(drop, b_hat, -width, lower_end)
    hi = _root(drop, b_hat, width, upper_end)
    return (math.exp(lo) if lo is not None else 0.0), (math.exp(hi) if hi is not None else None)


def _root(f, start: float, step: float, end: float) -> float | None:
    """Where ``f`` crosses zero going from ``start`` (below zero) towards ``end``, stepping by doubling."""
    inner, here = start, start + step
    while (here - end) * (1 if step > 0 else -1) < 0:
        if f(here) > 0:
            return brentq(f, inner, here, xtol=1e-9)
        inner, step = here, step * 2
        here = start + step
    here = end
    return brentq(f, inner, here, xtol=1e-9) if f(here) > 0 else None
