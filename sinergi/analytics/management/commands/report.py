"""``sinergi report --year YYYY [--province CODE] --format pdf|xlsx --out FILE [--language id|en]``: the
comparable annual report."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sinergi.analytics.services import report_export
from sinergi.regions.enums import Level
from sinergi.regions.models import Region
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Laporan tahunan (PDF atau Excel).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--province", default="", help="Kemendagri province code, e.g. 53")
        parser.add_argument("--format", choices=["pdf", "xlsx"], required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--language", choices=["id", "en"], default="id")

    def handle(self, *args, year, province, format, out, language, **options):
        if not 1990 <= year <= 2100:
            raise CommandError("--year must be a year")
        if province and not Region.objects.filter(code=province, level=Level.PROVINCE).exists():
            raise CommandError(f"unknown province code: {province}")
        data = report_export(actor=None, year=year, province=province, fmt=format, language=language, via="command")
        with open(out, "wb") as fh:
            fh.write(data)
        self.stdout.write(f"{out}: {len(data):,} bytes")
