import re

import pytest
from django.core import mail
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.models import Membership, User
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_invites_user_who_sets_password_and_signs_in(client, django_capture_on_commit_callbacks):
    agency = AgencyFactory()
    admin = user_with_role(Role.AGENCY_ADMIN, agency)
    assert client.login(username=admin.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("web:users"), {"username": "dewi", "email": "dewi@example.org", "role": "case_manager"})
    assert r.status_code == 201
    dewi = User.objects.get(username="dewi")
    assert not dewi.has_usable_password()
    assert Membership.objects.get(user=dewi).agency == agency
    assert AuditEvent.objects.filter(action="create", object_type="user", object_id=str(dewi.pk)).exists()
    link = re.search(r"(/password/set/[^\s]+/)", mail.outbox[0].body).group(1)
    client.logout()
    r = client.get(link, follow=True)
    set_url = r.redirect_chain[-1][0] if r.redirect_chain else link
    r = client.post(set_url, {"new_password1": "Kupang-aman-2026", "new_password2": "Kupang-aman-2026"})
    assert r.status_code == 302
    assert client.login(username="dewi", password="Kupang-aman-2026")


def test_role_change_and_deactivate(client):
    agency = AgencyFactory()
    admin = user_with_role(Role.AGENCY_ADMIN, agency)
    worker = user_with_role(Role.INTAKE_OFFICER, agency)
    m = Membership.objects.get(user=worker)
    client.login(username=admin.username, password=PASSWORD)
    client.post(reverse("web:membership_update", args=[m.pk]), {"role": "supervisor"})
    m.refresh_from_db()
    assert m.role == "supervisor"
    client.post(reverse("web:membership_update", args=[m.pk]), {"active": "0"})
    m.refresh_from_db()
    assert not m.is_active


def test_other_agency_membership_is_404_and_non_admin_has_no_page(client):
    admin = user_with_role(Role.AGENCY_ADMIN)
    stranger = user_with_role(Role.INTAKE_OFFICER)
    m = Membership.objects.get(user=stranger)
    client.login(username=admin.username, password=PASSWORD)
    assert client.post(reverse("web:membership_update", args=[m.pk]), {"role": "supervisor"}).status_code == 404
    client.logout()
    client.login(username=stranger.username, password=PASSWORD)
    assert client.get(reverse("web:users")).status_code == 404


def test_cannot_grant_system_admin(client):
    agency = AgencyFactory()
    admin = user_with_role(Role.AGENCY_ADMIN, agency)
    client.login(username=admin.username, password=PASSWORD)
    r = client.post(reverse("web:users"), {"username": "x", "email": "x@example.org", "role": "system_admin"})
    assert r.status_code == 400 and not User.objects.filter(username="x").exists()
