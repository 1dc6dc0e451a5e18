"""Web pages over HTTP with 1,000,000 cases on PostgreSQL: the case list and the case page.

Starts ``sinergi serve`` (gunicorn, as in production) against ``DATABASE_URL`` on a free local port, signs in
as a demo user through the login form with a real HTTP client (``http.client`` on one kept-alive connection,
cookies and CSRF token as a browser sends them), then asks for

* case list pages with two filters (stage, country of exploitation) and a name search, drawn from the data as
  in ``bench_case_list.py`` (full names, one common name, a name and a prefix);
* case pages of cases the user's agency leads, drawn at random.

Every page is a full request: session, memberships, selectors, audit rows written, template rendered. For each
it records the server time the app reports in its ``Server-Timing`` header and the time the client waited.
Prints p50/p95/max in ms (target: p95 server time at most 150 ms for both pages).

    createdb -h 127.0.0.1 -U postgres sinergi_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinergi_bench uv run python benchmarks/bench_pages.py

The data is created when missing (see ``bench_case_list.py``), so reruns start measuring at once.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")


class Browser:
    """One kept-alive connection with a cookie jar: what a browser does, without the rendering."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        headers["Accept-Language"] = "id"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):  # the server closed a kept-alive connection: reconnect once
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        content = response.read()
        waited = (time.perf_counter() - started) * 1000
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        timing = response.headers.get("Server-Timing", "")
        match = re.search(r"dur=([0-9.]+)", timing)
        server = float(match.group(1)) if match else float("nan")
        return response.status, response.headers, content.decode("utf-8", "replace"), server, waited

    def login(self, username: str, password: str) -> None:
        status, _, page, _, _ = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise SystemExit(f"login page answered {status}")
        body = urlencode({"csrfmiddlewaretoken": token.group(1), "username": username, "password": password})
        status, _, _, _, _ = self.request("POST", "/login/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/login/"})
        if status != 302:
            raise SystemExit(f"login as {username!r} failed ({status})")


