"""Name keys: spellings of one Indonesian name share a key, different names do not."""

import pytest

from sinergi.people import names


@pytest.mark.parametrize("a, b", [
    ("Soekarno", "Sukarno"), ("Djoko", "Joko"), ("Tjahjo", "Cahyo"), ("Soejono", "Suyono"), ("Wahju", "Wahyu"),
    ("Mochamad", "Muhammad"), ("Muhamad", "Muhammad"), ("Mohammad", "Muhammad"), ("Fatimah", "Fatima"),
    ("Khairul", "Hairul"), ("Ikhsan", "Ihsan"), ("Usman", "Osman"), ("Rizki", "Rezky"), ("Syarifah", "Sarifa"),
    ("Zainal", "Sainal"), ("Nyoman", "Njoman"), ("Jusuf", "Yusuf"), ("Juliani", "Yuliani"), ("Rijadi", "Riyadi"),
    ("Setyo", "Setijo"),
])
def test_variants_share_a_key(a, b):
    assert names.key(names.tokens(a)[0]) == names.key(names.tokens(b)[0])


@pytest.mark.parametrize("a, b", [("Joko", "Jaka" + "rta"), ("Siti", "Sari"), ("Budi", "Bayu"), ("Rina", "Rini" + "s"),
                                  ("Siti", "Setyo"), ("Siti", "Sigit")])
def test_different_names_differ(a, b):
    assert names.key(a.lower()) != names.key(b.lower())


def test_tokens_fold_accents_and_drop_punctuation():
    assert names.tokens("Ni Luh Putu Ayu-Dewi, S.Pd.") == ["ni", "luh", "putu", "ayu", "dewi", "s", "pd"]
    assert names.tokens("Ánh Nguyễn") == ["anh", "nguyen"]


def test_keys_for_skips_single_letters_and_merges_aliases():
    keys = names.keys_for("Siti A. Rahma", "Ina")
    assert keys == {"st", "rhm", "an"}
    assert names.query_keys("  ") == []


def test_entries_pair_each_key_with_todays_spelling():
    assert names.entries_for("Jusuf Soetjipto") == {("ysf", "yusuf"), ("scpt", "sucipto")}
    assert names.query_terms("Siti nur") == [("st", "siti"), ("nr", "nur")]
