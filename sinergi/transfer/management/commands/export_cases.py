"""``sinergi export_cases --user USERNAME --format csv|json [-o FILE] [filters]``: export the user's cases.

Writes one EXPORT audit row per case. Exit status 1 when not permitted or a filter is wrong.
"""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.transfer.selectors import filters_from
from sinergi.transfer.services import cases_export

from ._common import as_command_error, user_named
from django.utils.translation import gettext as _
from sinergi.core.i18n import message


class Command(BaseCommand):
    help = _("Ekspor kasus ke CSV/JSON berformat HTCDS.")

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument("--agency", help="only cases led by this agency (code)")
        parser.add_argument("--format", choices=["csv", "json"], required=True)
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--purpose", default="", help="why the data leaves (recorded in the audit)")
        parser.add_argument("--stage", action="append", help="stage (repeat or comma-separate)")
        parser.add_argument("--origin-province", dest="origin_province")
        parser.add_argument("--origin-regency", dest="origin_regency")
        parser.add_argument("--country", dest="country_of_exploitation", help="country of exploitation (alpha-2)")
        parser.add_argument("--exploitation-type", dest="exploitation_type")
        parser.add_argument("--victim-status", dest="victim_status")
        parser.add_argument("--reported-from", dest="reported_from", help="YYYY-MM-DD")
        parser.add_argument("--reported-to", dest="reported_to", help="YYYY-MM-DD")
        parser.add_argument("--q", help="name or case reference")

    def handle(self, *args, user, agency, format, output, purpose, **options):
        actor = user_named(user)
        try:
            filters, used = filters_from(options)
            export = cases_export(actor=actor, format=format, filters=filters, used_filters=used,
                                  agency_code=agency, purpose=purpose)
        except (PermissionDenied, NotFound, ValidationError) as exc:
            raise as_command_error(exc) from None
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                for chunk in export.chunks():
                    fh.write(chunk)
        else:
            out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            for chunk in export.chunks():
                out.write(chunk)
            out.flush()
        self.stderr.write(message(_("%(count)s kasus diekspor."), count=export.count))
