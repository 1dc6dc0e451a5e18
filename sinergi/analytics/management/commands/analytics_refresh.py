"""``sinergi analytics_refresh``: rebuild the dashboards' read models now (the worker does it every few minutes)."""

from django.core.management.base import BaseCommand

from sinergi.analytics.refresh import analytics_refresh
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Perbarui angka dasbor.")

    def add_arguments(self, parser):
        parser.add_argument("--changes", action="store_true",
                            help="recount only the places changed since the last count (as the worker does)")

    def handle(self, *args, **options):
        self.stdout.write(str(analytics_refresh(force=True, full=False if options["changes"] else None)))
