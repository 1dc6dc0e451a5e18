"""``sinergi demo``: a working instance on this machine in one command.

Migrates the database, loads reference data, demo agencies, users and cases (each only when missing), peers
with the other demo instance, prints the demo logins and serves the app with the background worker beside it.

``--instance kh`` is the Cambodian partner's instance (its own database, keys, agencies, users, English by
default); ``sinergi demo`` chooses its database before Django starts (``demo.instances.demo_environment``).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sinergi.cases.models import Case
from sinergi.demo import cambodia
from sinergi.demo.agencies import USERS, demo_logins
from sinergi.demo.instances import DEFAULT_INSTANCE, INSTANCES, loopback_url
from sinergi.demo.peering import demo_peer_ensure
from sinergi.demo.services import REALISTIC_CASES, demo_seed


class Command(BaseCommand):
    help = "Set up (idempotently) and serve a demo instance with realistic data."

    def add_arguments(self, parser):
        parser.add_argument("--instance", default=None, choices=sorted(INSTANCES),
                            help=f"which demo instance (default {DEFAULT_INSTANCE}, Indonesia; kh: the Cambodian "
                                 "partner, on port 8001, with its data in a 'kh' folder beside the default database)")
        parser.add_argument("--port", type=int, default=None, help="default 8000 (id) or 8001 (kh)")
        parser.add_argument("--peer-url", default=None,
                            help="where the other demo instance answers (default http://127.0.0.1:8001 for id, "
                                 "http://127.0.0.1:8000 for kh)")
        parser.add_argument("--cases", type=int, default=None,
                            help=f"at least this many cases (default {REALISTIC_CASES}; above 2,000 the rest is "
                                 "generated in bulk); Indonesian instance only")
        parser.add_argument("--seed", type=int, default=None, help="random seed for the demo data")
        parser.add_argument("--no-serve", action="store_true", help="set up only, do not start the server")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def handle(self, *args, instance, port, peer_url, cases, seed, no_serve, no_worker, **options):
        instance = instance or settings.SINERGI_INSTANCE
        if instance not in INSTANCES:
            raise CommandError(f"no demo for instance {instance!r}: {', '.join(sorted(INSTANCES))}")
        if instance != settings.SINERGI_INSTANCE:
            raise CommandError(f"this process runs instance {settings.SINERGI_INSTANCE!r}: start the {instance!r} "
                               f"demo with `sinergi demo --instance {instance}`, which chooses its database first")
        if instance != DEFAULT_INSTANCE and "DATABASE_URL" in os.environ:
            raise CommandError(f"DATABASE_URL is set: the {instance!r} demo keeps its own SQLite database in a "
                               f"'{instance}' folder and must not share yours. Unset DATABASE_URL for it.")
        profile = INSTANCES[instance]
        port = profile.port if port is None else port
        if not 0 < port < 65536:
            raise CommandError("--port 1-65535")
        if cases is not None and cases < 0:
            raise CommandError("--cases >= 0")
        if cases is not None and instance != DEFAULT_INSTANCE:
            raise CommandError("--cases is for the Indonesian demo; the partner's instance has a few fixed cases")
        started = time.monotonic()
        out = self.stdout.write
        out(f"{profile.name} ({instance})")
        out("Migrasi basis data / migrating the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        if instance == DEFAULT_INSTANCE:
            out("Data acuan, lembaga, pengguna dan kasus demo / reference data, agencies, users and demo cases ...")
            result = demo_seed(cases=REALISTIC_CASES if cases is None else cases, seed=seed, out=out)
            total, new = result.total_cases, result.created_realistic + result.created_bulk
            users = USERS
        else:
            out("Reference data, agencies, users and demo cases ...")
            new = cambodia.kh_seed(out=out)
            total = Case.objects.count()
            users = cambodia.USERS
        peering = demo_peer_ensure(instance, peer_url=peer_url)
        out(f"Siap dalam {time.monotonic() - started:.1f} dtk / ready in {time.monotonic() - started:.1f} s: "
            f"{total:,} kasus / cases ({new:,} baru / new).")
        self._print_logins(users)
        self._print_peering(profile, peering)
        self._print_urls(profile, port)
        if no_serve:
            return
        # Stopped by SIGTERM (a service manager, a container) as by Ctrl-C: leave through ``finally`` so the
        # worker stops too.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        worker = None
        if not no_worker:
            # The worker delivers notifications and exchange messages, fetches the peer's keys and runs
            # escalations; it stops with the demo. It inherits this instance's environment (database, code).
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

    def _print_logins(self, users) -> None:
        out = self.stdout.write
        rows = demo_logins(users)
        out("")
        out("Login demo (kata sandi sama untuk semua / one password for all):")
        width = max(len(r["username"]) for r in rows) + 2
        role_width = max(len(str(r["role"])) for r in rows) + 2
        for r in rows:
            out(f"  {r['username']:<{width}}{r['password']}   {str(r['role']):<{role_width}}{r['agency']}")

    def _print_peering(self, profile, peering) -> None:
        out = self.stdout.write
        other = INSTANCES[profile.peer]
        out("")
        if peering.keys:
            state = f"{peering.keys} kunci / keys fetched"
        else:
            state = ("belum aktif; worker akan mengambil kuncinya / not up yet; the worker fetches its keys when "
                     "it is")
        out(f"Mitra / peer {other.name} ({peering.peer_code}) at {peering.url}: {state}")
        out(f"  lembaga yang dapat dirujuk / agencies reachable there: {', '.join(peering.agencies)}")
        if profile.code == DEFAULT_INSTANCE:
            out(f"  start it with:  uv run sinergi demo --instance {other.code} --port {other.port}")
        else:
            out(f"  start it with:  uv run sinergi demo   (port {other.port})")

    def _print_urls(self, profile, port: int) -> None:
        out = self.stdout.write
        base = loopback_url(port)
        out("")
        out(f"  Instans / instance: {profile.name} ({profile.code})")
        out(f"  Masuk petugas / staff sign-in: {base}/login/")
        out(f"  Pintu publik / public door:    {base}/publik/   (cek lowongan, lapor, lacak kode, nomor bantuan)")
        out(f"  Dokumentasi API / API docs:    {base}/api/v1/docs/")
        out(f"  Admin:                         {base}/admin/login/")
        out("")
