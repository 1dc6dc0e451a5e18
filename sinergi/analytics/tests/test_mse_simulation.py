"""The estimator on simulated populations of known size: bias and coverage (fixed seeds, few draws; the
README's figures come from ``benchmarks/bench_mse_validation.py`` with many more)."""

from __future__ import annotations

import numpy as np
import pytest

from sinergi.analytics.mse.simulate import Scenario, draw_table, validate_estimator


def test_simulated_tables_have_the_intended_structure():
    rng = np.random.default_rng(0)
    independent = draw_table(Scenario("i", 20_000, (0.3, 0.2)), rng)
    assert independent.observed == pytest.approx(20_000 * (1 - 0.7 * 0.8), rel=0.03)
    dependent = draw_table(Scenario("d", 20_000, (0.3, 0.2), {(0, 1): 1.5}), rng)
    # P(on A | on B): 0.3 when independent; with log odds ratio 1.5, 0.43 * e^1.5 / (1 + 0.43 * e^1.5) = 0.66.
    assert independent.overlap(0, 1) / independent.list_total(1) == pytest.approx(0.3, abs=0.02)
    assert dependent.overlap(0, 1) / dependent.list_total(1) == pytest.approx(0.657, abs=0.02)


@pytest.mark.parametrize(
    ("scenario", "max_bias", "min_coverage"),
    [
        (Scenario("independent", 1000, (0.3, 0.25, 0.2)), 0.03, 0.85),
        (Scenario("positive A:B", 1500, (0.25, 0.2, 0.15, 0.1), {(0, 1): 1.0}), 0.05, 0.8),
        (Scenario("negative A:C", 1500, (0.25, 0.2, 0.15, 0.1), {(0, 2): -1.0}), 0.05, 0.8),
    ],
)
def test_nearly_unbiased_with_honest_coverage_when_the_model_class_is_right(scenario, max_bias, min_coverage):
    summary = validate_estimator(scenario, draws=20, seed=5, replicates=150).summary()
    assert summary["no_estimate"] == 0
    assert abs(summary["mean_relative_bias"]) < max_bias
    assert summary["coverage"] >= min_coverage


def test_heterogeneous_capture_biases_the_estimate_down_as_the_caveat_says():
    """People easy to find are found by every agency: the lists look more overlapping than independent lists
    would, and MSE with two-list interactions underestimates. The caveat on the page says so."""
    summary = validate_estimator(
        Scenario("heterogeneous", 1500, (0.25, 0.2, 0.15, 0.1), heterogeneity=1.0),
        draws=10,
        seed=5,
        replicates=0,
    ).summary()
    assert summary["mean_relative_bias"] < -0.1
