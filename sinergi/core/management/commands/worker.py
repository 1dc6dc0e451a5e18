"""``sinergi worker``: run background tasks (database queue) and the periodic jobs, until stopped.

On one machine this is the whole background system: no extra server. A killed worker loses nothing: tasks
stay in the database until finished, and periodic jobs pick up where they were.
"""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string

from sinergi.core.jobs import run_periodic


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs (escalations, notification retries)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between rounds")
        parser.add_argument("--once", action="store_true", help="one round, then exit (for cron or tests)")

    def handle(self, *args, interval, once, **options):
        from django.conf import settings
        from django.core.management.base import CommandError

        from sinergi.core.keys import keys_missing

        if not settings.SINERGI_KEYS_AUTOCREATE and (problems := keys_missing()):
            raise CommandError("the keys that protect data at rest are not all configured: " + "; ".join(problems))
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        uses_db_queue = settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
        worker_id = get_random_string(16)
        self.stdout.write(f"worker {worker_id} started (database queue: {'yes' if uses_db_queue else 'no'})")
        while self.running:
            if uses_db_queue:
                self._drain_queue(worker_id)
            run_periodic()
            if not connection.in_atomic_block:  # e.g. inside a test's transaction: keep the connection
                close_old_connections()
            if once:
                break
            time.sleep(interval)
        self.stdout.write("worker stopped")

    def _drain_queue(self, worker_id):
        from django_tasks_db.management.commands.db_worker import Worker

        Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
               max_tasks=None, worker_id=worker_id, excluded_queue_names=[]).run()
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)

    def _stop(self, signum, frame):
        self.running = False
