"""Case-list benchmark: every shape of case-list query a user can type, on PostgreSQL.

For each shape (two filters and a name; a common name the user's agency does not hold; a common name alone; two
words, the last a prefix; the true last page; a page past the end; a date range over all years) it draws a
reproducible set of queries from the data (``TABLESAMPLE ... REPEATABLE (seed)`` in primary-key order, so
``--seed`` fixes them on an unchanged database) and times, in one run:

* the selector: ``cases.selectors.case_page`` (the user's memberships, the visibility parts, the page's rows
  with their survivors, the names read), as the API and the pages call it, without the query log (which costs
  time of its own), once what the process loaded is frozen for the garbage collector as ``sinergi serve``
  freezes it (unfrozen, a full collection in a timed call made the maximum 100-120 ms); its p95 is of the first
  call of each query;
* the raw SQL of the same statements: the statements the selector sent (captured in a second, untimed call) and
  replayed over a plain psycopg connection with the app's session settings (fetching every row); app time / raw
  time, each the better of two runs, is the app's overhead on the list;
* the full request in-process through Django's test client: ``GET /api/v1/cases/`` with a token
  (authentication, filters' validation, keyset pagination, projection, serializer, the page's audit rows) for
  the filter shapes, and the signed-in web page ``GET /cases/?page=N`` for the deep pages.

Prints p50/p95/max per shape (target: p95 at most 50 ms for the selector; overhead at most 1.3 x), the load
average beside the figures, and EXPLAIN (ANALYZE, BUFFERS) of the statements actually sent for the slowest query
of each shape (``--explain``).

    createdb -h 127.0.0.1 -U postgres sinergi_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinergi_bench uv run python benchmarks/bench_case_list.py

The data (reference data, demo agencies and users, generated cases) is created only when missing (``--cases``;
0: use what is there), so reruns start measuring at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")
# The signed-in pages are asked for without a second factor, as bench_pages.py does (the session is not verified).
os.environ.setdefault("SINERGI_MFA_REQUIRED", "0")

PAGE = 25


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


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

        with connection.cursor() as cur:  # what autovacuum does after such a load: statistics, visibility map
            cur.execute("VACUUM (ANALYZE)")


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``p`` % of the values at or below it (the
    19th of 20 for p95; rounding half to even once made it the 20th, the maximum)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def sample_rows(agency_id, n: int, seed: int) -> list[tuple]:
    """(full name, stage, country) of about ``n`` of the agency's cases, the same for the same seed and data."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        total = cur.fetchone()[0] or 1
        percent = min(100.0, max(0.01, 400.0 * n / total))
        cur.execute(
            "SELECT p.full_name, c.stage, c.country_of_exploitation_id FROM cases_case c "
            "TABLESAMPLE SYSTEM (%s) REPEATABLE (%s) JOIN people_person p ON p.id = c.survivor_id "
            "WHERE c.lead_agency_id = %s ORDER BY c.id LIMIT %s", [percent, seed, agency_id, n])
        return cur.fetchall()


