"""Analytics at scale: the read models' rebuild, every dashboard's server time, the annual PDF report and the
de-identified release of all cases (time and peak memory).

    DATABASE_URL=postgres://... uv run python benchmarks/bench_analytics.py [--requests 200] [--runs 3]
        [--skip-refresh] [--changes N]

Run against a database filled with ``sinergi generate_cases N`` (after ``migrate``). Dashboards are requested
in-process through Django's test client, signed in as an analyst, with filters drawn from the data (none, a
year, a province, a regency, an agency, an exploitation type, combinations); the time is the server's (the
view from request to response). The release runs as its own process so its peak memory is its own. With
``--changes N`` it also marks N random cases and N referrals as just written and times the worker's incremental
round (this writes ``updated_at`` in the benchmark database).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

SECTIONS = ["pathway", "stages", "referrals", "places", "recruitment", "border"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def analyst():
    from sinergi.agencies.models import Agency, Membership, User

    user, _ = User.objects.get_or_create(username="bench-analyst")
    agency = Agency.objects.filter(type="task_force").first() or Agency.objects.first()
    Membership.objects.get_or_create(user=user, agency=agency, role="analyst")
    return user


def filter_sets(rng):
    from sinergi.analytics.models import Tally

    from sinergi.analytics.models import Grain

    years = sorted(set(Tally.objects.filter(dim="cases", grain=Grain.NATIONWIDE & ~Grain.YEARS)
                       .values_list("year", flat=True)))
    per_regency = Grain.AGENCY | Grain.EXPLOITATION | Grain.YEARS
    regencies = list(Tally.objects.filter(dim="cases", grain=per_regency).exclude(regency="?")
                     .values_list("regency", flat=True).distinct()[:200])
    per_agency = Grain.REGENCY | Grain.PROVINCE | Grain.EXPLOITATION | Grain.YEARS
    agencies = [str(a) for a in Tally.objects.filter(dim="cases", grain=per_agency)
                .values_list("agency", flat=True).distinct() if a]
    types = ["ForcedLabour", "SexualExploitation"]
    out = [{}]
    for _ in range(40):
        f = {}
        if rng.random() < 0.5:
            y = rng.choice(years)
            f.update(year_from=y, year_to=y)
        r = rng.random()
        if r < 0.3:
            f["province"] = rng.choice(regencies)[:2]
        elif r < 0.5:
            f["regency"] = rng.choice(regencies)
        if rng.random() < 0.3:
            f["agency"] = rng.choice(agencies)
        if rng.random() < 0.25:
            f["exploitation"] = rng.choice(types)
        out.append(f)
    return out


def bench_dashboards(requests: int, runs: int = 1) -> dict:
    """``runs`` runs of ``requests`` requests per page; the median of the runs' p95 with the lowest and highest."""
    per_run = []
    for run in range(runs):
        print(f" run {run + 1} (load average {os.getloadavg()[0]:.1f}):", flush=True)
        per_run.append(_dashboards_once(requests))
    out = {}
    for s in per_run[0]:
        p95s = sorted(r[s]["p95"] for r in per_run)
        out[s] = {"p95_median": statistics.median(p95s), "p95_low": p95s[0], "p95_high": p95s[-1]}
    print("  p95 over the runs (median, lowest-highest):", flush=True)
    for s, r in out.items():
        print(f"  {s:12} {r['p95_median']:7.1f}  ({r['p95_low']:.1f}-{r['p95_high']:.1f})", flush=True)
    return out


def _dashboards_once(requests: int) -> dict:
    rng = random.Random(1)
    client = Client()
    client.force_login(analyst())
    filters = filter_sets(rng)
    for s in SECTIONS:  # warm up: caches, the map's shapes, the label tables
        client.get(f"/analytics/{s}/")
    results = {}
    for s in SECTIONS + ["agency"]:
        times = []
        for i in range(requests):
            f = filters[i % len(filters)]
            url = f"/analytics/{s}/" if s != "agency" else f"/analytics/agencies/{agency_ids()[i % len(agency_ids())]}/"
            t = time.perf_counter()
            r = client.get(url, f)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url, f, r.status_code)
        results[s] = {"p50": round(statistics.median(times), 1), "p95": round(pct(times, 0.95), 1),
                      "max": round(max(times), 1)}
        r = results[s]
        print(f"  {s:12} p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  max {r['max']:7.1f}", flush=True)
    return results


