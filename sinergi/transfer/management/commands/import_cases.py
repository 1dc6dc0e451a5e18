"""``sinergi import_cases FILE --user USERNAME``: import cases from an HTCDS-shaped CSV or JSON file.

Exit status 0 when the import ran (with ``--partial`` the refused rows are listed), 1 when it was refused
(every problem is listed with its line and column) or not permitted.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sinergi.access.capabilities import Cap
from sinergi.core.errors import Conflict, NotFound, PermissionDenied
from sinergi.transfer.selectors import agency_for
from sinergi.transfer.services import ImportRefused, cases_import, timed

from ._common import as_command_error, user_named
from django.utils.translation import gettext as _
from sinergi.core.i18n import message


class Command(BaseCommand):
    help = _("Impor kasus dari CSV/JSON berformat HTCDS.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or JSON file (see FORMAT.md)")
        parser.add_argument("--user", required=True, help="username of the importer")
        parser.add_argument("--agency", help="agency code (lead agency of the imported cases)")
        parser.add_argument("--format", choices=["csv", "json"], help="default: from the file name, else csv")
        parser.add_argument("--partial", action="store_true",
                            help="import the good rows and list the bad ones (default: all or nothing)")

    def handle(self, *args, file, user, agency, format, partial, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(message(_("Berkas tidak ada: %(file)s"), file=file))
        actor = user_named(user)
        quiet = options.get("verbosity", 1) == 0
        report = timed(lambda text: self.stderr.write(text)) if not quiet else None
        try:
            target = agency_for(actor, Cap.CASE_IMPORT, agency)
            with path.open("rb") as fh:
                job = cases_import(actor=actor, agency_id=target.pk, stream=fh, format=format, filename=path.name,
                                   partial=partial, progress=report)
        except ImportRefused as refused:
            job = refused.job
            self._list(job.errors)
            raise CommandError(_("Impor ditolak, tidak ada yang diimpor: %(problems)s masalah dalam %(rows)s baris "
                                 "(pekerjaan %(job)s).") % {"problems": job.error_count, "rows": job.rejected_count,
                                                             "job": job.pk}) from None
        except (PermissionDenied, NotFound, Conflict, ValidationError) as exc:
            raise as_command_error(exc) from None
        self._list(job.warnings)
        if job.errors:
            self._list(job.errors)
        self.stdout.write(
            _("Impor %(job)s: %(created)s kasus baru, %(present)s sudah ada, %(rejected)s baris ditolak.")
            % {"job": job.pk, "created": job.created_count, "present": job.present_count,
               "rejected": job.rejected_count}
        )

    def _list(self, problems):
        for p in problems:
            where = _("baris %(line)s, ") % {"line": p["line"]} if p["line"] else ""
            self.stderr.write(f"{where}{p['field']}: {p['message']}")