def load_run(port: int, username: str, password: str, paths: list[str], *, clients: int, requests: int,
             warm: int = 0) -> dict:
    """``clients`` browsers at once, each signed in on its own connection (so the server's workers and threads
    share them, as with real users), each asking for ``requests`` of ``paths`` (after ``warm`` unmeasured ones),
    starting at a different place. Returns server times, client waits, errors and the wall time."""
    import threading

    server_ms: list[float] = []
    client_ms: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients)

    def client(k: int) -> None:
        browser = Browser(port)
        try:
            browser.login(username, password)
        except SystemExit as exc:
            with lock:
                errors.append(f"client {k}: {exc}")
            ready.abort()
            return
        try:
            ready.wait(timeout=300)
        except threading.BrokenBarrierError:
            return
        for i in range(warm + requests):
            path = paths[(k * 7919 + i) % len(paths)]
            try:
                status, _, _, server_time, waited = browser.request("GET", path)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{path}: {exc!r}")
                continue
            with lock:
                if status != 200:
                    errors.append(f"{path} answered {status}")
                elif i >= warm:
                    server_ms.append(server_time)
                    client_ms.append(waited)
        browser.conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"server": server_ms, "client": client_ms, "errors": errors, "wall": time.perf_counter() - started}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, SINERGI_SECRET_KEY=secrets.token_urlsafe(50), SINERGI_LOG_LEVEL="warning",
               SINERGI_LOGIN_FAILURE_LIMIT="1000", SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT="1000",
               SINERGI_MFA_REQUIRED="0")
    # The server refuses to start without every key for data at rest: create those missing (the same key
    # directory the data was generated with), as an operator would once.
    subprocess.run([sys.executable, "-m", "sinergi.cli", "keys", "init"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [sys.executable, "-m", "sinergi.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--skip-collectstatic", "--insecure"],  # plain HTTP on loopback, signing in with the password alone
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start within 120 s")


def report(label: str, server: list[float], client: list[float]) -> None:
    from bench_case_list import load, percentile

    print(f"{label}: {len(server)} requests; {load()}")
    print(f"  server time  p50 {statistics.median(server):6.1f} ms   p95 {percentile(server, 95):6.1f} ms   "
          f"max {max(server):6.1f} ms   (target p95 <= 150 ms)")
    print(f"  client wait  p50 {statistics.median(client):6.1f} ms   p95 {percentile(client, 95):6.1f} ms   "
          f"max {max(client):6.1f} ms")


def samples(agency_id, n: int, seed: int) -> list[dict]:
    """Case-list queries drawn from the agency's cases, the same for the same seed and data: a full name, one
    name, or a name and a prefix, with the case's stage and country."""
    from bench_case_list import sample_rows

    rng = random.Random(seed)
    out = []
    for name, stage, country in sample_rows(agency_id, n, seed) or [("Siti", "reported", "MY")]:
        words = name.split()
        kind = rng.random()
        q = name if kind < 0.4 or len(words) < 2 else words[0] if kind < 0.7 else f"{words[0]} {words[1][:3]}"
        out.append({"q": q, "stage": [stage], "country_of_exploitation": country or ""})
    return (out * (n // max(len(out), 1) + 1))[:n]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=0, help="generate cases up to this many (0: use the data)")
    parser.add_argument("--requests", type=int, default=300, help="requests per page kind")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--username", default="supervisor", help="demo user whose agency's cases are searched")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn workers (default: as `sinergi serve` starts in production, 2 x cores + 1)")
    parser.add_argument("--clients", type=int, default=0,
                        help="load mode: this many signed-in clients at once on their own connections, each asking "
                             "for --requests case-list pages (0: one client, both page kinds, one after another)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point to a PostgreSQL database for this benchmark.", file=sys.stderr)
        return 2

    import django

    django.setup()
    from bench_case_list import setup
    from django.db import connection

    from sinergi.agencies.models import Membership, User
    from sinergi.cases.models import Case
    from sinergi.demo.agencies import DEMO_PASSWORD

    from sinergi.cli import _default_workers

    args.workers = args.workers or _default_workers()
    setup(args.cases, args.seed)
    user = User.objects.get(username=args.username)
    agency_id = Membership.objects.filter(user=user).values_list("agency_id", flat=True).first()
    rng = random.Random(args.seed)
    warm = 30
    lists = samples(agency_id, args.requests + warm, args.seed)
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM cases_case TABLESAMPLE SYSTEM (1) REPEATABLE (%s) WHERE lead_agency_id = %s "
                    "ORDER BY id LIMIT %s", [args.seed, agency_id, args.requests + warm])
        case_ids = [str(r[0]) for r in cur.fetchall()]
        cur.execute("SELECT version()")
        pg = cur.fetchone()[0].split(",")[0]
    rng.shuffle(case_ids)
    print(f"{pg}; {Case.objects.count():,} cases; {args.workers} gunicorn workers; user {args.username!r}")
    connection.close()

    port = free_port()
    server = start_server(port, args.workers)
    try:
        if args.clients:
            from bench_case_list import load, percentile

            paths = ["/cases/?" + urlencode({"q": p["q"], "stage": p["stage"][0], "country_of_exploitation":
                                             p["country_of_exploitation"]}) for p in lists]
            result = load_run(port, args.username, DEMO_PASSWORD, paths, clients=args.clients,
                              requests=args.requests, warm=5)
            server_ms, client_ms = result["server"], result["client"]
            print(f"load: {args.clients} clients on their own connections, {len(client_ms)} signed-in case-list "
                  f"pages in {result['wall']:.1f} s ({len(client_ms) / result['wall']:.1f}/s); "
                  f"errors: {len(result['errors'])}; {load()}")
            if client_ms:
                print(f"  client wait  p50 {statistics.median(client_ms):6.1f} ms   p95 {percentile(client_ms, 95):6.1f}"
                      f" ms   p99 {percentile(client_ms, 99):6.1f} ms   max {max(client_ms):6.1f} ms   "
                      f"(target p95 <= 300 ms, no error)")
                print(f"  server time  p50 {statistics.median(server_ms):6.1f} ms   p95 {percentile(server_ms, 95):6.1f}"
                      f" ms")
            for error in result["errors"][:10]:
                print(f"  error: {error}")
            return 1 if result["errors"] else 0
        browser = Browser(port)
        browser.login(args.username, DEMO_PASSWORD)
        results = {}
        for label, paths in (
            ("case list (2 filters + name search)", [
                "/cases/?" + urlencode({"q": p["q"], "stage": p["stage"][0], "country_of_exploitation":
                                        p["country_of_exploitation"]}) for p in lists]),
            ("case page", [f"/cases/{case_id}/" for case_id in case_ids]),
        ):
            server_ms, client_ms = [], []
            for i, path in enumerate(paths[: args.requests + warm]):
                status, _, _, server_time, waited = browser.request("GET", path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
                if i >= warm:  # the first requests warm the workers and the database caches
                    server_ms.append(server_time)
                    client_ms.append(waited)
            results[label] = (server_ms, client_ms)
        for label, (server_ms, client_ms) in results.items():
            report(label, server_ms, client_ms)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
