"""The linkage engine on small generated lists with known truth (fixed seeds: deterministic).

Tests that train a model are marked slow: Splink runs a few dozen SQL passes per training however small the list.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest

from sinergi.linkage import model, synthetic
from sinergi.linkage.engine import LinkOptions, link
from sinergi.linkage.index import LinkageIndex
from sinergi.linkage.records import InputError, prepare

SMALL = LinkOptions(u_max_pairs=1e5, seed=1, as_of_year=2026)


def same_person_pairs(groups) -> set[tuple[str, str]]:
    return {pair for g in groups for pair in itertools.combinations(sorted(g), 2)}


def precision_recall(clusters: dict[str, str], truth: dict[str, int]) -> tuple[float, float]:
    predicted, actual = defaultdict(list), defaultdict(list)
    for rid, cid in clusters.items():
        predicted[cid].append(rid)
    for rid, pid in truth.items():
        actual[pid].append(rid)
    p, t = same_person_pairs(predicted.values()), same_person_pairs(actual.values())
    hits = len(p & t)
    return hits / max(1, len(p)), hits / max(1, len(t))


@pytest.fixture(scope="module")
def linked():
    rows, truth = synthetic.generate(900, seed=11, as_of_year=2026)
    return rows, truth, link(rows, SMALL)


@pytest.mark.slow
def test_clusters_have_high_precision_and_recall_on_a_generated_list(linked):
    rows, truth, result = linked
    clusters = dict(zip(result.clusters().column("record_id").to_pylist(),
                        result.clusters().column("cluster_id").to_pylist()))
    assert set(clusters) == {r["record_id"] for r in rows}  # every record, once
    precision, recall = precision_recall(clusters, truth)
    assert precision >= 0.95, precision
    assert recall >= 0.70, recall


@pytest.mark.slow
def test_pairs_are_ordered_probabilities_above_the_pair_threshold(linked):
    _, _, result = linked
    pairs = result.pairs().to_pylist()
    assert pairs, "some pairs"
    probabilities = [p["match_probability"] for p in pairs]
    assert probabilities == sorted(probabilities, reverse=True)
    assert min(probabilities) >= SMALL.pair_threshold and max(probabilities) <= 1
    assert all(p["record_id_l"] != p["record_id_r"] for p in pairs)
    summary = result.summary()
    assert summary["records"] == 900
    assert summary["pairs_reported"] == len(pairs)
    assert summary["pairs_linked"] + summary["pairs_to_review"] == len(pairs)


@pytest.mark.slow
def test_each_match_is_explained_field_by_field(linked):
    _, truth, result = linked
    best = result.pairs().to_pylist()[0]
    explanation = result.explain(best["record_id_r"], best["record_id_l"])  # either order
    assert explanation.match_probability == pytest.approx(best["match_probability"])
    assert [f.field for f in explanation.fields] == ["name", "sex", "birth", "origin", "passport", "phone"]
    total = explanation.prior_weight + sum(f.match_weight for f in explanation.fields)
    assert total == pytest.approx(explanation.match_weight, abs=0.01)  # the weights add up to the score
    agreeing = [f for f in explanation.fields if f.agreement > 0]
    assert agreeing and all(f.match_weight > 0 for f in agreeing if f.level.startswith("same"))
    assert result.explain("r-none", "r-other") is None


@pytest.mark.slow
def test_common_names_weigh_less_than_rare_ones(linked):
    _, _, result = linked
    weights = {}
    for e in result.explanations(min_probability=0.0):
        name = e.fields[0]
        if name.level == "same names (any order)":
            key = result.con.sql(f"SELECT name_key FROM records WHERE unique_id = '{e.record_id_l}'").fetchall()[0][0]
            weights.setdefault(key, name.match_weight)
    common = [w for k, w in weights.items() if k in ("siti", "sri", "nur", "muhammad", "muhamad")]
    rare = [w for k, w in weights.items() if " " in k]
    assert common and rare
    assert max(common) < min(rare)


@pytest.mark.slow
def test_the_same_records_give_the_same_clusters(linked):
    rows, _, result = linked
    again = link(rows, SMALL)
    assert again.clusters().equals(result.clusters())


@pytest.mark.slow
def test_a_trained_model_links_without_training_again(linked, tmp_path):
    rows, truth, result = linked
    again = link(rows[:300], SMALL, trained_model=result.model_json())
    clusters = dict(zip(again.clusters().column("record_id").to_pylist(),
                        again.clusters().column("cluster_id").to_pylist()))
    precision, _ = precision_recall(clusters, {k: v for k, v in truth.items() if k in clusters})
    assert precision >= 0.95


@pytest.mark.slow
def test_one_new_record_is_checked_against_the_linked_set(linked, tmp_path):
    rows, truth, result = linked
    path = tmp_path / "persons.duckdb"
    result.save_index(path)
    index = LinkageIndex(path)
    try:
        by_person = defaultdict(list)
        for r in rows:
            by_person[truth[r["record_id"]]].append(r)
        person, records = next((p, rs) for p, rs in by_person.items() if len(rs) >= 3)
        new = dict(records[0], record_id="new-1")
        found = index.candidates(new)
        assert found, "its own person is found"
        assert found[0].match_probability >= 0.9
        assert truth[found[0].record_id] == person
        assert {truth[c.record_id] for c in found[:2]} == {person}
        assert found[0].explanation.fields[0].field == "name"
        stranger = {"record_id": "new-2", "full_name": "Xylophon Qwertz", "sex": "m", "date_of_birth": "1901-01-01"}
        assert index.candidates(stranger) == []
        with pytest.raises(InputError):
            index.candidates({"full_name": "Siti", "date_of_birth": "kemarin"})
    finally:
        index.close()


def test_intake_keys_are_the_batch_keys():
    rows, _ = synthetic.generate(400, seed=5, as_of_year=2026)
    from sinergi.linkage.engine import build_features, connect

    con = connect(LinkOptions())
    prepared = prepare(rows, as_of_year=2026)
    build_features(con, prepared, max_block_size=10**9)
    freq = dict(con.sql("SELECT token, count(*) FROM (SELECT unnest(name_tokens) AS token FROM records) "
                        "GROUP BY token").fetchall())
    for row in con.sql("SELECT * FROM records").to_arrow_table().to_pylist():
        rare, rares, keys = model.keys_for(row, freq)
        assert rare == row["name_rare"] and rares == row["name_rares"]
        expected = [f"{n}={row[n]}" for n in model.BLOCKING_KEYS if row[n] is not None]
        expected += sorted({f"{n}={v}" for n in model.EXPLODED_KEYS for v in row[n]})
        assert keys == expected


def test_very_common_key_values_are_not_blocked_on():
    rows = [{"record_id": f"r{i}", "full_name": "Siti", "phone": "0812 1111 2222", "sex": "P"} for i in range(30)]
    rows += [{"record_id": "x1", "full_name": "Wartini Sulastri", "phone": "0813 9999 0000"},
             {"record_id": "x2", "full_name": "Wartini Sulastri", "phone": "0813 9999 0000"}]
    from sinergi.linkage.engine import build_features, connect

    con = connect(LinkOptions())
    build_features(con, prepare(rows), max_block_size=10)
    siti = con.sql("SELECT bk_name, bk_phone FROM records WHERE unique_id = 'r1'").fetchall()[0]
    wartini = con.sql("SELECT bk_name, bk_phone FROM records WHERE unique_id = 'x1'").fetchall()[0]
    assert siti == (None, None)  # 30 records share them: over the limit of 10
    assert wartini == ("sulastri wartini", "6281399990000")


def _blocked_pairs(rows, window=model.SORTED_WINDOW):
    from sinergi.linkage.engine import build_features, connect

    con = connect(LinkOptions())
    build_features(con, prepare(rows, as_of_year=2026), max_block_size=10**9)
    con.execute(f"CREATE TABLE record_keys AS {model.keys_table_sql('records')}")
    return con.sql(model.blocked_pairs_sql("record_keys", window)).fetchall()


def test_a_value_few_records_share_compares_every_pair():
    rows = [{"record_id": f"r{i}", "full_name": "Wartini Sulastri", "date_of_birth": f"199{i}-01-0{i + 1}"}
            for i in range(5)]
    pairs = {(left, right) for _, left, right in _blocked_pairs(rows)}
    assert pairs == set(itertools.combinations(sorted(r["record_id"] for r in rows), 2))


def test_a_common_value_compares_each_record_with_its_neighbours_only():
    # 60 people called Siti: every pair would be 1,770; the window keeps it to about 60 x 10, and the two records
    # of one person (same name, same date) lie side by side in the name's order and are compared.
    rows = [{"record_id": f"s{i:02}", "full_name": "Siti", "date_of_birth": f"{1960 + i}-03-04"} for i in range(60)]
    rows.append({"record_id": "s99", "full_name": "SITI", "date_of_birth": "1990-03-04"})  # the same as s30
    pairs = _blocked_pairs(rows)
    by_name = [(left, right) for rule, left, right in pairs if rule == "0"]
    assert len(by_name) <= 61 * model.SORTED_WINDOW
    assert len({tuple(sorted(p)) for p in by_name}) == len(by_name)  # each pair once
    assert ("s30", "s99") in {(left, right) for _, left, right in pairs}
    assert all(left < right for _, left, right in pairs)
    # A wider window compares more of the block, never fewer.
    assert len(_blocked_pairs(rows, window=30)) > len(pairs)


def test_one_record_is_never_paired_with_itself():
    # Two tokens of one name with the same beginning give one key value ("sit|3201" twice).
    rows = [{"record_id": f"r{i}", "full_name": "Siti Sitiawati", "origin_village": "32.01.01.2001"}
            for i in range(3)]
    assert all(left != right for _, left, right in _blocked_pairs(rows))


@pytest.mark.slow
def test_a_long_list_trains_on_a_sample_and_links_as_well():
    rows, truth = synthetic.generate(1500, seed=13, as_of_year=2026)
    whole = link(rows, SMALL)
    sampled = link(rows, LinkOptions(u_max_pairs=1e5, seed=1, as_of_year=2026, training_sample=700))
    assert "train_prior_all" in sampled.timings and "train_prior_all" not in whole.timings

    def score(result):
        table = result.clusters()
        return precision_recall(dict(zip(table.column("record_id").to_pylist(),
                                         table.column("cluster_id").to_pylist())), truth)

    (p_whole, r_whole), (p_sample, r_sample) = score(whole), score(sampled)
    assert p_sample >= 0.97 and r_sample >= 0.7
    assert abs(r_sample - r_whole) <= 0.05
    # The prior is the whole list's: the same as when every record trained.
    assert sampled.linker._settings_obj._probability_two_random_records_match == pytest.approx(
        whole.linker._settings_obj._probability_two_random_records_match, rel=1e-9)


@pytest.mark.slow
def test_a_family_name_in_common_or_alike_is_its_own_finding():
    rows, _ = synthetic.generate(600, seed=17, as_of_year=2026)
    place, born = "32.01.01.2001", "1991-07-08"  # shared, so that the pairs are compared
    rows += [{"record_id": "g1", "full_name": "Brooke Green", "date_of_birth": born, "origin_village": place},
             {"record_id": "g2", "full_name": "Rebekah Green", "date_of_birth": born, "origin_village": place},
             {"record_id": "f1", "full_name": "Ethan Fitzpatrick", "date_of_birth": born, "origin_village": place},
             {"record_id": "f2", "full_name": "Caleb Fitzpagrick", "date_of_birth": born, "origin_village": place},
             # Sorted, both names begin "clarke ": alike to Jaro-Winkler, yet not a typo of each other.
             {"record_id": "k1", "full_name": "Kyle Clarke", "date_of_birth": born, "origin_village": place},
             {"record_id": "k2", "full_name": "Leah Clarke", "date_of_birth": born, "origin_village": place},
             # Written for comparison, "dikson luke" and "dikson fube" are two letters apart: still not a typo.
             {"record_id": "d1", "full_name": "Luke Dixon", "date_of_birth": born, "origin_village": place},
             {"record_id": "d2", "full_name": "Phoebe Dixon", "date_of_birth": born, "origin_village": place},
             {"record_id": "b1", "full_name": "Brooke Burford", "date_of_birth": born, "origin_village": place},
             {"record_id": "b2", "full_name": "Brooe Burford", "date_of_birth": born, "origin_village": place}]
    result = link(rows, LinkOptions(u_max_pairs=1e5, seed=1, as_of_year=2026, pair_threshold=0.0))
    name_level = {pair: next(f.level for f in result.explain(*pair).fields if f.field == "name")
                  for pair in (("g1", "g2"), ("f1", "f2"), ("g1", "f1"), ("k1", "k2"), ("d1", "d2"), ("b1", "b2"))}
    assert name_level[("g1", "g2")] == "a name in common"
    assert name_level[("f1", "f2")] == "a name alike"
    assert name_level[("g1", "f1")] not in {"a name in common", "a name alike"}
    assert name_level[("k1", "k2")] == "a name in common"
    assert name_level[("d1", "d2")] == "a name in common"
    assert name_level[("b1", "b2")] == "names alike (a typo)"