def common_words(agency_id, seed: int) -> tuple[list[str], list[str]]:
    """Common name words (as written) the agency holds, and common ones it does not hold at all."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT key, min(form), count(*) FROM people_namekey TABLESAMPLE SYSTEM (5) REPEATABLE (%s) "
                    "GROUP BY key ORDER BY count(*) DESC, key LIMIT 60", [seed])
        common = cur.fetchall()
        held, absent = [], []
        for key, form, _ in common:
            cur.execute("SELECT EXISTS (SELECT 1 FROM cases_case c JOIN people_namekey k ON k.person_id = c.survivor_id "
                        "WHERE c.lead_agency_id = %s AND k.key = %s)", [agency_id, key])
            (held if cur.fetchone()[0] else absent).append(form.capitalize())
    return held, absent


def queries(user, agency_id, per_shape: int, seed: int) -> dict[str, list[tuple[dict, int]]]:
    """Shape -> [(filters, offset)]: the same for the same seed and data."""
    from sinergi.cases.models import Case
    from sinergi.cases.selectors import case_list

    rng = random.Random(seed)
    rows = sample_rows(agency_id, per_shape * 8, seed)
    stages = sorted({r[1] for r in rows})
    countries = sorted({r[2] for r in rows if r[2]})
    held, absent = common_words(agency_id, seed)
    two_words = [r[0].split() for r in rows if len(r[0].split()) >= 2]
    visible = case_list(user).count()
    last = max(0, (visible - 1) // PAGE * PAGE)
    first_day = Case.objects.order_by("reported_on").values_list("reported_on", flat=True).first() or dt.date.today()
    shapes: dict[str, list[tuple[dict, int]]] = {}
    typical = []
    for name, stage, country in rows[:per_shape]:
        q = name if rng.random() < 0.5 else name.split()[0]
        if rng.random() < 0.25:  # other filter values than the person's own: the search may well find nobody
            stage, country = rng.choice(stages), rng.choice(countries)
        typical.append(({"stage": [stage], "country_of_exploitation": country, "q": q}, 0))
    shapes["2 filters + name"] = typical
    if absent:
        shapes["common name absent from the agency"] = [({"q": absent[i % len(absent)]}, 0) for i in range(per_shape)]
    shapes["common name alone"] = [({"q": held[i % len(held)]}, 0) for i in range(per_shape)]
    shapes["two words, last a prefix"] = [({"q": f"{w[0]} {w[1][:3]}".lower()}, 0)
                                         for w in (rng.choice(two_words) for _ in range(per_shape))]
    shapes["last page"] = [({}, last)] * per_shape
    shapes["page past the end"] = [({}, 9_999 * PAGE)] * per_shape
    shapes["date range over all years"] = [
        ({"reported_from": first_day + dt.timedelta(days=rng.randint(0, 30)),
          "reported_to": dt.date.today() - dt.timedelta(days=rng.randint(0, 30))}, 0) for _ in range(per_shape)]
    return shapes


def run_selector(user, params: dict, offset: int, capture: bool = False):
    """(ms, rows, statements sent): timed as the app runs it, without the query log, which costs time of its own
    (each statement written out with its parameters); the statements are captured in a second, untimed call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sinergi.cases.selectors import CaseFilters, case_page

    def call():
        user.__dict__.pop("_sinergi_principal", None)  # a new request resolves the user's memberships again
        rows = case_page(user, CaseFilters(**params), ("-reported_on", "-id"), offset=offset, limit=PAGE + 1)
        return [c.survivor.full_name for c in rows[:PAGE]]

    started = time.perf_counter()
    names = call()
    elapsed = (time.perf_counter() - started) * 1000
    if not capture:
        return elapsed, len(names), []
    with CaptureQueriesContext(connection) as ctx:
        call()
    return elapsed, len(names), [q["sql"] for q in ctx.captured_queries]


def run_raw(raw, statements: list[str]) -> float:
    started = time.perf_counter()
    with raw.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
            cur.fetchall()
    return (time.perf_counter() - started) * 1000


