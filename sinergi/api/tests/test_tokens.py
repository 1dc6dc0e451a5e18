"""API tokens expire (``SINERGI_API_TOKEN_HOURS``) and are revoked when their user is locked out or loses access
(the account, a membership or the agency deactivated through the agencies' services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sinergi.agencies import services as agency_services
from sinergi.agencies import users as agency_users
from sinergi.agencies.models import Membership
from sinergi.audit.models import AuditEvent
from sinergi.core import clock
from sinergi.core.testing import PASSWORD, AgencyFactory, UserFactory, user_with_role


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agency(db):
    return AgencyFactory(code="bp3mi-ntt", name="BP3MI NTT")


@pytest.fixture
def officer(agency):
    return user_with_role("case_manager", agency, username="petugas-ntt")


def sign_in(username, password=PASSWORD, **extra):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password, **extra},
                            format="json")


def me(key):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")


def test_token_answer_says_when_it_expires(officer, settings):
    settings.SINERGI_API_TOKEN_HOURS = 8
    body = sign_in(officer.username).json()
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(hours=7, minutes=59) < expires - clock.now() <= dt.timedelta(hours=8)


def test_expired_token_answers_401_with_the_reason_and_a_new_sign_in_gives_a_new_token(officer, settings):
    settings.SINERGI_API_TOKEN_HOURS = 8
    key = sign_in(officer.username).json()["token"]
    assert me(key).status_code == 200
    Token.objects.filter(key=key).update(created=clock.now() - dt.timedelta(hours=8, seconds=1))
    response = me(key)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "kedaluwarsa" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Token")
    assert not Token.objects.filter(key=key).exists()  # an expired token is gone, not only refused
    fresh = sign_in(officer.username).json()["token"]
    assert fresh != key and me(fresh).status_code == 200
    Token.objects.filter(key=fresh).update(created=clock.now() - dt.timedelta(hours=9))
    english = APIClient(HTTP_AUTHORIZATION=f"Token {fresh}", HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me/")
    assert english.status_code == 401 and "expired" in english.json()["detail"]


def test_unknown_token_still_answers_401(db):
    response = me("0" * 40)
    assert response.status_code == 401 and response.json()["code"] != "token_expired"


def test_lockout_revokes_the_users_tokens(officer, settings):
    key = sign_in(officer.username).json()["token"]
    codes = [sign_in(officer.username, "wrong-password").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert codes[-1] == 429
    assert me(key).status_code == 401
    assert not Token.objects.filter(user=officer).exists()
    row = AuditEvent.objects.filter(action="delete", object_type="api_token").latest("seq")
    assert row.detail["reason"] == "lockout" and row.object_id == str(officer.pk)


def test_an_address_lockout_does_not_revoke_the_tokens_of_the_names_tried(officer, settings):
    # Someone spraying guesses over many names from one address must not sign everyone out of the API.
    settings.SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT = 4
    key = sign_in(officer.username).json()["token"]
    for n in range(3):
        sign_in(f"nobody-{n}", "wrong-password")
    assert sign_in(officer.username, "wrong-password").status_code == 429
    assert me(key).status_code == 200


def test_deactivating_the_account_revokes_its_tokens(officer):
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin_agency = AgencyFactory(code="kementerian")
    Membership.objects.create(user=admin, agency=admin_agency, role="system_admin")
    key = sign_in(officer.username).json()["token"]
    agency_services.user_set_active(actor=admin, user=officer, active=False)
    assert me(key).status_code == 401
    assert not Token.objects.filter(user=officer).exists()
    officer.refresh_from_db()
    assert not officer.is_active
    assert AuditEvent.objects.filter(action="update", object_type="user", object_id=str(officer.pk),
                                     detail__active=False).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="api_token", detail__reason="user_inactive").exists()


def test_deactivating_a_membership_revokes_the_members_tokens(officer, agency):
    admin = user_with_role("agency_admin", agency)
    key = sign_in(officer.username).json()["token"]
    membership = Membership.objects.get(user=officer, agency=agency)
    agency_users.membership_set_active(actor=admin, agency_id=agency.pk, membership_id=membership.pk, active=False)
    assert me(key).status_code == 401
    assert AuditEvent.objects.filter(action="delete", object_type="api_token",
                                     detail__reason="membership_inactive").exists()


def test_deactivating_an_agency_revokes_its_members_tokens(officer, agency):
    other = user_with_role("case_manager", AgencyFactory(code="lain"))
    officer_key = sign_in(officer.username).json()["token"]
    other_key = sign_in(other.username).json()["token"]
    agency_services.agency_set_active(actor=None, agency=agency, active=False)
    assert me(officer_key).status_code == 401
    assert me(other_key).status_code == 200
    agency.refresh_from_db()
    assert not agency.is_active
    assert AuditEvent.objects.filter(action="update", object_type="agency", detail__active=False).exists()


def test_only_a_system_administrator_deactivates_accounts_and_agencies(officer, agency):
    from sinergi.core.errors import PermissionDenied

    admin = user_with_role("agency_admin", agency)
    with pytest.raises(PermissionDenied):
        agency_services.user_set_active(actor=admin, user=officer, active=False)
    with pytest.raises(PermissionDenied):
        agency_services.agency_set_active(actor=admin, agency=agency, active=False)
    officer.refresh_from_db()
    agency.refresh_from_db()
    assert officer.is_active and agency.is_active


def test_deactivating_a_membership_in_the_admin_revokes_the_tokens_too(officer, agency, client):
    key = sign_in(officer.username).json()["token"]
    membership = Membership.objects.get(user=officer, agency=agency)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(f"/admin/agencies/membership/{membership.pk}/change/", {
        "user": officer.pk, "agency": agency.pk, "role": "case_manager", "office": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert not membership.is_active
    assert me(key).status_code == 401
    assert AuditEvent.objects.filter(action="delete", object_type="api_token",
                                     detail__reason="membership_inactive").exists()


# The check lives in the token authentication itself: whatever path changed the account's access (one that calls
# the revocation registry or one that does not), the token issued before answers 401 with a reason, and is gone.

def assert_revoked(key, code="token_revoked"):
    response = me(key)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == code
    assert response["WWW-Authenticate"].startswith("Token")
    assert not Token.objects.filter(key=key).exists()
    return response


def test_a_membership_deactivated_in_the_users_admin_inline_ends_the_token(officer, agency, client):
    key = sign_in(officer.username).json()["token"]
    membership = Membership.objects.get(user=officer, agency=agency)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/agencies/user/{officer.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups",
                                                                               "user_permissions")}
    data.update({
        "username": officer.username, "date_joined_0": officer.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": officer.date_joined.strftime("%H:%M:%S"), "is_active": "on",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000", "memberships-0-id": str(membership.pk),
        "memberships-0-user": str(officer.pk), "memberships-0-agency": str(agency.pk),
        "memberships-0-role": membership.role, "memberships-0-office": "",
    })
    data.pop("last_login", None)
    response = client.post(f"/admin/agencies/user/{officer.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    membership.refresh_from_db()
    assert not membership.is_active  # the inline's "is_active" box left unticked
    officer.refresh_from_db()
    assert officer.is_active
    assert_revoked(key)
    row = AuditEvent.objects.filter(action="delete", object_type="api_token").latest("seq")
    assert row.detail["reason"] == "access_changed" and row.object_id == str(officer.pk)


def test_a_membership_removed_ends_the_token(officer, agency):
    key = sign_in(officer.username).json()["token"]
    Membership.objects.filter(user=officer, agency=agency).delete()  # e.g. "delete" ticked in an admin inline
    assert_revoked(key)


def test_a_membership_deactivated_without_the_service_ends_the_token(officer, agency):
    key = sign_in(officer.username).json()["token"]
    Membership.objects.filter(user=officer, agency=agency).update(is_active=False)
    assert_revoked(key)


def test_a_role_changed_ends_the_token(officer, agency):
    key = sign_in(officer.username).json()["token"]
    Membership.objects.filter(user=officer, agency=agency).update(role="intake_officer")
    assert_revoked(key)
    assert me(sign_in(officer.username).json()["token"]).json()["memberships"][0]["role"] == "intake_officer"


def test_an_account_deactivated_without_the_service_ends_the_token(officer):
    key = sign_in(officer.username).json()["token"]
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert_revoked(key)
    assert AuditEvent.objects.filter(action="delete", object_type="api_token", detail__reason="user_inactive").exists()


def test_an_agency_deactivated_without_the_service_ends_the_token(officer, agency):
    key = sign_in(officer.username).json()["token"]
    type(agency).objects.filter(pk=agency.pk).update(is_active=False)
    assert_revoked(key)


def test_a_password_changed_ends_the_token(officer):
    key = sign_in(officer.username).json()["token"]
    officer.set_password("another-long-password-2026")
    officer.save(update_fields=["password"])
    assert_revoked(key)


def test_a_locked_out_username_is_refused_even_if_the_signal_was_missed(officer, settings):
    from axes.models import AccessAttempt

    key = sign_in(officer.username).json()["token"]
    # Failures recorded without the lockout signal (another process, a restored table): the token still stops.
    AccessAttempt.objects.create(username=officer.username, ip_address="203.0.113.9", user_agent="x",
                                 failures_since_start=settings.AXES_FAILURE_LIMIT, get_data="", post_data="",
                                 http_accept="", path_info="/login/")
    response = assert_revoked(key, code="account_locked")
    assert "dikunci" in response.json()["detail"]
    AccessAttempt.objects.all().delete()
    assert me(sign_in(officer.username).json()["token"]).status_code == 200


def test_a_token_issued_before_tokens_carried_their_access_is_refused(officer):
    legacy = Token.objects.create(user=officer)  # no access fingerprint: issued by an older version
    assert_revoked(legacy.key)


def test_access_unchanged_keeps_the_token(officer, agency):
    key = sign_in(officer.username).json()["token"]
    officer.first_name = "Yohanes"
    officer.save(update_fields=["first_name"])
    assert me(key).status_code == 200
    assert sign_in(officer.username).json()["token"] == key
    english = APIClient(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    Membership.objects.filter(user=officer).update(is_active=False)
    response = english.get("/api/v1/me/")
    assert response.status_code == 401 and "access changed" in response.json()["detail"]
