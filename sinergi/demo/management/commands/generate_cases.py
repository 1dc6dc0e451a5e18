"""``sinergi generate_cases N``: N more demo cases written in bulk, for benchmarks."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sinergi.demo.services import generate


class Command(BaseCommand):
    help = "Generate N demo cases in bulk (COPY on PostgreSQL), with survivors, name keys and stage entries."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many cases to add")
        parser.add_argument("--batch", type=int, default=10_000, help="cases per transaction (default 10,000)")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for the same data again")

    def handle(self, *args, count, batch, seed, **options):
        if count < 1:
            raise CommandError(_("N harus lebih dari 0."))
        if batch < 1:
            raise CommandError(_("--batch harus lebih dari 0."))
        done = generate(count, seed=seed, batch=batch, out=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(_("%(done)s kasus dibuat.") % {"done": f"{done:,}"}))
