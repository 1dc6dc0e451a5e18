"""``sinergi analytics_refresh``: count the dashboards' figures from scratch now (to start, or to check); with
``--changes``, one round as the worker runs every few minutes (the changed cases and the rolling check's slice)."""

from django.core.management.base import BaseCommand

from sinergi.analytics.refresh import analytics_refresh
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Perbarui angka dasbor.")

    def add_arguments(self, parser):
        parser.add_argument("--changes", action="store_true",
                            help="recount only the cases changed since the last count and the next slice of the "
                                 "rolling check (as the worker does)")

    def handle(self, *args, **options):
        self.stdout.write(str(analytics_refresh(force=True, full=False if options["changes"] else None)))
