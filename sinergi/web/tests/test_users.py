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


def test_administrator_cannot_demote_or_deactivate_themselves(client):
    agency = AgencyFactory()
    admin = user_with_role(Role.AGENCY_ADMIN, agency)
    user_with_role(Role.AGENCY_ADMIN, agency)  # a second administrator: still not for oneself
    own = Membership.objects.get(user=admin)
    client.login(username=admin.username, password=PASSWORD)
    r = client.post(reverse("web:membership_update", args=[own.pk]), {"role": "case_manager"}, follow=True)
    assert "peran administrator Anda sendiri" in r.content.decode()
    r = client.post(reverse("web:membership_update", args=[own.pk]), {"active": "0"}, follow=True)
    assert "menonaktifkan diri sendiri" in r.content.decode()
    own.refresh_from_db()
    assert own.role == Role.AGENCY_ADMIN and own.is_active
    assert not AuditEvent.objects.filter(object_type="membership", object_id=str(own.pk), action="update").exists()


def test_the_last_administrator_is_kept():
    from django.core.exceptions import ValidationError

    from sinergi.agencies import users

    agency = AgencyFactory()
    last = Membership.objects.get(user=user_with_role(Role.AGENCY_ADMIN, agency))
    system = user_with_role(Role.SYSTEM_ADMIN)
    # A system administrator acting on the agency: the agency keeps its only administrator.
    Membership.objects.create(user=system, agency=agency, role=Role.SYSTEM_ADMIN)
    for call in (lambda: users.membership_set_role(actor=system, agency_id=agency.pk, membership_id=last.pk,
                                                   role="supervisor"),
                 lambda: users.membership_set_active(actor=system, agency_id=agency.pk, membership_id=last.pk,
                                                     active=False)):
        with pytest.raises(ValidationError) as exc:
            call()
        assert "administrator terakhir" in str(exc.value)
    last.refresh_from_db()
    assert last.role == Role.AGENCY_ADMIN and last.is_active
    # With a second administrator, one of them may be moved by the other.
    second = user_with_role(Role.AGENCY_ADMIN, agency)
    users.membership_set_role(actor=second, agency_id=agency.pk, membership_id=last.pk, role="supervisor")
    last.refresh_from_db()
    assert last.role == "supervisor"
