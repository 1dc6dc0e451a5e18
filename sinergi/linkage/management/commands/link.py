"""``sinergi link RECORDS.csv --out DIR``: find the same person across lists, from a file alone (no database).

Reads the columns ``record_id, source, full_name, sex, date_of_birth, age_estimate, origin_village, passport,
phone`` (any may be empty; others are ignored) and writes:

- ``DIR/clusters.csv``: ``record_id, cluster_id`` (every record; one cluster is one person);
- ``DIR/pairs.csv``: ``record_id_l, record_id_r, match_probability`` (pairs at or above ``--pair-threshold``);
- with ``--explain``, ``DIR/explanations.jsonl``: for each reported pair, each field's finding and weight;
- with ``--save-model FILE`` the trained model, with ``--index FILE`` the intake index.

Exit status 0 when the files were written; 1 with a message (no traceback) when the input cannot be linked.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.linkage.engine import DEFAULT_PAIR_THRESHOLD, DEFAULT_THRESHOLD, LinkOptions, link
from sinergi.linkage.records import InputError, prepare_file


def _probability(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("bukan angka: %(value)s") % {"value": text}) from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(_("harus di antara 0 dan 1: %(value)s") % {"value": text})
    return value


class Command(BaseCommand):
    help = gettext_lazy("Temukan orang yang sama di beberapa daftar (berkas CSV saja, tanpa basis data).")
    # Works on a file alone: no system checks, no migrations, no database connection.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("records", help="CSV: record_id, source, full_name, sex, date_of_birth, age_estimate, "
                                            "origin_village, passport, phone")
        parser.add_argument("--out", required=True, help="output folder (created if missing)")
        parser.add_argument("--threshold", type=_probability, default=DEFAULT_THRESHOLD,
                            help=f"match probability that joins two records into one person ({DEFAULT_THRESHOLD})")
        parser.add_argument("--pair-threshold", type=_probability, default=DEFAULT_PAIR_THRESHOLD,
                            help=f"lowest probability written to pairs.csv ({DEFAULT_PAIR_THRESHOLD})")
        parser.add_argument("--explain", action="store_true", help="also write explanations.jsonl")
        parser.add_argument("--model", help="a trained model (JSON) to use instead of training on this file")
        parser.add_argument("--save-model", help="write the trained model (JSON) here")
        parser.add_argument("--index", help="write the intake index (a DuckDB file) here")
        parser.add_argument("--as-of-year", type=int, help="the year estimated ages refer to (default: this year)")
        parser.add_argument("--lenient-dates", action="store_true",
                            help="treat unreadable dates and ages as empty instead of refusing the file")
        parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit; spills to disk beyond it")
        parser.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
        parser.add_argument("--seed", type=int, default=42, help="seed of the random sampling of pairs")

    def handle(self, *args, **opts):
        started = time.monotonic()
        out = Path(opts["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(_("Folder keluaran tidak dapat dibuat: %(path)s (%(reason)s)") % {
                "path": out, "reason": exc.strerror or exc}) from None
        options = LinkOptions(threshold=opts["threshold"], pair_threshold=opts["pair_threshold"],
                              as_of_year=opts["as_of_year"], memory_limit=opts["memory_limit"],
                              threads=opts["threads"], seed=opts["seed"])
        model_path = opts["model"]
        if model_path and not Path(model_path).is_file():
            raise CommandError(_("Model tidak ada: %(path)s") % {"path": model_path})
        try:
            prepared = prepare_file(opts["records"], as_of_year=opts["as_of_year"],
                                    lenient_dates=opts["lenient_dates"])
            if prepared.num_rows == 0:
                raise CommandError(_("Berkas tidak berisi satu catatan pun."))
            if prepared.num_rows == 1:
                raise CommandError(_("Hanya satu catatan: tidak ada yang dapat ditautkan."))
            result = link(prepared, options, trained_model=model_path)
            clusters = out / "clusters.csv"
            pairs = out / "pairs.csv"
            result.con.sql(f"SELECT record_id, cluster_id FROM ({result.clusters_sql()})").write_csv(
                str(clusters), header=True)
            result.con.sql(f"SELECT record_id_l, record_id_r, match_probability FROM ({result.pairs_sql()})"
                           ).write_csv(str(pairs), header=True)
            if opts["explain"]:
                with (out / "explanations.jsonl").open("w", encoding="utf-8") as fh:
                    for explanation in result.explanations():
                        fh.write(json.dumps(explanation.as_dict(), ensure_ascii=False) + "\n")
            if opts["save_model"]:
                Path(opts["save_model"]).write_text(json.dumps(result.model_json(), indent=1), encoding="utf-8")
            if opts["index"]:
                result.save_index(opts["index"])
            summary = result.summary()
        except InputError as exc:
            raise CommandError(self._problems(exc)) from None
        except CommandError:
            raise
        except OSError as exc:
            raise CommandError(_("Berkas tidak dapat ditulis: %(reason)s") % {"reason": exc}) from None
        except Exception as exc:  # noqa: BLE001 - a clear message, never a traceback (e.g. a model that does not fit)
            raise CommandError(_("Penautan gagal: %(reason)s") % {"reason": exc}) from None
        self._summary(summary, out, time.monotonic() - started)

    def _problems(self, exc: InputError) -> str:
        lines = [_("Berkas tidak dapat ditautkan:")]
        for p in exc.problems:
            where = _("baris %(line)s") % {"line": p.line} if p.line else ""
            column = p.column or ""
            prefix = ", ".join(x for x in (where, column) if x)
            lines.append(f"  {prefix}: {p.message}" if prefix else f"  {p.message}")
        return "\n".join(lines)

    def _summary(self, s: dict, out: Path, seconds: float) -> None:
        w = self.stdout.write
        w(_("%(records)s catatan → %(persons)s orang (%(shared)s catatan berbagi orang dengan catatan lain; "
            "kelompok terbesar %(largest)s catatan).") % {
            "records": s["records"], "persons": s["persons"], "shared": s["records_in_shared_clusters"],
            "largest": s["largest_cluster"]})
        w(_("%(linked)s pasangan tertaut (peluang ≥ %(threshold)s); %(review)s pasangan perlu diperiksa "
            "(peluang %(low)s sampai %(threshold)s).") % {
            "linked": s["pairs_linked"], "threshold": s["threshold"], "review": s["pairs_to_review"],
            "low": s["pair_threshold"]})
        w(_("Ditulis: %(clusters)s, %(pairs)s (%(seconds).1f detik).") % {
            "clusters": out / "clusters.csv", "pairs": out / "pairs.csv", "seconds": seconds})
