"""``sinergi estimate`` speed on a six-list table, intervals included (target: under 10 s).

The table is the UK 2013 six-list table (2,744 people; the same counts the tests use). Each run is the whole
command in a fresh process, as a user runs it: start-up, reading the file, the stepwise choice, the
statsmodels fit, the profile-likelihood interval and the 1,000-replicate BCa bootstrap with the model choice
repeated in every replicate (plus its jackknife). Also timed inside one process (the part the page would
pay), and optionally the BIC method on five and six lists.

    uv run python benchmarks/bench_mse.py [--runs 5] [--jobs 1] [--bic]

Prints the load average before and after, every run, and the median.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--bic", action="store_true", help="also time --method bic on five and six lists")
    args = parser.parse_args()

    import django

    django.setup()
    from sinergi.analytics.mse import estimate, read_csv
    from sinergi.analytics.tests import mse_data

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  (cores: {os.cpu_count()})")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uk.csv"
        path.write_text(mse_data.UK_2013)
        command = [
            sys.executable,
            "-m",
            "sinergi.cli",
            "estimate",
            str(path),
            "--format",
            "json",
            "--jobs",
            str(args.jobs),
        ]
        walls, cpus = [], []
        for run in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU time barely depends on how many other jobs share the machine; wall time does.
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            assert done.returncode == 0, done.stderr
            print(f"  command run {run + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU")
    table = read_csv(mse_data.UK_2013.encode())
    inner, inner_cpu = [], []
    for run in range(args.runs):
        start, cpu = time.perf_counter(), time.process_time()
        found = estimate(table, jobs=args.jobs)
        inner.append(time.perf_counter() - start)
        inner_cpu.append(time.process_time() - cpu)
        print(f"  in-process run {run + 1}: {inner[-1]:.2f} s wall, {inner_cpu[-1]:.2f} s CPU")
    low, high = found.interval.lower, found.interval.upper
    print(f"estimate {found.total:,.0f}, 95% BCa interval {low:,.0f} - {high:,.0f} (1,000 replicates)")
    print(f"median: command {statistics.median(walls):.2f} s wall ({statistics.median(cpus):.2f} s CPU), "
          f"in-process {statistics.median(inner):.2f} s wall ({statistics.median(inner_cpu):.2f} s CPU)")
    if args.bic:
        for name, data in (("five lists", mse_data.UK_2013_5), ("six lists", mse_data.UK_2013)):
            start, cpu = time.perf_counter(), time.process_time()
            found = estimate(read_csv(data.encode()), method="bic", jobs=args.jobs)
            print(f"  bic, {name}: {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU, "
                  f"estimate {found.total:,.0f} ({', '.join(found.interactions(found.selection.pairs))})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
