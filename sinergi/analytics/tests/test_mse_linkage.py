"""Linkage uncertainty carried into the estimate: records, candidate pairs with probabilities, clusters."""

from __future__ import annotations

import numpy as np
import pytest

from sinergi.analytics.mse import estimate_with_linkage, link
from sinergi.analytics.mse.simulate import Scenario, draw_table


def population(seed: int = 1):
    """Records of a simulated population on three lists, with the true person of every record."""
    rng = np.random.default_rng(seed)
    table = draw_table(Scenario("s", 3000, (0.3, 0.25, 0.2)), rng)
    records, person_of = [], {}
    person = 0
    for mask in range(1, 8):
        for _ in range(int(table.counts[mask])):
            for j, name in enumerate("ABC"):
                if mask >> j & 1:
                    rid = f"{name}{len(records)}"
                    records.append((rid, name))
                    person_of[rid] = person
            person += 1
    return table, records, person_of


def true_pairs(records, person_of):
    by_person = {}
    for rid, _name in records:
        by_person.setdefault(person_of[rid], []).append(rid)
    pairs = []
    for rids in by_person.values():
        pairs += [(a, b) for i, a in enumerate(rids) for b in rids[i + 1 :]]
    return pairs


def test_the_given_clusters_rebuild_the_true_table():
    table, records, person_of = population()
    pairs = [(a, b, 0.9) for a, b in true_pairs(records, person_of)]
    linked = link(records, pairs, clusters={rid: person_of[rid] for rid, _ in records})
    assert linked.clustered().tolist() == table.counts.tolist()


def test_certain_pairs_give_no_linkage_spread():
    table, records, person_of = population()
    pairs = [(a, b, 1.0) for a, b in true_pairs(records, person_of)]
    pairs += [(records[0][0], records[-1][0], 0.0)]  # a reviewed rejection
    result = estimate_with_linkage(link(records, pairs), draws=5, replicates_per_draw=10, replicates=100)
    lo, mid, hi = result.spread()
    assert lo == mid == hi == pytest.approx(result.estimate.total)


def test_uncertain_matches_widen_the_estimate_and_shift_it_the_expected_way():
    table, records, person_of = population()
    rng = np.random.default_rng(4)
    # True matches found with probability 0.7 only: some draws miss them, the lists look less overlapping
    # and the total goes up; wrong candidate pairs at 0.05 rarely join different people.
    pairs = [(a, b, 0.7) for a, b in true_pairs(records, person_of)]
    ids = [rid for rid, _ in records]
    pairs += [(ids[i], ids[j], 0.05) for i, j in rng.integers(0, len(ids), size=(200, 2)) if i != j]
    clusters = {rid: person_of[rid] for rid in ids}
    result = estimate_with_linkage(
        link(records, pairs, clusters), draws=40, replicates_per_draw=10, replicates=200
    )
    lo, mid, hi = result.spread()
    assert hi > lo
    assert mid > result.estimate.total  # missed links inflate the estimate, as the caveat says
    combined = result.combined()
    assert combined.upper - combined.lower > result.estimate.interval.upper - result.estimate.interval.lower
    document = result.as_dict()
    assert document["linkage"]["draws"] == 40 and document["linkage"]["failed_draws"] == 0


def test_a_cluster_joined_without_any_candidate_pair_stays_joined():
    records = [("a1", "A"), ("b1", "B"), ("a2", "A"), ("c2", "C"), ("b3", "B"), ("c3", "C"), ("a4", "A")]
    linked = link(
        records,
        [("b3", "c3", 0.5)],
        clusters={"a1": "p1", "b1": "p1", "a2": "p2", "c2": "p2", "b3": "p3", "c3": "p3"},
    )
    for accepted in (np.array([False]), np.array([True])):
        counts = linked.table(accepted)
        assert counts[0b011] == 1 and counts[0b101] == 1  # a1+b1 and a2+c2 in every draw
    assert linked.table(np.array([True]))[0b110] == 1
    assert linked.table(np.array([False]))[0b010] == 1 and linked.table(np.array([False]))[0b100] == 1
