"""Filling a survivor's empty fields from the merged record and restoring them: origin as one place, the same
phone line written two ways is no conflict, a death is never copied."""

from __future__ import annotations

import datetime as dt

import pytest

from sinergi.people.merging import person_fields_fill, person_fields_restore
from sinergi.people.models import Person

from .factories import PersonFactory

pytestmark = pytest.mark.django_db


def _bare(**kwargs) -> Person:
    empty = {"sex": "NonSpecifiedUnknown", "estimated_age": None, "citizenship_id": None, "origin_village_id": None,
             "origin_regency_id": None, "origin_province_id": None, "phone": "", "address": ""}
    return PersonFactory(**{**empty, **kwargs})


def test_a_village_refines_a_known_province_and_is_restored():
    survivor = _bare(origin_province_id="53")
    merged = PersonFactory()  # village 53.01.04.2003
    record = person_fields_fill(survivor=survivor, merged=merged)
    survivor.refresh_from_db()
    assert (survivor.origin_village_id, survivor.origin_regency_id, survivor.origin_province_id) == \
        ("53.01.04.2003", "53.01", "53")
    assert record["filled"]["origin"]["before"] == {"origin_village_id": None, "origin_regency_id": None,
                                                    "origin_province_id": "53"}
    assert person_fields_restore(survivor=survivor, record=record)["restored"] == list(record["filled"])
    survivor.refresh_from_db()
    assert (survivor.origin_village_id, survivor.origin_regency_id, survivor.origin_province_id) == \
        (None, None, "53")


def test_another_province_is_a_conflict_and_a_coarser_origin_is_not():
    survivor = PersonFactory(origin_village_id="35.07.01.2001", origin_regency_id="35.07", origin_province_id="35")
    assert "origin" in person_fields_fill(survivor=survivor, merged=PersonFactory())["conflicts"]
    coarse = _bare(origin_province_id="35")
    record = person_fields_fill(survivor=survivor, merged=coarse)
    assert "origin" not in record["conflicts"] and "origin" not in record["filled"]


def test_one_phone_line_written_two_ways_is_no_conflict_and_a_death_is_not_copied():
    survivor = PersonFactory(phone="0812 3456 7890")
    merged = PersonFactory(phone="+62 812-3456-7890", deceased=True, date_of_birth=dt.date(2001, 5, 6))
    record = person_fields_fill(survivor=survivor, merged=merged)
    survivor.refresh_from_db()
    assert "phone" not in record["conflicts"] and record["conflicts"] == ["deceased"]
    assert survivor.deceased is False and survivor.date_of_birth == dt.date(2001, 5, 6)
    assert survivor.phone == "0812 3456 7890"


def test_nothing_to_fill_writes_nothing():
    survivor = PersonFactory(date_of_birth=dt.date(2000, 1, 2))
    updated = survivor.updated_at
    assert person_fields_fill(survivor=survivor, merged=_bare()) == {"filled": {}, "conflicts": []}
    survivor.refresh_from_db()
    assert survivor.updated_at == updated
