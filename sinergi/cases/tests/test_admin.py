"""Cases in the admin: read-only list and detail without the survivor's name or documents; reads audited."""

import pytest

from sinergi.agencies.tests.factories import UserFactory
from sinergi.audit.models import AuditEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_case_admin_hides_personal_data(admin_client):
    case = CaseFactory(survivor=PersonFactory(full_name="Maria Goreti Seran"), travel_document_number="X7654321",
                       summary="Maria ditahan di Sihanoukville")
    listing = admin_client.get("/admin/cases/case/", {"q": case.reference})
    detail = admin_client.get(f"/admin/cases/case/{case.pk}/change/")
    assert listing.status_code == 200 and detail.status_code == 200
    assert case.reference.encode() in listing.content
    assert str(case.survivor_id).encode() in detail.content
    for page in (listing, detail):
        for secret in (b"Maria", b"X7654321", b"Sihanoukville"):
            assert secret not in page.content
    assert AuditEvent.objects.filter(action="read", object_type="case", object_id=str(case.pk)).count() == 1


def test_case_admin_is_read_only(admin_client):
    case = CaseFactory()
    assert admin_client.get("/admin/cases/case/add/").status_code == 403
    assert admin_client.post(f"/admin/cases/case/{case.pk}/change/", {"stage": "closed"}).status_code == 403
    assert admin_client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    case.refresh_from_db()
    assert case.stage == "reported"
    for model in ("attachment", "note", "servicedelivery", "timelineevent"):
        assert admin_client.get(f"/admin/cases/{model}/").status_code == 404
