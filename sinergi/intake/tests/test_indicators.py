"""The ILO/EC Delphi rule per dimension and the suggested victim status."""

import pytest

from sinergi.intake import indicators

D = indicators.delphi_by_key()


def items(dimension: str, strong: int = 0, medium: int = 0, weak: int = 0) -> list[str]:
    """Keys of ``strong``/``medium``/``weak`` items of one dimension (the data must have enough of each)."""
    chosen: list[str] = []
    for strength, n in (("strong", strong), ("medium", medium), ("weak", weak)):
        pool = [i.key for i in indicators.delphi_items() if i.dimension == dimension and i.strength == strength]
        assert len(pool) >= n, f"{dimension} has only {len(pool)} {strength} items"
        chosen += pool[:n]
    return chosen


def test_data_loaded():
    assert [i.key for i in indicators.ilo_indicators()] == [str(n) for n in range(1, 12)]
    assert indicators.dimensions() == [
        "deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability",
        "exploitative_conditions", "coercion_at_destination", "destination_abuse_of_vulnerability",
    ]
    assert {i.strength for i in indicators.delphi_items()} == {"strong", "medium", "weak"}
    assert len(D) == len(indicators.delphi_items())  # keys are unique


@pytest.mark.parametrize("strengths, positive", [
    (["strong", "strong"], True),
    (["strong", "medium"], True),
    (["strong", "weak"], True),
    (["medium", "medium", "medium"], True),
    (["medium", "medium", "weak"], True),
    (["strong"], False),
    (["medium", "medium"], False),
    (["medium", "weak"], False),
    (["weak", "weak", "weak"], False),
    (["medium", "weak", "weak"], False),
    ([], False),
])
def test_dimension_rule(strengths, positive):
    assert indicators.dimension_positive(strengths) is positive


@pytest.mark.parametrize("dimension, counts, positive", [
    ("coercion_at_destination", {"strong": 2}, True),
    ("deceptive_recruitment", {"strong": 1, "medium": 1}, True),
    ("deceptive_recruitment", {"strong": 1, "weak": 1}, True),
    ("exploitative_conditions", {"medium": 3}, True),
    ("recruitment_abuse_of_vulnerability", {"medium": 2, "weak": 1}, True),
    ("deceptive_recruitment", {"strong": 1}, False),
    ("exploitative_conditions", {"medium": 2}, False),
    ("destination_abuse_of_vulnerability", {"medium": 1, "weak": 2}, False),
])
def test_assess_per_dimension_with_real_items(dimension, counts, positive):
    result = indicators.assess([], items(dimension, **counts))
    assert (dimension in result.positive_dimensions) is positive
    assert len(result.positive_dimensions) == (1 if positive else 0)


def test_items_of_different_dimensions_do_not_add_up():
    # One strong item in each of two dimensions: neither dimension is positive.
    keys = items("deceptive_recruitment", strong=1) + items("exploitative_conditions", strong=1)
    assert indicators.assess([], keys).positive_dimensions == ()


def test_actual_victim_needs_recruitment_exploitation_and_coercion():
    keys = (items("deceptive_recruitment", strong=1, medium=1) + items("exploitative_conditions", medium=3)
            + items("coercion_at_destination", strong=2))
    result = indicators.assess(["2", "9"], keys)
    assert result.recruitment and result.exploitation and result.coercion
    assert result.suggested_status == "ActualVictimOfTrafficking"
    assert result.ilo_count == 2


@pytest.mark.parametrize("missing", ["recruitment", "exploitation", "coercion"])
def test_two_of_three_elements_is_possible_victim(missing):
    parts = {
        "recruitment": items("coercive_recruitment", strong=1, medium=1),
        "exploitation": items("exploitative_conditions", strong=1, weak=1),
        "coercion": items("destination_abuse_of_vulnerability", medium=2, weak=1),
    }
    keys = [k for name, ks in parts.items() if name != missing for k in ks]
    result = indicators.assess([], keys)
    assert not getattr(result, missing)
    assert result.suggested_status == "PossibleVictimOfTrafficking"


def test_any_indicator_without_positive_dimension_is_possible_and_nothing_is_not_a_victim():
    assert indicators.assess(["3"], []).suggested_status == "PossibleVictimOfTrafficking"
    assert indicators.assess([], items("exploitative_conditions", medium=1)).suggested_status == \
        "PossibleVictimOfTrafficking"
    assert indicators.assess([], []).suggested_status == "NotAVictimOfTrafficking"


def test_validate_keys_names_the_unknown_ones():
    errors = indicators.validate_keys(["1", "12", "0"], ["deceptive_recruitment.nope", next(iter(D))])
    assert "12" in errors["ilo_indicators"][0] and "0" in errors["ilo_indicators"][0]
    assert "deceptive_recruitment.nope" in errors["delphi_items"][0]
    assert indicators.validate_keys(["11"], [next(iter(D))]) == {}
