"""``CaseNameKey`` (the survivors' name keys of the cases, with their lead agency) is kept by the database: after
every kind of write it holds exactly the cases' survivors' name keys, with each case's lead agency."""

import pytest

from sinergi.agencies.tests.factories import AgencyFactory
from sinergi.cases.models import Case, CaseNameKey
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.models import NameKey
from sinergi.people.services import person_refresh_name_keys
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def expected() -> set[tuple]:
    return {(case_id, agency_id, key, form)
            for case_id, agency_id, person_id in Case.objects.values_list("pk", "lead_agency_id", "survivor_id")
            for key, form in NameKey.objects.filter(person_id=person_id).values_list("key", "form")}


def kept() -> set[tuple]:
    rows = list(CaseNameKey.objects.values_list("case_id", "lead_agency_id", "key", "form"))
    assert len(rows) == len(set(rows))
    return set(rows)


def test_case_name_keys_follow_every_write():
    home, other = AgencyFactory(), AgencyFactory()
    siti, budi = PersonFactory(full_name="Siti Aminah"), PersonFactory(full_name="Budi Santoso")
    first = CaseFactory(lead_agency=home, survivor=siti)
    second = CaseFactory(lead_agency=home, survivor=siti)  # a survivor with two cases
    CaseFactory(lead_agency=other, survivor=budi)
    assert kept() == expected() and {k for _, _, k, _ in kept()}
    assert {(c, a) for c, a, _, _ in kept()} >= {(first.pk, home.pk), (second.pk, home.pk)}

    siti.full_name = "Siti Nurhaliza"  # renamed: a key deleted, another written
    siti.save()
    person_refresh_name_keys(siti)
    assert kept() == expected()
    assert any(f.startswith("nurhal") for c, _, _, f in kept() if c == first.pk)

    first.lead_agency = other  # another lead agency
    first.save()
    assert kept() == expected()
    assert all(a == other.pk for c, a, _, _ in kept() if c == first.pk)

    Case.objects.filter(pk=second.pk).update(survivor=budi)  # another survivor (as a merge of persons does)
    assert kept() == expected()

    NameKey.objects.filter(person=budi).update(form="bud")  # a key's spelling changed in place
    assert kept() == expected()

    NameKey.objects.filter(person=budi).delete()
    assert kept() == expected()

    Case.objects.filter(pk=first.pk).delete()
    assert kept() == expected()
    assert not CaseNameKey.objects.filter(case_id=first.pk).exists()
