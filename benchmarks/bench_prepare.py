"""Reading and preparing a records file for ``sinergi link``: row by row (``prepare(read_csv(path))``) against
column by column (``prepare_file(path)``, in one process and with its helper process for the names), on N
generated records (default 200,000 and 1,000,000).

Each measurement is a fresh process (no warm caches, the imports done before the clock starts), so the two ways
are timed alike; the seconds, the process's CPU seconds and the load average beside them are printed (the machine
is shared). With ``--check`` the two tables are also compared (``Table.equals``). A file given with ``--file`` is
used as it is; otherwise the records are generated into a temporary folder.

    uv run python benchmarks/bench_prepare.py [--records 200000 1000000] [--runs 1] [--file RECORDS.csv] [--check]
                                              [--ways rows columns-1 columns]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_linkage_speed import generate, load  # noqa: E402 - the same generated file and load figure
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")

CHILD = """
import json, os, resource, sys, time
import pyarrow as pa
pa.array(["x"])  # Arrow's one-time imports, outside the clock
from sinergi.linkage import records
path, way = sys.argv[1], sys.argv[2]
if way == "columns-1":
    records.HELPER_NAMES = float("inf")  # no helper process
wall, cpu = time.perf_counter(), time.process_time()
if way == "rows":
    table = records.prepare(records.read_csv(path), as_of_year=2026)
else:
    table = records.prepare_file(path, as_of_year=2026)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "helper_cpu": children.ru_utime + children.ru_stime, "rows": table.num_rows,
                  "load": os.getloadavg()}))
"""

CHECK = """
import sys
from sinergi.linkage.records import prepare, prepare_file, read_csv
fast = prepare_file(sys.argv[1], as_of_year=2026)
print(fast.equals(prepare(read_csv(sys.argv[1]), as_of_year=2026)))
"""


def measure(path: Path, way: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), way], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--file", type=Path, action="append", help="a records file to use (repeatable)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ways", nargs="+", default=["rows", "columns-1", "columns"],
                        choices=["rows", "columns-1", "columns"],
                        help="rows: prepare(read_csv()); columns-1: prepare_file() in one process; columns: "
                             "prepare_file() with its helper process")
    parser.add_argument("--check", action="store_true", help="also compare the tables")
    args = parser.parse_args()
    print(f"cpus {os.cpu_count()}, load before {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        files = list(args.file or [])
        if not files:
            for n in args.records:
                files.append(Path(tmp) / f"records-{n}.csv")
                generate(files[-1], n, args.seed)
        for path in files:
            for run in range(args.runs):
                for way in args.ways:
                    m = measure(path, way)
                    helper = f" + {m['helper_cpu']:.2f} in the helper" if m["helper_cpu"] else ""
                    print(f"{path.name}: {m['rows']:,} records, {way:>9}: {m['seconds']:6.2f} s "
                          f"({m['cpu']:.2f} CPU s{helper}, {m['seconds'] / m['rows'] * 1e6:.1f} µs a record), "
                          f"load {' '.join(f'{x:.2f}' for x in m['load'])}", flush=True)
            if args.check:
                done = subprocess.run([sys.executable, "-c", CHECK, str(path)], capture_output=True, text=True,
                                      cwd=ROOT)
                print(f"{path.name}: same table: {done.stdout.strip() or done.stderr}", flush=True)
    print(f"load after {load()}")


if __name__ == "__main__":
    main()
