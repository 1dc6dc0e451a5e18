"""``sinergi estimate CAPTURES.csv``: multiple systems estimation of the people no list has recorded.

    sinergi estimate CAPTURES.csv [--method stepwise|bic] [--threshold 0.02] [--bootstrap 1000]
                     [--resampling multinomial|parametric] [--seed 1234] [--jobs N] [--format both|json|table]
    sinergi estimate --records RECORDS.csv --linkage DIR [--list-column source] [--draws 100]

Output (``--format both``, the default): the JSON document alone on standard output, the readable table on
standard error, so ``sinergi estimate t.csv > result.json`` keeps a clean document and still shows the table.
``--format json`` prints only the document, ``--format table`` only the table (on standard output).
Exit status: 0 with an estimate; 1 when the input is refused or no finite estimate exists (the reasons on
standard error, in the interface language or ``--lang``); 2 for wrong options. No database is used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from sinergi.analytics import mse
from sinergi.analytics.mse import files, linkage
from sinergi.analytics.mse.estimate import METHODS


class Command(BaseCommand):
    help = (
        "Multiple systems estimation: estimate how many people no list recorded, from a capture-history CSV "
        "(one 0/1 column per list, then count). Prints the JSON document on standard output and a readable "
        "table on standard error (see --format). Exit 1 when the table is refused or has no finite estimate."
    )
    requires_system_checks = []  # works on a file alone: no database, no checks that might want one

    def add_arguments(self, parser):
        parser.add_argument("captures", nargs="?", help="capture-history CSV: 0/1 columns per list and count")
        parser.add_argument(
            "--method",
            choices=METHODS,
            default="stepwise",
            help="stepwise (SparseMSE, default) or bic (all two-list models, up to six lists)",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.02,
            help="stepwise p-value threshold for adding an interaction (default 0.02)",
        )
        parser.add_argument(
            "--bootstrap",
            type=int,
            default=1000,
            metavar="N",
            help="bootstrap replicates for the BCa interval; 0 for the conditional interval only",
        )
        parser.add_argument(
            "--resampling",
            choices=["multinomial", "parametric"],
            default="multinomial",
            help="multinomial resampling of the people seen (SparseMSE, default) or from the fit",
        )
        parser.add_argument("--seed", type=int, default=1234, help="random seed (default 1234: reproducible)")
        parser.add_argument("--level", type=float, default=0.95, help="interval level (default 0.95)")
        parser.add_argument("--jobs", type=int, default=1, help="worker processes for the bootstrap")
        parser.add_argument(
            "--format",
            choices=["both", "json", "table"],
            default="both",
            help="both: JSON on stdout and table on stderr (default); json; table (on stdout)",
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the table and messages (default: the interface language)",
        )
        parser.add_argument("--records", help="linkage mode: the records CSV given to `sinergi link`")
        parser.add_argument(
            "--linkage", metavar="DIR", help="linkage mode: the --out folder of `sinergi link`"
        )
        parser.add_argument("--list-column", default="source", help="linkage mode: the records' list column")
        parser.add_argument(
            "--draws",
            type=int,
            default=linkage.DEFAULT_DRAWS,
            help="linkage mode: re-drawn linkages (default 100)",
        )
        parser.add_argument(
            "--replicates-per-draw",
            type=int,
            default=linkage.DEFAULT_REPLICATES_PER_DRAW,
            help="linkage mode: bootstrap replicates per draw for the combined interval",
        )

    def handle(self, *args, **options):
        # override, not activate: the language chosen for one run must not stay with the thread
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options):
        try:
            document, table = self._run(options)
        except ValidationError as error:
            self._fail(mse.messages_of(error))
        except OSError as error:
            self._fail(
                [
                    _("Berkas tidak dapat dibaca: %(file)s (%(reason)s)")
                    % {"file": error.filename or "", "reason": error.strerror or error}
                ]
            )
        except Exception as error:  # never a traceback for the user; --traceback shows it to a developer
            if options.get("traceback"):
                raise
            self._fail(
                [
                    _(
                        "Perhitungan gagal karena kesalahan internal: %(error)s. Jalankan lagi dengan "
                        "--traceback dan laporkan."
                    )
                    % {"error": error}
                ]
            )
        if options["format"] in ("both", "json"):
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False))
        if options["format"] == "table":
            self.stdout.write(table, ending="")
        elif options["format"] == "both" and options["verbosity"] > 0:
            self.stderr.write(table, ending="")

    def _fail(self, messages: list[str]) -> None:
        for message in messages:
            self.stderr.write(message)
        sys.exit(1)

    def _run(self, options) -> tuple[dict, str]:
        self._check_options(options)
        common = {
            "method": options["method"],
            "threshold": options["threshold"],
            "seed": options["seed"],
            "level": options["level"],
            "jobs": options["jobs"],
        }
        if options["records"] or options["linkage"]:
            folder = Path(options["linkage"])
            linked = mse.link(
                files.read_records(Path(options["records"]).read_bytes(), options["list_column"]),
                files.read_pairs((folder / "pairs.csv").read_bytes()),
                files.read_clusters((folder / "clusters.csv").read_bytes())
                if (folder / "clusters.csv").exists()
                else None,
            )
            result = mse.estimate_with_linkage(
                linked,
                draws=options["draws"],
                replicates_per_draw=options["replicates_per_draw"],
                replicates=options["bootstrap"],
                **common,
            )
            return result.as_dict(), mse.render(result.estimate) + _linkage_lines(result)
        table = mse.read_csv(Path(options["captures"]).read_bytes())
        result = mse.estimate(
            table, replicates=options["bootstrap"], resampling=options["resampling"], **common
        )
        return result.as_dict(), mse.render(result)

    def _check_options(self, options) -> None:
        problems = []
        linkage_mode = bool(options["records"] or options["linkage"])
        if linkage_mode and not (options["records"] and options["linkage"]):
            problems.append(_("Mode penautan perlu --records dan --linkage sekaligus."))
        if not linkage_mode and not options["captures"]:
            problems.append(_("Sebutkan berkas tabel tangkapan (CSV), atau --records dan --linkage."))
        if not 0 < options["level"] < 1:
            problems.append(_("--level harus di antara 0 dan 1."))
        if not 0 <= options["threshold"] <= 1:
            problems.append(_("--threshold harus di antara 0 dan 1."))
        if options["bootstrap"] < 0 or options["draws"] < 1 or options["replicates_per_draw"] < 1:
            problems.append(
                _(
                    "Banyaknya ulangan tidak boleh negatif, dan --draws serta --replicates-per-draw "
                    "sedikitnya 1."
                )
            )
        if options["bootstrap"] and options["bootstrap"] < 100:
            problems.append(
                _("Interval bootstrap perlu sedikitnya 100 ulangan (atau 0 untuk tanpa bootstrap).")
            )
        if options["jobs"] < 1:
            problems.append(_("--jobs sedikitnya 1."))
        if problems:
            raise ValidationError(problems)


def _linkage_lines(result: linkage.LinkageEstimate) -> str:
    from sinergi.analytics.mse.report import number

    lo, mid, hi = result.spread()
    combined = result.combined()
    lines = [
        "",
        "  "
        + _("Ketidakpastian penautan (%(draws)s penautan diundi ulang menurut peluang cocoknya):")
        % {"draws": len(result.draws)},
        "    "
        + _("Sebaran perkiraan jumlah seluruhnya: %(lo)s – %(hi)s (median %(mid)s)")
        % {"lo": number(lo), "hi": number(hi), "mid": number(mid)},
        "    "
        + _("Interval gabungan (penautan dan sampel): %(lo)s – %(hi)s")
        % {"lo": number(combined.lower), "hi": number(combined.upper)},
    ]
    if result.failed_draws:
        lines.append("    " + _("%(n)s undian tanpa estimasi terhingga.") % {"n": result.failed_draws})
    return "\n".join(lines) + "\n"
