"""Identity-document numbers, contacts and addresses are encrypted at rest and looked up by keyed digests.

A copy of the database (a backup, a replica, a stolen disk) shows none of them; the application reads them as
before (masking and reveal are tested with the API and pages).
"""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.core import sealing
from sinergi.people import services
from sinergi.people.models import FamilyContact, IdentityDocument, Person
from sinergi.people.selectors import persons_with_document, persons_with_email, persons_with_phone
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NIK = "5301044107010001"
PHONE = "081234567890"


def raw(model, pk, column):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s",
                    [pk.hex if connection.vendor == "sqlite" else pk])
        return cur.fetchone()[0]


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def manager(agency):
    return user_with_role(Role.CASE_MANAGER, agency)


@pytest.fixture
def person(manager, agency):
    p = services.person_create(actor=manager, agency_id=agency.pk, data={
        "full_name": "Maria Goreti Seran", "phone": PHONE, "email": "Maria@Example.org",
        "address": "Jl. Timor Raya No. 7, RT 003/RW 002, Oesao"})
    services.document_add(actor=manager, person=p, agency_id=agency.pk, type="nik", number=NIK,
                          issuing_country="ID")
    services.family_contact_add(actor=manager, person=p, agency_id=agency.pk, name="Yohana Seran",
                                relationship="parent", phone="0813 1111 2222", address="Dusun II, Oesao")
    return p


def test_personal_fields_are_not_in_the_database_in_plain_text(person):
    doc = IdentityDocument.objects.get(person=person)
    contact = FamilyContact.objects.get(person=person)
    stored = {
        "phone": raw(Person, person.pk, "phone"), "email": raw(Person, person.pk, "email"),
        "address": raw(Person, person.pk, "address"), "number": raw(IdentityDocument, doc.pk, "number"),
        "contact phone": raw(FamilyContact, contact.pk, "phone"),
        "contact address": raw(FamilyContact, contact.pk, "address"),
    }
    for name, value in stored.items():
        assert value.startswith("sng1:"), name
    assert PHONE not in str(stored) and "Timor" not in str(stored) and NIK not in str(stored)
    assert "Oesao" not in str(stored) and "Example" not in str(stored)
    # Digests do not carry the value either.
    digests = [raw(Person, person.pk, "phone_digest"), raw(IdentityDocument, doc.pk, "number_digest")]
    assert all(d and PHONE not in d and NIK not in d for d in digests)


def test_the_application_reads_them_as_before(person):
    p = Person.objects.get(pk=person.pk)
    assert (p.phone, p.email, p.address) == (PHONE, "Maria@Example.org", "Jl. Timor Raya No. 7, RT 003/RW 002, Oesao")
    assert p.documents.get().number == NIK
    assert p.family_contacts.get().phone == "0813 1111 2222"
    assert list(Person.objects.filter(pk=p.pk).values_list("phone", flat=True)) == [PHONE]


def test_empty_values_stay_empty_and_can_be_asked_for(agency, manager):
    p = services.person_create(actor=manager, agency_id=agency.pk, data={"full_name": "Tanpa Kontak"})
    assert raw(Person, p.pk, "phone") == "" and raw(Person, p.pk, "phone_digest") == ""
    assert Person.objects.filter(pk=p.pk, phone="").exists()


def test_an_encrypted_column_cannot_be_searched_by_value(person):
    with pytest.raises(ValueError, match="digest"):
        list(Person.objects.filter(phone=PHONE))
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Person.objects.filter(phone__icontains="1234"))


def test_lookups_by_digest_normalise_the_value(person):
    everyone = Person.objects.all()
    assert list(persons_with_phone(everyone, "+62 812-3456-7890")) == [person]
    assert list(persons_with_phone(everyone, "081234567891")) == []
    assert list(persons_with_phone(everyone, "+62 813 1111 2222")) == []
    assert list(persons_with_phone(everyone, "+62 813 1111 2222", family=True)) == [person]
    assert list(persons_with_email(everyone, " maria@example.ORG ")) == [person]
    assert list(persons_with_document(everyone, NIK[:6] + "-" + NIK[6:], type="nik")) == [person]
    assert list(persons_with_document(everyone, NIK, type="passport")) == []
    assert list(persons_with_phone(everyone, "")) == []


def test_lookups_start_from_what_the_reader_may_see(person):
    assert list(persons_with_phone(Person.objects.exclude(pk=person.pk), PHONE)) == []


def test_an_update_keeps_the_digest_current(person, manager, agency):
    services.person_update(actor=manager, person=person, agency_id=agency.pk, data={"phone": "082199998888"})
    everyone = Person.objects.all()
    assert list(persons_with_phone(everyone, "082199998888")) == [person]
    assert list(persons_with_phone(everyone, PHONE)) == []


def test_an_altered_value_does_not_open(person):
    stored = raw(Person, person.pk, "phone")
    tampered = stored[:-3] + ("AAA" if not stored.endswith("AAA") else "BBB")
    Person.objects.filter(pk=person.pk).update(phone=tampered)
    with pytest.raises(sealing.SealError):
        Person.objects.get(pk=person.pk)


def test_a_value_moved_to_another_column_does_not_open(person):
    """Ciphertext is bound to its column: copying the encrypted NIK into the e-mail column gives an error, not
    the NIK on a page that shows e-mails."""
    doc = IdentityDocument.objects.get(person=person)
    Person.objects.filter(pk=person.pk).update(email=raw(IdentityDocument, doc.pk, "number"))
    with pytest.raises(sealing.SealError):
        Person.objects.get(pk=person.pk)


def test_bulk_create_encrypts_and_fills_digests():
    people = Person.objects.bulk_create([Person(full_name=f"Orang {i}", phone=f"08120000000{i}") for i in range(3)])
    for p in people:
        assert raw(Person, p.pk, "phone").startswith("sng1:")
    assert persons_with_phone(Person.objects.all(), "+62 812 0000 0001").get().full_name == "Orang 1"


def test_the_data_migration_encrypts_existing_plain_text_and_can_be_reversed():
    p = PersonFactory()
    with connection.cursor() as cur:  # as the database held them before encryption
        cur.execute("UPDATE people_person SET phone = %s, address = %s, phone_digest = '' WHERE id = %s",
                    [PHONE, "Jl. Lama 1", p.pk.hex if connection.vendor == "sqlite" else p.pk])
    migration = importlib.import_module("sinergi.people.migrations.0003_fields_encrypted")
    forward = [op for op in migration.Migration.operations if op.__class__.__name__ == "RunPython"]
    editor = connection.schema_editor()
    for op in forward:
        op.code(apps, editor)
    assert raw(Person, p.pk, "phone").startswith("sng1:") and raw(Person, p.pk, "address").startswith("sng1:")
    assert persons_with_phone(Person.objects.all(), PHONE).get() == p
    assert Person.objects.get(pk=p.pk).address == "Jl. Lama 1"
    for op in forward:
        op.code(apps, editor)  # running it again changes nothing
    assert Person.objects.get(pk=p.pk).phone == PHONE
    for op in reversed(forward):
        op.reverse_code(apps, editor)
    assert raw(Person, p.pk, "phone") == PHONE
