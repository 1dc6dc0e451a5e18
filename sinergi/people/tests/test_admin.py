"""Persons in the admin: read-only, no names, identity numbers, contacts or addresses; opening one is audited."""

import pytest

from sinergi.agencies.tests.factories import UserFactory
from sinergi.audit.models import AuditEvent
from sinergi.people.models import IdentityDocument
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def person():
    p = PersonFactory(full_name="Yuliana Bere", phone="081299998888", email="yuliana@example.org",
                      address="Jl. Timor Raya 17")
    IdentityDocument.objects.create(person=p, type="nik", number="5301044101990001", issuing_country_id="ID")
    return p


SECRETS = [b"Yuliana", b"081299998888", b"yuliana@example.org", b"Timor Raya", b"5301044101990001"]


def test_list_and_detail_show_no_personal_data(admin_client, superuser, person):
    listing = admin_client.get("/admin/people/person/")
    detail = admin_client.get(f"/admin/people/person/{person.pk}/change/")
    assert listing.status_code == 200 and detail.status_code == 200
    assert str(person.pk).encode() in listing.content
    for page in (listing, detail):
        for secret in SECRETS:
            assert secret not in page.content
    row = AuditEvent.objects.get(action="read", object_type="person")
    assert row.object_id == str(person.pk) and row.user_id == superuser.pk and row.purpose == "admin"


def test_person_admin_is_read_only_and_documents_are_not_registered(admin_client, person):
    assert admin_client.get("/admin/people/person/add/").status_code == 403
    assert admin_client.post(f"/admin/people/person/{person.pk}/delete/", {"post": "yes"}).status_code == 403
    for model in ("identitydocument", "familycontact", "personalias", "consent", "namekey"):
        assert admin_client.get(f"/admin/people/{model}/").status_code == 404


def test_history_page_is_closed(admin_client, person):
    assert admin_client.get(f"/admin/people/person/{person.pk}/history/").status_code == 403
