"""The ``sinergi`` command.

    sinergi demo [--port 8000] [--cases N] [--no-serve] [--seed S]   set up and serve a demo on this machine
    sinergi demo --instance kh [--port 8001] [--peer-url URL]         the Cambodian partner's instance, peered
    sinergi serve [--bind 0.0.0.0:8000] [--workers N] [--insecure]    production server (gunicorn); needs
                                                                      SINERGI_SECRET_KEY and the data keys
    sinergi keys status|init|rotate|reencrypt|retire                  keys for data at rest (README)
    sinergi <command> ...                                             any management command (migrate,
                                                                      audit verify, import_cases, generate_cases)
"""

from __future__ import annotations

import argparse
import os
import sys

USAGE = __doc__


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE.strip())
        return 0
    if argv[0] == "serve":
        return serve(argv[1:])
    if argv[0] == "demo":
        from django.conf import settings

        if not settings.configured:  # the instance chooses its database before the settings load, once
            from sinergi.demo.instances import demo_environment

            demo_environment(argv[1:])
    return manage(argv)


def manage(argv: list[str]) -> int:
    """Django's management with ``sinergi`` as the program name."""
    import django
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.utils import translation

    django.setup()
    try:
        # Every command, its argument errors included, speaks the instance's language, whatever a
        # previous caller in the same process left active.
        with translation.override(settings.LANGUAGE_CODE):
            execute_from_command_line(["sinergi", *argv])
    except SystemExit as exc:  # argparse, CommandError and commands like `audit verify` exit; pass the code on
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    return 0


def _default_workers() -> int:
    # Gunicorn's rule of thumb (2 x cores + 1), capped: each worker holds database connections.
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sinergi serve", description="Run Sinergi under gunicorn.")
    parser.add_argument("--bind", default=os.environ.get("SINERGI_BIND", "0.0.0.0:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("SINERGI_WORKERS", 0)) or None)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("SINERGI_THREADS", 4)))
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("SINERGI_TIMEOUT", 60)),
                        help="seconds before a stuck request's worker is restarted (imports run as jobs)")
    parser.add_argument("--skip-collectstatic", action="store_true")
    parser.add_argument("--insecure", action="store_true",
                        help="start even though Django's deployment checks fail (plain HTTP on loopback for a trial "
                             "or a benchmark; never for real data)")
    args = parser.parse_args(argv)

    if not os.environ.get("SINERGI_SECRET_KEY"):
        print("sinergi serve: SINERGI_SECRET_KEY is not set. Set a long random value, e.g.\n"
              "  export SINERGI_SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\"",
              file=sys.stderr)
        return 2
    if problems := _keys_problems():
        print("sinergi serve: the keys that protect data at rest are not all configured:\n  "
              + "\n  ".join(problems) + "\nCreate them once with `sinergi keys init` (in SINERGI_KEY_DIR) or pass "
              "them in the environment; see the README's key configuration.", file=sys.stderr)
        return 2
    if not os.environ.get("DATABASE_URL"):
        print("sinergi serve: warning: DATABASE_URL is not set; using the SQLite database under "
              "SINERGI_DATA_DIR (fine for one small office, not for a real deployment).", file=sys.stderr)

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    problems = _deploy_checks()
    if problems and not args.insecure:
        from django.utils.translation import gettext as _

        print("sinergi serve: " + _(
            "pengaturan produksi tidak aman. Atur TLS (SINERGI_BEHIND_TLS_PROXY=1 di belakang proxy HTTPS), "
            "SINERGI_ALLOWED_HOSTS dan surel SMTP (SINERGI_EMAIL_HOST); lihat README. Hanya untuk uji coba di "
            "loopback: --insecure."), file=sys.stderr)
        return 2
    if not args.skip_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        from django.utils.translation import gettext as _

        print("sinergi serve: " + _("peringatan: ada migrasi yang belum dijalankan; jalankan `sinergi migrate`."),
              file=sys.stderr)
    # No connection may cross the fork into the workers.
    connections.close_all()

    options = gunicorn_options(args)
    print(f"Sinergi: {options['workers']} workers x {options['threads']} threads on http://{args.bind} "
          "(run `sinergi worker` beside it for notifications and escalations)")
    SinergiServer(options).run()
    return 0


def _keys_problems() -> list[str]:
    """What is missing among the keys for data at rest; a server never creates them itself."""
    from sinergi.core.keys import keys_missing

    return keys_missing()


def gunicorn_options(args) -> dict:
    """The whole gunicorn configuration in one place, so production behaviour does not depend on a file."""
    return {
        "bind": args.bind,
        "workers": args.workers or _default_workers(),
        "worker_class": "gthread",
        "threads": args.threads,
        "timeout": args.timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # Recycle workers now and then so a slow leak cannot grow without bound.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": os.environ.get("SINERGI_LOG_LEVEL", "info").lower(),
        # Request time in microseconds (%(D)s) at the end, for the speed figures; no query strings, which may
        # carry names being searched.
        "access_log_format": '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)s',
        "forwarded_allow_ips": os.environ.get("SINERGI_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "proc_name": "sinergi",
        "preload_app": True,
        # No control socket in the home directory: several instances may run on one machine.
        "control_socket_disable": True,
    }


def _deploy_checks() -> list:
    """Django's deployment checks; each problem is printed. ``serve`` refuses to start while any remains."""
    from django.core import checks

    problems = [m for m in checks.run_checks(include_deployment_checks=True)
                if m.level >= checks.WARNING and not m.is_silenced()]
    for m in problems:
        print(f"sinergi serve: check {m.id}: {m.msg}", file=sys.stderr)
    return problems


try:
    from gunicorn.app.base import BaseApplication
except ImportError:  # pragma: no cover - gunicorn is a dependency; keep `sinergi migrate` usable without it
    BaseApplication = object


class SinergiServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        import gc

        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        # Loaded once before the workers fork (preload_app): what is loaded by then lives as long as the server.
        # Frozen, the garbage collector no longer walks it on every full collection (a pause of tens of ms in a
        # request otherwise), and the workers' memory pages it lies in stay shared with the master.
        gc.collect()
        gc.freeze()
        return application


if __name__ == "__main__":
    sys.exit(main())
