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


def test_a_forged_forwarded_header_starts_no_fresh_count(officer, settings):
    settings.SINERGI_TRUSTED_PROXIES = []
    codes = [APIClient(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").post(
        "/api/v1/auth/token/", {"username": officer.username, "password": PASSWORD}, format="json").status_code
        for n in range(11)]
    assert codes[10] == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_count(officer, settings):
    settings.SINERGI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    def ask(client_address):
        return APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address).post(
            "/api/v1/auth/token/", {"username": officer.username, "password": PASSWORD}, format="json").status_code
    assert [ask("203.0.113.1") for _ in range(11)][10] == 429
    assert ask("203.0.113.2") == 200


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
    assert body["memberships"][1]["capabilities"] == ["aggregates", "analytics.release"]
    assert "case.transition" in body["capabilities"] and "case.close" not in body["capabilities"]


# --- Two-factor authentication on the token endpoint ------------------------------------------------------------

def _totp(device, steps_ahead=0) -> str:
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def guarded(db):
    """A case manager of an agency that requires a second factor, with an authenticator set up."""
    from sinergi.access import mfa

    user = user_with_role("case_manager", AgencyFactory(code="ncb-jakarta", mfa_required=True))
    device = mfa.totp_pending(user)
    codes = mfa.totp_confirm(actor=user, device=device, code=_totp(device))
    return user, device, codes


def _wrong(device) -> str:
    right = {_totp(device, s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222") if c not in right)


def test_token_needs_the_current_code_where_two_factor_applies(guarded):
    user, device, _ = guarded
    missing = token_for(APIClient(), user.username)
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["otp"]
    assert "token" not in missing.json()
    ok = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD,
                                                  "otp": _totp(device, 1)}, format="json")
    assert ok.status_code == 200 and ok.json()["token"]
    row = AuditEvent.objects.filter(action="login").latest("seq")
    assert row.user_id == user.pk and row.detail["mfa"] == "totp"


def test_wrong_code_is_a_field_error_audited_and_counted(guarded, settings):
    user, device, codes = guarded
    body = {"username": user.username, "password": PASSWORD, "otp": _wrong(device)}
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400 and response.json()["errors"]["otp"]
    assert "Kode salah" in response.json()["errors"]["otp"][0]
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/auth/token/", {**body, "otp": "12"}, format="json")
    assert english.status_code == 400 and "authenticator" in english.json()["errors"]["otp"][0]
    row = AuditEvent.objects.filter(action="login_failed").latest("seq")
    assert row.username == user.username and row.detail["reason"].startswith("otp_")
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username=user.username).get().failures_since_start == 2


def test_recovery_codes_are_not_taken_by_the_api(guarded):
    from sinergi.access import mfa

    user, _, codes = guarded
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD,
                                                        "otp": codes[0]}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["otp"]
    assert mfa.recovery_codes_left(user) == 10


def test_wrong_codes_lock_out_with_a_json_answer(guarded, settings):
    from sinergi.access import mfa
    from sinergi.access.models import Authenticator as TOTPDevice

    user, device, _ = guarded
    codes = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
        codes.append(APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD,
                                                              "otp": _wrong(device)}, format="json").status_code)
    assert codes == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD,
                                                      "otp": _totp(device, 1)}, format="json")
    assert locked.status_code == 429 and "detail" in locked.json()
    assert mfa.mfa_enrolled(user)


def test_not_yet_enrolled_is_told_to_enrol_in_the_pages(db):
    user = user_with_role("supervisor", AgencyFactory(code="kbri-pnh", mfa_required=True))
    response = token_for(APIClient(), user.username)
    assert response.status_code == 400 and "otp" in response.json()["errors"]
    assert AuditEvent.objects.filter(action="login_failed").latest("seq").detail["reason"] == "mfa_not_enrolled"


def test_demo_agencies_get_a_token_with_the_password_alone(officer):
    response = token_for(APIClient(), officer.username)
    assert response.status_code == 200 and "expires_at" in response.json()
