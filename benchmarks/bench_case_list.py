"""Case-list benchmark: the API's list query over 1,000,000 cases on PostgreSQL.

Times the query path of ``GET /api/v1/cases/``: the user's memberships, ``cases.selectors.case_page`` with
two filters (stage and country of exploitation) and a name search, the first page (25 rows, plus the one
that tells whether there is a next page) materialised with the survivors' names. Filter values and names vary
from query to query and are drawn from the data, so most searches find someone. Prints p50/p95/max in ms
(target: p95 at most 50 ms) and EXPLAIN ANALYZE of one representative query.

    createdb -h 127.0.0.1 -U postgres sinergi_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinergi_bench uv run python benchmarks/bench_case_list.py

The data (reference data, demo agencies and users, generated cases) is created only when missing, so reruns
start measuring at once.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")


def setup(cases: int, seed: int) -> None:
    from django.core.management import call_command

    from sinergi.cases.models import Case
    from sinergi.demo.agencies import demo_agencies_ensure, demo_users_ensure
    from sinergi.demo.services import generate, reference_ensure

    call_command("migrate", interactive=False, verbosity=0)
    reference_ensure(print)
    agencies = demo_agencies_ensure()
    demo_users_ensure(agencies)
    missing = cases - Case.objects.count()
    if missing > 0:
        print(f"generating {missing:,} cases ...")
        started = time.monotonic()
        generate(missing, seed=seed, batch=20_000, agencies=agencies,
                 out=lambda line: print(line) if line.strip().startswith(tuple("0123456789")) else None)
        print(f"generated {missing:,} cases in {time.monotonic() - started:.0f} s")
        from django.db import connection

        with connection.cursor() as cur:  # fresh statistics, as autovacuum would gather them after such a load
            cur.execute("ANALYZE")


def samples(agency_id, n: int, rng: random.Random) -> list[dict]:
    """Query parameters drawn from the agency's own cases: full names, one name, a name and a prefix; with the
    case's stage and country, or other common ones (then the search may well find nobody)."""
    from django.db import connection

    with connection.cursor() as cur:
        # TABLESAMPLE: a random few thousand rows without sorting the whole table.
        cur.execute(
            "SELECT p.full_name, c.stage, c.country_of_exploitation_id FROM cases_case c TABLESAMPLE SYSTEM (2) "
            "JOIN people_person p ON p.id = c.survivor_id WHERE c.lead_agency_id = %s LIMIT %s",
            [agency_id, n * 4])
        rows = cur.fetchall()
        if len(rows) < n:  # a small database: sample all of the agency's cases instead
            cur.execute(
                "SELECT p.full_name, c.stage, c.country_of_exploitation_id FROM cases_case c "
                "JOIN people_person p ON p.id = c.survivor_id WHERE c.lead_agency_id = %s ORDER BY random() LIMIT %s",
                [agency_id, n * 4])
            rows = cur.fetchall()
    rng.shuffle(rows)
    stages = [r[1] for r in rows]
    countries = [r[2] for r in rows]
    out = []
    for name, stage, country in rows[:n]:
        words = [w for w in name.split() if w not in ("Lalu", "Baiq", "Andi")]
        kind = rng.random()
        if kind < 0.4 or len(words) < 2:
            q = name
        elif kind < 0.7:
            q = rng.choice(words)                      # one common name: many people carry it
        elif kind < 0.9:
            q = f"{words[0]} {words[1][:3]}"           # typing: the last word is a prefix
        else:
            q = words[0].lower()                       # lower case, one word
        if rng.random() < 0.25:  # other filter values than the person's own
            stage, country = rng.choice(stages), rng.choice(countries)
        out.append({"q": q, "stage": [stage], "country_of_exploitation": country})
    return out


def run_query(user, params: dict) -> tuple[float, int]:
    from sinergi.cases.selectors import CaseFilters, case_page

    # A new request resolves the user's memberships again: drop the cached principal.
    user.__dict__.pop("_sinergi_principal", None)
    started = time.perf_counter()
    rows = case_page(user, CaseFilters(**params), ("-reported_on", "-id"), limit=26)
    names = [c.survivor.full_name for c in rows[:25]]
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(names)


def run_with_audit(user, params: dict) -> float:
    from django.db import transaction

    from sinergi.cases.selectors import CaseFilters, audit_list_read, case_page

    user.__dict__.pop("_sinergi_principal", None)
    started = time.perf_counter()
    with transaction.atomic():
        rows = case_page(user, CaseFilters(**params), ("-reported_on", "-id"), limit=26)[:25]
        audit_list_read(user, rows, filters={k: str(v) for k, v in params.items()})
        [c.survivor.full_name for c in rows]
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--username", default="supervisor", help="demo user whose agency's cases are searched")
    parser.add_argument("--audit", action="store_true", help="also time the page's audit rows (a write)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point to a PostgreSQL database for this benchmark.", file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.db import connection

    from sinergi.agencies.models import Membership, User
    from sinergi.cases.models import Case

    setup(args.cases, args.seed)
    user = User.objects.get(username=args.username)
    agency_id = Membership.objects.filter(user=user).values_list("agency_id", flat=True).first()
    total = Case.objects.count()
    share = Case.objects.filter(lead_agency_id=agency_id).count()
    rng = random.Random(args.seed)
    queries = samples(agency_id, args.queries + 50, rng)
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        pg = cur.fetchone()[0].split(",")[0]
    print(f"{pg}; {total:,} cases; user {args.username!r} sees {share:,} ({share / total:.0%}) through its agency")

    for params in queries[:50]:  # warm the caches as a running server would be
        run_query(user, params)
    times, found = [], []
    for params in queries[50:50 + args.queries]:
        ms, n = run_query(user, params)
        times.append(ms)
        found.append(n)
    print(f"case list, 2 filters + name search, first page materialised: {len(times)} queries")
    print(f"  p50 {statistics.median(times):.1f} ms   p95 {percentile(times, 95):.1f} ms   max {max(times):.1f} ms"
          f"   (target p95 <= 50 ms)")
    print(f"  rows per page: mean {statistics.mean(found):.1f}; queries with no match: "
          f"{sum(1 for n in found if n == 0) / len(found):.0%}")
    if args.audit:
        audited = [run_with_audit(user, p) for p in queries[50:50 + min(args.queries, 200)]]
        print(f"  with the page's audit rows written: p50 {statistics.median(audited):.1f} ms   "
              f"p95 {percentile(audited, 95):.1f} ms   max {max(audited):.1f} ms")

    from sinergi.access.visibility import case_visibility_parts
    from sinergi.cases.selectors import LIST_RELATED, CaseFilters, filter_cases

    slowest = queries[50 + max(range(len(times)), key=times.__getitem__)]
    typical = next(p for p in queries[50:] if len(p["q"].split()) == 2)
    user.__dict__.pop("_sinergi_principal", None)
    for label, params in (("a typical query", typical), ("the slowest query", slowest)):
        own = case_visibility_parts(user)[0]  # the agency's own cases: the part that holds nearly all rows
        qs = filter_cases(own, CaseFilters(**params)).select_related(*LIST_RELATED).order_by("-reported_on", "-id")[:26]
        print(f"\nEXPLAIN ANALYZE (own cases part), {label}: q={params['q']!r} stage={params['stage'][0]} "
              f"country={params['country_of_exploitation']}")
        print(qs.explain(analyze=True, buffers=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
