"""``sinergi demo``: a working instance on this machine in one command.

Migrates the database, loads reference data, demo agencies, users and cases (each only when missing), prints
the demo logins and serves the app with the background worker beside it.
"""

import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sinergi.demo.agencies import demo_logins
from sinergi.demo.services import REALISTIC_CASES, demo_seed


class Command(BaseCommand):
    help = "Set up (idempotently) and serve a demo instance with realistic data."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--cases", type=int, default=REALISTIC_CASES,
                            help=f"at least this many cases (default {REALISTIC_CASES}; above 2,000 the rest is "
                                 "generated in bulk)")
        parser.add_argument("--seed", type=int, default=None, help="random seed for the demo data")
        parser.add_argument("--no-serve", action="store_true", help="set up only, do not start the server")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def handle(self, *args, port, cases, seed, no_serve, no_worker, **options):
        if not 0 < port < 65536:
            raise CommandError("--port 1-65535")
        if cases < 0:
            raise CommandError("--cases >= 0")
        started = time.monotonic()
        out = self.stdout.write
        out("Migrasi basis data / migrating the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        out("Data acuan, lembaga, pengguna dan kasus demo / reference data, agencies, users and demo cases ...")
        result = demo_seed(cases=cases, seed=seed, out=out)
        out(f"Siap dalam {time.monotonic() - started:.1f} dtk / ready in {time.monotonic() - started:.1f} s: "
            f"{result.total_cases:,} kasus / cases ({result.created_realistic + result.created_bulk:,} baru / new).")
        self._print_logins(port)
        if no_serve:
            return
        # Stopped by SIGTERM (a service manager, a container) as by Ctrl-C: leave through ``finally`` so the
        # worker stops too.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        worker = None
        if not no_worker:
            # The worker delivers notifications and runs escalations; it stops with the demo.
            worker = subprocess.Popen([sys.executable, "-m", "sinergi.cli", "worker"])
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _print_logins(self, port: int) -> None:
        out = self.stdout.write
        base = f"http://127.0.0.1:{port}"
        rows = demo_logins()
        out("")
        out("Login demo (kata sandi sama untuk semua / one password for all):")
        width = max(len(r["username"]) for r in rows) + 2
        role_width = max(len(str(r["role"])) for r in rows) + 2
        for r in rows:
            out(f"  {r['username']:<{width}}{r['password']}   {str(r['role']):<{role_width}}{r['agency']}")
        out("")
        out(f"  Aplikasi / app:     {base}/")
        out(f"  Dokumentasi API:    {base}/api/v1/docs/")
        out(f"  Admin:              {base}/admin/login/")
        out("")
