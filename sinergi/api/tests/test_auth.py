"""Token sign-in (throttled, audited), session sign-in for browsers, and /me."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sinergi.audit.models import AuditEvent
from sinergi.core.testing import PASSWORD, AgencyFactory, user_with_role


@pytest.fixture
def officer(db):
    return user_with_role("case_manager", AgencyFactory(code="bp3mi-ntt", name="BP3MI NTT"))


def token_for(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_token_sign_in_and_use(officer):
    client = APIClient()
    response = token_for(client, officer.username)
    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json()["user"]["username"] == officer.username
    (row,) = AuditEvent.objects.filter(action="login")
    assert row.user_id == officer.pk and row.detail["channel"] == "api" and row.role == "case_manager"
    assert APIClient().get("/api/v1/me/").status_code == 401
    me = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
    assert me.status_code == 200
    assert token_for(client, officer.username).json()["token"] == key  # the same token again


def test_wrong_password_is_refused_and_audited(officer):
    response = token_for(APIClient(), officer.username, "not-the-password")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    assert "token" not in response.json()
    (row,) = AuditEvent.objects.filter(action="login_failed")
    assert row.username == officer.username and row.user_id is None
    assert not AuditEvent.objects.filter(action="login").exists()


def test_inactive_user_gets_no_token(officer):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert token_for(APIClient(), officer.username).status_code == 400


def test_missing_fields(db):
    response = APIClient().post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["password"] == ["Wajib diisi / this field is required."]


def test_token_endpoint_is_throttled(officer):
    client = APIClient()
    codes = [token_for(client, officer.username).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429


def test_repeated_failures_lock_the_username_with_a_json_answer(officer, settings):
    client = APIClient()
    codes = [token_for(client, officer.username, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert codes == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = token_for(client, officer.username)  # even the right password, while locked
    assert locked.status_code == 429
    assert "detail" in locked.json()


def test_session_authentication_for_browsers(officer):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username=officer.username, password=PASSWORD)
    assert client.get("/api/v1/me/").status_code == 200
    # Writes with a session need the CSRF token, as in the browser.
    assert client.post("/api/v1/cases/", {}, format="json").status_code == 403


def test_me_lists_memberships_and_capabilities(officer):
    from sinergi.agencies.models import Membership

    other = AgencyFactory(code="gugus-tugas-ntt")
    Membership.objects.create(user=officer, agency=other, role="analyst")
    Membership.objects.create(user=officer, agency=other, role="supervisor", is_active=False)
    client = APIClient()
    client.force_authenticate(officer)
    body = client.get("/api/v1/me/").json()
    assert [(m["agency"]["code"], m["role"]) for m in body["memberships"]] == [
        ("bp3mi-ntt", "case_manager"), ("gugus-tugas-ntt", "analyst")]
    assert body["memberships"][1]["capabilities"] == ["aggregates"]
    assert "case.transition" in body["capabilities"] and "case.close" not in body["capabilities"]
