"""``sinergi release --k K --out FILE.csv``: the k-anonymous release in the shape of the CTDC global dataset.

A ``.json`` out path writes JSON. Prints the share of records suppressed. Exit status 1 on a bad argument."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sinergi.analytics.deid.release import HIERARCHY, QUASI_IDENTIFIERS
from sinergi.analytics.services import release_export


class Command(BaseCommand):
    help = "Rilis data tanpa identitas (k-anonim, bentuk CTDC) / k-anonymous CTDC-shaped release."

    def add_arguments(self, parser):
        parser.add_argument("--k", type=int, default=5, help="smallest class size (default 5; CTDC uses 11)")
        parser.add_argument("--out", required=True, help="file to write: .csv or .json")
        parser.add_argument("--max-suppressed", type=float, default=0.05,
                            help="largest share of records suppressed before generalising further (default 0.05)")
        parser.add_argument("--quasi", default=",".join(QUASI_IDENTIFIERS),
                            help=f"quasi-identifiers, comma-separated (of {', '.join(HIERARCHY)})")

    def handle(self, *args, k, out, max_suppressed, quasi, **options):
        if k < 2:
            raise CommandError("--k must be at least 2")
        if not 0 <= max_suppressed < 1:
            raise CommandError("--max-suppressed must be between 0 and 1")
        names = tuple(q.strip() for q in quasi.split(",") if q.strip())
        unknown = [q for q in names if q not in HIERARCHY]
        if unknown or not names:
            raise CommandError(f"unknown quasi-identifiers: {', '.join(unknown) or '(none given)'}")
        fmt = "json" if out.lower().endswith(".json") else "csv"
        with open(out, "w", encoding="utf-8", newline="") as fh:
            plan = release_export(actor=None, out=fh, k=k, fmt=fmt, max_suppressed=max_suppressed, quasi=names,
                                  via="command")
        s = plan.summary()
        self.stdout.write(f"{out}: {s['released']:,} of {s['records']:,} records, {s['suppressed']:,} suppressed "
                          f"({s['suppressed_share']:.2%}), k={k}, generalisation {s['generalisation']}")
