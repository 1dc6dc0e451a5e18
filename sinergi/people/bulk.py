"""Bulk writes for persons, for imports: many persons with their aliases and name keys in a few INSERTs.

The caller has validated every value by the rules of ``services.validate_person_fields`` (imports check
against preloaded code sets instead of one query per field), calls this inside its transaction and writes
the audit rows (an import writes one per case, naming the survivor).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from django.db import transaction

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require

from . import names
from .enums import Sex
from .models import NameKey, Person, PersonAlias


@dataclass(slots=True)
class NewPerson:
    full_name: str
    sex: str = Sex.UNKNOWN
    date_of_birth: dt.date | None = None
    estimated_age: int | None = None
    citizenship_id: str | None = None
    origin_village_id: str | None = None  # a village code, already checked to exist
    deceased: bool = False
    aliases: list[str] = field(default_factory=list)


@transaction.atomic
def persons_bulk_create(*, actor, agency_id, people: Sequence[NewPerson], batch_size: int = 2000) -> list[Person]:
    """Insert ``people`` (in order) with aliases and name keys; returns the saved persons in the same order."""
    require(actor, Cap.CASE_IMPORT, agency_id)
    persons: list[Person] = []
    aliases: list[PersonAlias] = []
    keys: list[NameKey] = []
    entries_for = names.entries_for
    for p in people:
        village = p.origin_village_id
        person = Person(
            full_name=p.full_name, sex=p.sex or Sex.UNKNOWN, date_of_birth=p.date_of_birth,
            estimated_age=p.estimated_age, citizenship_id=p.citizenship_id, origin_village_id=village,
            origin_province_id=village[:2] if village else None, origin_regency_id=village[:5] if village else None,
            deceased=p.deceased,
        )
        persons.append(person)
        pid = person.pk
        for alias in p.aliases:
            aliases.append(PersonAlias(person_id=pid, name=alias))
        for k, f in entries_for(p.full_name, *p.aliases):
            keys.append(NameKey(person_id=pid, key=k, form=f))
    Person.objects.bulk_create(persons, batch_size=batch_size)
    PersonAlias.objects.bulk_create(aliases, batch_size=batch_size)
    NameKey.objects.bulk_create(keys, batch_size=batch_size)
    return persons


def aliases_of(person_ids: Iterable) -> dict:
    """Person id -> alias names, for many persons in one query (exports)."""
    result: dict = defaultdict(list)
    for pid, name in PersonAlias.objects.filter(person_id__in=list(person_ids)).order_by("created_at", "name") \
            .values_list("person_id", "name"):
        result[pid].append(name)
    return result
