"""Populations of known size, for checking the estimator's bias and its interval's coverage (issue item 7).

A scenario gives the true total ``N``, each list's capture probability and, optionally, two-list dependence (a
log-linear interaction: positive when being on one list makes being on the other more likely, as with
referrals from the police to a shelter; negative when the lists serve different people) and heterogeneity (a
person's visibility ``z ~ N(0, sigma^2)`` added to the logit of every list's probability: people easy to find
are found by every agency, which MSE cannot see from the data and which pulls the estimate down).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError

from .estimate import estimate
from .table import CaptureTable


@dataclass(frozen=True)
class Scenario:
    name: str
    total: int
    probabilities: tuple[float, ...]
    interactions: dict = field(default_factory=dict)  # (i, j) -> log odds ratio
    heterogeneity: float = 0.0  # sd of the visibility on the logit scale

    @property
    def lists(self) -> tuple[str, ...]:
        return tuple("ABCDEFGHIJ"[: len(self.probabilities)])


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def draw_table(scenario: Scenario, rng: np.random.Generator) -> CaptureTable:
    """One population's capture histories (the unseen cell removed)."""
    t = len(scenario.probabilities)
    logits = np.array([_logit(p) for p in scenario.probabilities])
    if scenario.heterogeneity:
        z = rng.normal(0.0, scenario.heterogeneity, size=scenario.total)
        p = 1 / (1 + np.exp(-(logits[None, :] + z[:, None])))
        caught = rng.random((scenario.total, t)) < p
        if scenario.interactions:  # dependence on top of heterogeneity: redraw the second list of each pair
            for (i, j), gamma in scenario.interactions.items():
                odds = np.exp(logits[j] + z + gamma * caught[:, i])
                caught[:, j] = rng.random(scenario.total) < odds / (1 + odds)
        masks = (caught * (1 << np.arange(t))).sum(axis=1)
        counts = np.bincount(masks, minlength=1 << t).astype(np.int64)
    else:
        cells = np.arange(1 << t)
        bits = (cells[:, None] >> np.arange(t)) & 1
        log_weight = bits @ logits
        for (i, j), gamma in scenario.interactions.items():
            log_weight = log_weight + gamma * bits[:, i] * bits[:, j]
        shares = np.exp(log_weight - log_weight.max())
        counts = rng.multinomial(scenario.total, shares / shares.sum()).astype(np.int64)
    counts[0] = 0
    return CaptureTable(scenario.lists, counts)


@dataclass
class Validation:
    scenario: Scenario
    totals: list[float]
    covered: list[bool]
    covered_conditional: list[bool]
    widths: list[float]
    failures: int

    def summary(self) -> dict:
        n = self.scenario.total
        totals = np.array(self.totals)
        finite = totals[np.isfinite(totals)]
        relative = finite / n - 1
        return {
            "scenario": self.scenario.name,
            "true_total": n,
            "draws": len(self.totals) + self.failures,
            "no_estimate": self.failures + int((~np.isfinite(totals)).sum()),
            "mean_relative_bias": float(relative.mean()) if len(relative) else math.nan,
            "median_relative_bias": float(np.median(relative)) if len(relative) else math.nan,
            "relative_rmse": float(np.sqrt((relative**2).mean())) if len(relative) else math.nan,
            "coverage": float(np.mean(self.covered)) if self.covered else math.nan,
            "coverage_conditional": float(np.mean(self.covered_conditional))
            if self.covered_conditional
            else math.nan,
            "median_relative_width": float(np.median(self.widths)) / n if self.widths else math.nan,
        }


def validate_estimator(
    scenario: Scenario,
    draws: int,
    seed: int = 2026,
    replicates: int = 500,
    method: str = "stepwise",
    jobs: int = 1,
) -> Validation:
    """Estimate ``draws`` populations of the scenario and record bias and interval coverage."""
    rng = np.random.default_rng(seed)
    result = Validation(scenario, [], [], [], [], 0)
    for k in range(draws):
        table = draw_table(scenario, rng)
        try:
            found = estimate(table, method=method, replicates=replicates, seed=seed + k, jobs=jobs)
        except ValidationError:  # e.g. a list with nobody on it in a tiny population
            result.failures += 1
            continue
        result.totals.append(found.total)
        n = scenario.total
        if found.interval is not None:
            result.covered.append(found.interval.lower <= n <= found.interval.upper)
            result.widths.append(found.interval.upper - found.interval.lower)
        result.covered_conditional.append(found.conditional.lower <= n <= found.conditional.upper)
    return result


def standard_scenarios(total: int = 2000) -> list[Scenario]:
    """The scenarios of the README's validation table."""
    return [
        Scenario("independent, 3 lists", total, (0.25, 0.2, 0.15)),
        Scenario("independent, 6 sparse lists", total, (0.2, 0.15, 0.12, 0.1, 0.08, 0.05)),
        Scenario("positive dependence A:B", total, (0.25, 0.2, 0.15, 0.1), {(0, 1): 1.0}),
        Scenario("negative dependence A:C", total, (0.25, 0.2, 0.15, 0.1), {(0, 2): -1.0}),
        Scenario(
            "positive A:B and negative C:D", total, (0.25, 0.2, 0.15, 0.1, 0.1), {(0, 1): 1.0, (2, 3): -1.0}
        ),
        Scenario("heterogeneous capture (sd 1)", total, (0.25, 0.2, 0.15, 0.1), heterogeneity=1.0),
        Scenario("heterogeneous capture (sd 0.5)", total, (0.25, 0.2, 0.15, 0.1), heterogeneity=0.5),
        Scenario("small population (N/10), 4 lists", total // 10, (0.25, 0.2, 0.15, 0.1), {(0, 1): 1.0}),
    ]
