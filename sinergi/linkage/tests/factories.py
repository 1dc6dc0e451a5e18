"""Factories for linkage tests: a candidate pair between two persons."""

from __future__ import annotations

from sinergi.linkage.models import MatchPair


def pair_of(a, b, probability: float = 0.8) -> MatchPair:
    left, right = sorted((a, b), key=lambda p: str(p.pk))
    explanation = {"record_id_l": str(left.pk), "record_id_r": str(right.pk), "match_probability": probability,
                   "match_weight": 2.0, "prior_weight": -10.0,
                   "fields": [{"field": "name", "level": "same names (any order)", "agreement": 4,
                               "match_weight": 9.5},
                              {"field": "birth", "level": "day and month swapped", "agreement": 2,
                               "match_weight": 3.25},
                              {"field": "phone", "level": "missing", "agreement": -1, "match_weight": 0.0}]}
    return MatchPair.objects.create(person_l=left, person_r=right, probability=probability, explanation=explanation)