_AGENCIES: list = []


def agency_ids():
    if not _AGENCIES:
        from sinergi.agencies.models import Agency

        _AGENCIES.extend(str(pk) for pk in Agency.objects.filter(peer=None).values_list("pk", flat=True))
    return _AGENCIES


def bench_report(runs: int) -> dict:
    from collections import Counter

    from sinergi.analytics.models import Grain, Tally
    from sinergi.analytics.report import report_bytes

    per_year = Counter()
    for y, n in Tally.objects.filter(dim="cases", grain=Grain.NATIONWIDE & ~Grain.YEARS).values_list("year", "n"):
        per_year[y] += n
    year = per_year.most_common(1)[0][0]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        data = report_bytes(year, fmt="pdf")
        times.append(time.perf_counter() - t)
    return {"year": year, "cases_that_year": per_year[year], "median_s": round(statistics.median(times), 2),
            "max_s": round(max(times), 2), "bytes": len(data)}


def bench_release(runs: int) -> dict:
    times, rss = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "release.csv"
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", "import sys; from sinergi.cli import main; sys.exit(main(sys.argv[1:]))",
                                   "release", "--k", "5", "--out", str(out)],
                                  capture_output=True, text=True, env={**os.environ})
            times.append(time.perf_counter() - t)
            assert proc.returncode == 0, proc.stderr
            rss.append(max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024)
            lines = sum(1 for _ in out.open())
            summary = proc.stdout.strip()
    return {"median_s": round(statistics.median(times), 1), "max_s": round(max(times), 1),
            "peak_rss_mb": round(max(rss)), "rows": lines - 1, "summary": summary}


def bench_incremental(n: int) -> dict:
    """Mark ``n`` random cases (and one referral each) as just written, then time the worker's round."""
    from django.db import connection
    from django.utils import timezone

    from sinergi.analytics.refresh import analytics_refresh

    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute("UPDATE cases_case SET updated_at = %s WHERE id IN "
                    "(SELECT id FROM cases_case TABLESAMPLE SYSTEM (1) LIMIT %s)", (now, n))
        cur.execute("UPDATE referrals_referral SET updated_at = %s WHERE id IN "
                    "(SELECT id FROM referrals_referral TABLESAMPLE SYSTEM (1) LIMIT %s)", (now, n))
    t = time.perf_counter()
    result = analytics_refresh(force=True, full=False)
    return {**result, "wall_s": round(time.perf_counter() - t, 1), "touched_cases": n, "touched_referrals": n,
            "load": os.getloadavg()[0]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-refresh", action="store_true")
    parser.add_argument("--dashboard-runs", type=int, default=1, help="runs of the dashboards (median p95 of them)")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-release", action="store_true")
    parser.add_argument("--changes", type=int, default=0,
                        help="then touch this many cases (as five minutes of work would) and time the worker's "
                             "incremental round")
    args = parser.parse_args()
    from sinergi.analytics.refresh import analytics_refresh
    from sinergi.cases.models import Case

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, cases: {Case.objects.count():,}, "
          f"load average: {os.getloadavg()}")
    if not args.skip_refresh:
        t = time.perf_counter()
        print("full refresh:", analytics_refresh(force=True), f"({time.perf_counter() - t:.1f} s)", flush=True)
    if args.changes:
        for _ in range(args.runs):
            print("incremental refresh:", bench_incremental(args.changes), flush=True)
    print("dashboards (ms, server time):", flush=True)
    bench_dashboards(args.requests, args.dashboard_runs)
    if not args.skip_report:
        print("annual PDF report:", bench_report(args.runs), flush=True)
    if not args.skip_release:
        print("release:", bench_release(args.runs), flush=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
