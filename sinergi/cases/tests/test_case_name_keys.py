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


def _seq_scans_of_cases(cursor) -> int:
    cursor.execute("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'cases_case'")
    row = cursor.fetchone()
    return row[0] if row else 0


def test_a_name_key_written_after_the_cases_grew_does_not_read_every_case():
    """PostgreSQL keeps a PL/pgSQL statement's plan for the session and, after five calls, may keep a generic one
    chosen for the tables as they were: a session that first wrote name keys while ``cases_case`` was empty went
    on reading the whole table for every name key written later (an import of 100,000 rows: more than ten
    minutes). Counted here by the sequential scans of ``cases_case`` in this transaction."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans a trigger's statements on every run")
    agency = AgencyFactory()
    persons = [PersonFactory(full_name=f"Orang Uji {i}") for i in range(12)]
    with connection.cursor() as cur:
        cur.execute("ANALYZE cases_case")  # the statistics of an empty table, as after a new instance's migrate
        cur.execute("ANALYZE people_namekey")
        # More than five writes while there are no cases: the generic plan is chosen then.
        for i, person in enumerate(persons[:8]):
            NameKey.objects.create(person=person, key=f"k{i}", form=f"k{i}")
        first = CaseFactory(lead_agency=agency, survivor=persons[8])
        # The cases table grows (5,000 cases of one survivor, copied in one statement).
        cur.execute("INSERT INTO cases_case SELECT (jsonb_populate_record(NULL::cases_case, to_jsonb(c) || "
                    "jsonb_build_object('id', gen_random_uuid(), 'reference', c.reference || '-' || g, "
                    "'external_id', NULL))).* FROM cases_case c, generate_series(1, 5000) g WHERE c.id = %s",
                    [first.pk])
        before = _seq_scans_of_cases(cur)
        for i, person in enumerate(persons[9:]):
            NameKey.objects.create(person=person, key=f"n{i}", form=f"n{i}")
        NameKey.objects.create(person=persons[8], key="survivor", form="survivor")
        assert _seq_scans_of_cases(cur) == before
    assert CaseNameKey.objects.filter(key="survivor").count() == 5001  # each copy got the new key as well
