"""Keyed Bloom-filter encodings: the same person across spellings scores high, different persons low; without
the key the encodings do not match; precision and recall on generated lists with known truth."""

from __future__ import annotations

import itertools

import pytest

from sinergi.linkage import synthetic
from sinergi.linkage.clk import ClkEncoder, best_matches, dice

KEY = b"kunci-bersama-indonesia-kamboja-2026"


def test_spelling_variants_of_one_person_score_above_different_persons():
    enc = ClkEncoder(KEY)
    a = enc.encode({"full_name": "Sjarifuddin Tjahjono", "sex": "L", "date_of_birth": "1990-03-04"})
    b = enc.encode({"full_name": "CAHYONOSYARIFUDDIN", "sex": "M", "date_of_birth": "1990-04-03"})
    c = enc.encode({"full_name": "Siti Aminah", "sex": "P", "date_of_birth": "1990-03-04"})
    assert dice(a, b) >= 0.85
    assert dice(a, c) < 0.5
    assert dice(a, a) == 1.0 and dice(0, 0) == 0.0


def test_another_key_gives_unrelated_encodings():
    record = {"full_name": "Sri Wahyuni", "sex": "F", "date_of_birth": "2001-07-12"}
    mine, theirs = ClkEncoder(KEY).encode(record), ClkEncoder(b"kunci-lain-yang-tidak-disepakati").encode(record)
    assert dice(mine, theirs) < 0.4


def test_text_form_round_trips_and_refuses_bad_input():
    enc = ClkEncoder(KEY)
    clk = enc.encode({"full_name": "Muhammad Rizki"})
    assert enc.from_text(enc.to_text(clk)) == clk
    with pytest.raises(ValueError):
        enc.from_text("AAAA")
    with pytest.raises(ValueError):
        ClkEncoder(b"pendek")


def test_precision_and_recall_on_generated_lists():
    """Two instances' lists from one generated population: each record of one side is asked of the other."""
    rows, truth = synthetic.generate(1200, seed=21, as_of_year=2026)
    enc = ClkEncoder(KEY)
    clks = {r["record_id"]: enc.encode(r) for r in rows}
    ids = list(clks)
    hits = predicted = 0
    for a, b in itertools.combinations(ids, 2):
        if dice(clks[a], clks[b]) >= 0.8:
            predicted += 1
            hits += truth[a] == truth[b]
    actual = sum(1 for a, b in itertools.combinations(ids, 2) if truth[a] == truth[b])
    precision, recall = hits / max(1, predicted), hits / max(1, actual)
    assert precision >= 0.9, precision
    assert recall >= 0.7, recall
    # The query form: one side's encodings against the other's, best candidate only.
    left = [r for r in rows if int(r["record_id"][1:]) % 2]
    right = {r["record_id"]: clks[r["record_id"]] for r in rows if not int(r["record_id"][1:]) % 2}
    found = best_matches([clks[r["record_id"]] for r in left], right)
    correct = sum(truth[left[m.query]["record_id"]] == truth[m.candidate] for m in found)
    assert found and correct / len(found) >= 0.9
