"""Validation of the estimator on simulated populations of known size: bias and coverage of the 95% interval.

Scenarios (``sinergi.analytics.mse.simulate.standard_scenarios``, N = 2,000): independent lists (three, and
six sparse ones), positive dependence (A:B, log odds ratio +1), negative dependence (A:C, -1), both at once
over five lists, and heterogeneous capture probabilities (a visibility with sd 1 on the logit scale shared by
all lists). For each: ``--draws`` populations, each estimated with the default method and a ``--replicates``
BCa bootstrap; printed: mean and median relative bias, relative RMSE, coverage of the BCa interval and of the
model-conditional (profile-likelihood) interval, median width relative to N.

    uv run python benchmarks/bench_mse_validation.py [--draws 200] [--replicates 500] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--method", default="stepwise")
    parser.add_argument("--total", type=int, default=2000)
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    args = parser.parse_args()

    import django

    django.setup()
    from sinergi.analytics.mse.simulate import standard_scenarios, validate_estimator

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        "| scenario | draws | mean bias | median bias | rel. RMSE | coverage (BCa) | coverage (conditional) "
        "| median width / N | no estimate |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for scenario in standard_scenarios(args.total):
        if args.only and args.only not in scenario.name:
            continue
        start = time.perf_counter()
        s = validate_estimator(
            scenario, args.draws, replicates=args.replicates, method=args.method, jobs=args.jobs
        ).summary()
        print(
            f"| {s['scenario']} | {s['draws']} | {s['mean_relative_bias']:+.1%} | "
            f"{s['median_relative_bias']:+.1%} | {s['relative_rmse']:.1%} | {s['coverage']:.1%} | "
            f"{s['coverage_conditional']:.1%} | {s['median_relative_width']:.2f} | {s['no_estimate']} |",
            flush=True,
        )
        print(
            json.dumps({**s, "seconds": round(time.perf_counter() - start, 1)}), file=sys.stderr, flush=True
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