def api_params(params: dict) -> dict:
    out = {}
    for k, v in params.items():
        out[k] = v[0] if isinstance(v, list) else v.isoformat() if isinstance(v, dt.date) else v
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=0, help="generate cases up to this many (0: use the data)")
    parser.add_argument("--per-shape", type=int, default=20, help="queries per shape (default 20)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--username", default="supervisor", help="demo user whose agency's cases are searched")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of each shape")
    parser.add_argument("--no-requests", action="store_true",
                        help="time only the selector and its SQL: no request, so no token, session or audit row is "
                             "written (a database whose audit key this checkout does not hold stays as it was)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point to a PostgreSQL database for this benchmark.", file=sys.stderr)
        return 2

    import django

    django.setup()
    import psycopg
    from django.db import connection
    from django.test import Client

    from sinergi.agencies.models import Membership, User
    from sinergi.api.tokens import token_issue
    from sinergi.cases.models import Case

    setup(args.cases, args.seed)
    user = User.objects.get(username=args.username)
    agency_id = Membership.objects.filter(user=user).values_list("agency_id", flat=True).first()
    total = Case.objects.count()
    share = Case.objects.filter(lead_agency_id=agency_id).count()
    shapes = queries(user, agency_id, args.per_shape, args.seed)
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        pg = cur.fetchone()[0].split(",")[0]
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {pg}; {total:,} cases; user {args.username!r} sees "
          f"{share:,} ({share / max(total, 1):.0%}) through its agency; seed {args.seed}; {load()}")
    settings = connection.settings_dict
    # The raw connection has the app's session settings (``OPTIONS``), so that both get the same plans.
    raw = psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None, dbname=settings["NAME"],
                          user=settings["USER"] or None, password=settings["PASSWORD"] or None, autocommit=True,
                          **{k: v for k, v in settings.get("OPTIONS", {}).items() if k == "options"})
    requests = not args.no_requests
    api = Client(HTTP_AUTHORIZATION=f"Token {token_issue(user).key}") if requests else None
    web = Client()
    if requests:
        web.force_login(user)

    for params, offset in [q for qs in shapes.values() for q in qs[:3]]:  # warm the caches as a server's would be
        run_selector(user, params, offset)
        if requests:
            web.get("/cases/", {"page": offset // PAGE + 1}) if offset else api.get("/api/v1/cases/", api_params(params))
    # As the server does once the app is loaded (``sinergi serve``): what lives as long as the process is frozen,
    # so that a full collection does not walk it in the middle of a timed call.
    gc.collect()
    gc.freeze()
    print(f"{'shape':38} {'selector p50/p95/max ms':>26} {'raw SQL p50/p95':>17} {'app/raw':>8} "
          f"{'request p50/p95 ms':>20} {'rows':>5}")
    worst = []
    ratios_all = []
    for shape, qs in shapes.items():
        app, rawt, req, found, ratios, statements = [], [], [], [], [], []
        for params, offset in qs:
            ms, n, sent = run_selector(user, params, offset, capture=True)
            # The overhead compares like with like: the better of two runs of the selector and of its SQL.
            best = min(ms, run_selector(user, params, offset)[0])
            r = min(run_raw(raw, sent) for _ in range(2))
            app.append(ms)
            rawt.append(r)
            ratios.append(best / r if r else 1.0)
            found.append(n)
            statements.append((ms, params, offset, sent))
            if not requests:
                continue
            started = time.perf_counter()
            if offset:
                response = web.get("/cases/", {"page": offset // PAGE + 1})
            else:
                response = api.get("/api/v1/cases/", api_params(params))
            req.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                print(f"  {shape}: HTTP {response.status_code} for {params} offset {offset}", file=sys.stderr)
                return 1
        ratios_all += ratios
        path = "page" if qs[0][1] else "API"
        request = (f"{path:>4} {statistics.median(req):7.1f} {percentile(req, 95):7.1f}" if req
                   else f"{'-':>20}")
        print(f"{shape:38} {statistics.median(app):8.1f} {percentile(app, 95):8.1f} {max(app):8.1f} "
              f"{statistics.median(rawt):8.1f} {percentile(rawt, 95):8.1f} {statistics.median(ratios):7.2f}x "
              f"{request} {statistics.mean(found):5.1f}")
        worst.append((shape, max(statements, key=lambda s: s[0])))
    print(f"all shapes: app/raw median {statistics.median(ratios_all):.2f}x (target <= 1.3x); {load()}")
    print("(selector: case_page and the names read; raw SQL: the same statements over psycopg; request: the full "
          "GET /api/v1/cases/ with a token, or the signed-in page /cases/?page=N for the deep pages)")
    if args.explain:
        with raw.cursor() as cur:
            for shape, (ms, params, offset, sent) in worst:
                print(f"\n== {shape}: slowest query ({ms:.1f} ms): {params} offset {offset}; {len(sent)} statements")
                for sql in sent:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    print(sql[:400] + (" ..." if len(sql) > 400 else ""))
                    print("\n".join(r[0] for r in cur.fetchall()))
    raw.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
