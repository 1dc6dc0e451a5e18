"""Linkage speed: ``sinergi link`` end to end on N generated records (default 1,000,000), and one new record
checked against the linked set (the intake index).

Each run is a fresh ``sinergi link RECORDS.csv --out DIR --index FILE`` process (reading the CSV, preparing,
training, scoring, clustering, writing clusters.csv and pairs.csv; the index is built after the timed part and
timed separately); peak memory is the child's maximum resident set size. Then ``checks`` records (records of the
file with a new id, half of them respelled) are checked one by one against the index: median and p95 latency.
The machine is shared: the load average is printed before and after.

    uv run python benchmarks/bench_linkage_speed.py [--records 1000000] [--runs 3] [--checks 200]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
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


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def generate(path: Path, n: int, seed: int) -> None:
    from sinergi.linkage import synthetic
    from sinergi.linkage.records import COLUMNS

    rows, truth = synthetic.generate(n, seed=seed, as_of_year=2026)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r[c] for c in COLUMNS])


def one_run(records: Path, out: Path, index: Path | None, threads: int | None) -> tuple[float, float, float, str]:
    cmd = [sys.executable, "-m", "sinergi.cli", "link", str(records), "--out", str(out), "--as-of-year", "2026"]
    if index:
        cmd += ["--index", str(index)]
    if threads:
        cmd += ["--threads", str(threads)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = max(before.ru_maxrss, after.ru_maxrss) / 1024
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, peak, cpu, done.stdout.strip()


def checks(records: Path, index: Path, n: int, seed: int) -> list[float]:
    import django

    django.setup()
    from sinergi.linkage.index import LinkageIndex

    rng = random.Random(seed)
    with records.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    sample = rng.sample(rows, n)
    opened = time.perf_counter()
    idx = LinkageIndex(index)
    print(f"  index opened in {time.perf_counter() - opened:.2f} s")
    idx.candidates(sample[0])  # warm up
    times, found = [], 0
    for i, row in enumerate(sample):
        new = dict(row, record_id=f"new-{i}")
        if i % 2:
            new["full_name"] = new["full_name"].upper().replace(" ", "")
        started = time.perf_counter()
        result = idx.candidates(new)
        times.append((time.perf_counter() - started) * 1000)
        found += any(c.record_id == row["record_id"] for c in result)
    print(f"  the original record was among the candidates for {found} of {n}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    args = parser.parse_args()
    work = Path(args.workdir)
    records = work / f"sinergi-link-{args.records}-{args.seed}.csv"
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} {platform.node()} {os.cpu_count()} cores; "
          f"load average {load()}")
    if not records.exists():
        started = time.perf_counter()
        generate(records, args.records, args.seed)
        print(f"generated {args.records:,} records in {time.perf_counter() - started:.0f} s ({records})")
    results = []
    index = work / f"sinergi-link-{args.records}.duckdb"
    for run in range(args.runs):
        seconds, peak, cpu, summary = one_run(records, work / "sinergi-link-out", index if run == 0 else None,
                                              args.threads)
        results.append(seconds)
        # CPU seconds too: on a shared machine the wall time depends on the others' load.
        print(f"run {run + 1}: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak:,.0f} MB, "
              f"load average {load()}")
        print("  " + summary.replace("\n", "\n  "))
    print(f"link {args.records:,} records: median {statistics.median(results):.1f} s of {args.runs} runs "
          f"(the first also wrote the intake index)")
    times = checks(records, index, args.checks, args.seed)
    times.sort()
    print(f"intake check against {args.records:,}: median {statistics.median(times):.0f} ms, "
          f"p95 {times[int(0.95 * len(times)) - 1]:.0f} ms, max {times[-1]:.0f} ms; load average {load()}")


if __name__ == "__main__":
    main()
