"""The admin: superusers only; agencies with offices, contact points and memberships; writes are audited."""

import pytest

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.agencies.models import Agency, ContactPoint, Membership, Office
from sinergi.agencies.tests.factories import AgencyFactory, UserFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.audit.selectors import audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("kind", ["staff", "supervisor", "system_admin"])
def test_only_superusers_enter(client, kind):
    if kind == "staff":
        user = UserFactory(is_staff=True)
    else:
        user = user_with_role(kind, is_staff=True)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/agencies/agency/").status_code == 302


def test_superuser_sees_agency_list_and_search(admin_client):
    AgencyFactory(code="ncb-jakarta", name="NCB Interpol Jakarta")
    AgencyFactory(code="iom-kupang", name="IOM Kupang")
    response = admin_client.get("/admin/agencies/agency/", {"q": "interpol"})
    assert response.status_code == 200
    assert b"NCB Interpol Jakarta" in response.content and b"IOM Kupang" not in response.content


def test_agency_with_inlines_is_created_and_audited(admin_client):
    data = {
        "code": "uptd-ppa-ntt", "name": "UPTD PPA Provinsi NTT", "short_name": "", "type": AgencyType.PROVINCIAL_SERVICE,
        "country": "ID", "level": Level.PROVINCE, "region": "53", "parent": "", "is_active": "on", "peer": "",
        "remote_code": "",
        "offices-TOTAL_FORMS": "1", "offices-INITIAL_FORMS": "0",
        "offices-0-name": "Kantor Kupang", "offices-0-country": "ID", "offices-0-region": "53.71",
        "offices-0-address": "", "offices-0-phone": "", "offices-0-email": "",
        "contact_points-TOTAL_FORMS": "1", "contact_points-INITIAL_FORMS": "0",
        "contact_points-0-name": "Piket 24 jam", "contact_points-0-function": "duty desk",
        "contact_points-0-phone": "+62 380 123456", "contact_points-0-email": "", "contact_points-0-available_hours": "24/7",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client.post("/admin/agencies/agency/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agency = Agency.objects.get(code="uptd-ppa-ntt")
    assert Office.objects.get(agency=agency).region_id == "53.71"
    assert ContactPoint.objects.get(agency=agency).name == "Piket 24 jam"
    row = AuditEvent.objects.get(action="create", object_type="agency")
    assert row.object_id == str(agency.pk) and row.purpose == "admin" and row.role == "admin"
    assert audit_verify()[1] is None


def test_membership_change_is_audited(admin_client):
    user = user_with_role(Role.INTAKE_OFFICER)
    m = Membership.objects.get(user=user)
    response = admin_client.post(f"/admin/agencies/membership/{m.pk}/change/", {
        "user": user.pk, "agency": m.agency_id, "role": Role.SUPERVISOR, "office": "", "is_active": "on"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.role == Role.SUPERVISOR
    row = AuditEvent.objects.get(action="update", object_type="membership")
    assert row.object_id == str(m.pk)


def test_agency_delete_is_audited(admin_client):
    agency = AgencyFactory()
    response = admin_client.post(f"/admin/agencies/agency/{agency.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Agency.objects.filter(pk=agency.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="agency", object_id=str(agency.pk)).exists()


def test_user_admin_lists_users(admin_client):
    user_with_role(Role.CASE_MANAGER, username="manajer-kupang")
    response = admin_client.get("/admin/agencies/user/", {"q": "manajer"})
    assert response.status_code == 200 and b"manajer-kupang" in response.content
