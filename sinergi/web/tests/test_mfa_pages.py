"""Two-factor sign-in in the pages: password then code, enrolment at the first sign-in after it is required,
recovery codes, the account page, the agency administrator's reset and the system administrator's switch."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from sinergi.access import mfa
from sinergi.access.models import Authenticator as TOTPDevice
from sinergi.agencies.enums import Role
from sinergi.agencies.models import Agency
from sinergi.audit.models import AuditEvent
from sinergi.core.testing import PASSWORD, AgencyFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def code_for(device, steps_ahead=0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code(device) -> str:
    right = {code_for(device, s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def agency():
    return AgencyFactory(code="uptd-ntt", mfa_required=True)


@pytest.fixture
def officer(agency):
    return user_with_role(Role.CASE_MANAGER, agency, username="manajer-ntt")


def password_step(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    url = reverse("web:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def enrolled(user):
    device = mfa.totp_pending(user)
    codes = mfa.totp_confirm(actor=user, device=device, code=code_for(device))
    return TOTPDevice.objects.get(pk=device.pk), codes


def signed_in(client) -> bool:
    return client.get(reverse("web:case_list")).status_code == 200


def test_first_sign_in_after_enforcement_leads_to_enrolment(client, officer):
    response = password_step(client, officer, next_url="/cases/")
    assert response.status_code == 302 and response["Location"] == reverse("web:mfa_enrol")
    assert not signed_in(client)  # a right password alone signs nobody in
    page = client.get(reverse("web:mfa_enrol"))
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and 'class="qr' in body
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    from base64 import b32encode
    assert b32encode(device.bin_key).decode() == key
    bad = client.post(reverse("web:mfa_enrol"), {"code": wrong_code(device)})
    assert bad.status_code == 400 and "Kode salah" in bad.content.decode()
    assert not mfa.mfa_enrolled(officer) and not signed_in(client)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    done = client.post(reverse("web:mfa_enrol"), {"code": code_for(device)})
    assert done.status_code == 201
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert 'href="/cases/"' in done.content.decode()
    assert signed_in(client)
    login = AuditEvent.objects.filter(action="login", user_id=officer.pk).latest("seq")
    assert login.detail["mfa"] == "totp"
    assert AuditEvent.objects.filter(action="create", object_type="mfa_device", user_id=officer.pk).exists()


def test_sign_in_asks_for_the_code_after_the_password(client, officer):
    device, _ = enrolled(officer)
    response = password_step(client, officer, next_url="/cases/?stage=reported")
    assert response["Location"] == reverse("web:mfa_verify")
    assert not signed_in(client)
    ok = client.post(reverse("web:mfa_verify"), {"code": code_for(device, 1)})
    assert ok.status_code == 302 and ok["Location"] == "/cases/?stage=reported"
    assert signed_in(client)


def test_wrong_code_is_refused_in_the_readers_language_audited_and_signs_nobody_in(client, officer):
    device, _ = enrolled(officer)
    password_step(client, officer)
    before = AuditEvent.objects.count()
    bad = client.post(reverse("web:mfa_verify"), {"code": wrong_code(device)})
    assert bad.status_code == 400 and "Kode salah" in bad.content.decode()
    row = AuditEvent.objects.filter(action="login_failed").latest("seq")
    assert row.username == officer.username and row.detail["reason"] == "otp_wrong"
    assert AuditEvent.objects.count() == before + 1
    assert not signed_in(client)
    english = client.post(reverse("web:mfa_verify"), {"code": "12"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and "authenticator" in english.content.decode()


def test_wrong_codes_lock_out_like_wrong_passwords(client, officer, settings):
    device, _ = enrolled(officer)
    password_step(client, officer)
    codes = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
        codes.append(client.post(reverse("web:mfa_verify"), {"code": wrong_code(device)}).status_code)
    assert codes == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # Locked: the right code does not help, nor the password from a fresh browser.
    locked = client.post(reverse("web:mfa_verify"), {"code": code_for(device, 1)})
    assert locked.status_code == 429
    assert password_step(Client(), officer).status_code == 429


def test_repeated_wrong_codes_are_slowed_down_by_the_device(client, officer):
    device, _ = enrolled(officer)
    password_step(client, officer)
    client.post(reverse("web:mfa_verify"), {"code": wrong_code(device)})
    slowed = client.post(reverse("web:mfa_verify"), {"code": code_for(device, 1)})
    assert slowed.status_code == 400 and "Tunggu sebentar" in slowed.content.decode()


def test_a_recovery_code_signs_in_once(client, officer):
    _, codes = enrolled(officer)
    password_step(client, officer)
    ok = client.post(reverse("web:mfa_verify"), {"code": codes[3]})
    assert ok.status_code == 302
    assert signed_in(client)
    assert AuditEvent.objects.filter(action="login", user_id=officer.pk).latest("seq").detail["mfa"] == "recovery"
    again = Client()
    password_step(again, officer)
    reused = again.post(reverse("web:mfa_verify"), {"code": codes[3]})
    assert reused.status_code == 400 and "sudah dipakai" in reused.content.decode()
    assert AuditEvent.objects.filter(action="login_failed").latest("seq").detail["reason"] == "otp_wrong"


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client, officer):
    enrolled(officer)
    assert client.get(reverse("web:mfa_verify"))["Location"] == reverse("web:login")
    assert client.post(reverse("web:mfa_enrol"), {"code": "123456"})["Location"] == reverse("web:login")


def test_the_pending_password_expires(client, officer, monkeypatch):
    device, _ = enrolled(officer)
    password_step(client, officer)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 6 * 60)
    response = client.post(reverse("web:mfa_verify"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("web:login")


def test_a_password_alone_cannot_replace_an_enrolled_authenticator(client, officer):
    device, _ = enrolled(officer)
    password_step(client, officer)
    assert client.get(reverse("web:mfa_enrol"))["Location"] == reverse("web:mfa_verify")
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_a_session_from_before_the_requirement_is_sent_to_give_the_code(client, agency, officer):
    Agency.objects.filter(pk=agency.pk).update(mfa_required=False)
    assert client.login(username=officer.username, password=PASSWORD)
    assert signed_in(client)
    Agency.objects.filter(pk=agency.pk).update(mfa_required=True)
    response = client.get(reverse("web:case_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:mfa_enrol"))
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"
    device = mfa.totp_pending(officer)
    client.post(reverse("web:mfa_enrol"), {"code": code_for(device)})
    assert signed_in(client)


def test_demo_agencies_and_analysts_sign_in_with_the_password(client):
    user = user_with_role(Role.SUPERVISOR)  # no agency flag, no global requirement (as in the demo)
    assert password_step(client, user).status_code == 302 and signed_in(client)
    analyst = user_with_role(Role.ANALYST, AgencyFactory(mfa_required=True))
    c = Client()
    response = password_step(c, analyst)
    assert response.status_code == 302 and response["Location"] == reverse("web:home")


def test_required_everywhere_by_the_setting(client, settings):
    settings.SINERGI_MFA_REQUIRED = True
    user = user_with_role(Role.INTAKE_OFFICER)
    assert password_step(client, user)["Location"] == reverse("web:mfa_enrol")


def test_admin_site_signs_in_through_the_application(client, settings):
    settings.SINERGI_MFA_REQUIRED = True
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:mfa_enrol"))


def test_account_page_shows_the_devices_and_regenerates_codes_with_the_password(client, officer):
    device, codes = enrolled(officer)
    password_step(client, officer)
    client.post(reverse("web:mfa_verify"), {"code": code_for(device, 1)})
    page = client.get(reverse("web:account_security"))
    body = page.content.decode()
    assert page.status_code == 200 and "Kode pemulihan tersisa" in body and ">10<" in body.replace(" ", "")
    wrong = client.post(reverse("web:account_security"), {"action": "recovery", "password": "not-it"})
    assert wrong.status_code == 400 and "Kata sandi salah" in wrong.content.decode()
    fresh = client.post(reverse("web:account_security"), {"action": "recovery", "password": PASSWORD})
    assert fresh.status_code == 201
    new_codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", fresh.content.decode())
    assert len(new_codes) == 10 and set(new_codes).isdisjoint(codes)
    assert not mfa.code_verify(officer, codes[0]).ok


def test_resetting_the_authenticator_leads_to_enrolment_again(client, officer):
    device, _ = enrolled(officer)
    password_step(client, officer)
    client.post(reverse("web:mfa_verify"), {"code": code_for(device, 1)})
    response = client.post(reverse("web:account_security"), {"action": "reset", "password": PASSWORD})
    assert response["Location"] == reverse("web:mfa_enrol")
    assert not mfa.mfa_enrolled(officer)
    assert client.get(reverse("web:case_list"))["Location"].startswith(reverse("web:mfa_enrol"))


def test_agency_admin_resets_a_members_second_factor(client, agency, officer):
    from sinergi.agencies.models import Membership

    enrolled(officer)
    membership = Membership.objects.get(user=officer)
    stranger = user_with_role(Role.AGENCY_ADMIN, AgencyFactory(code="lain"))
    client.force_login(stranger)
    assert client.post(reverse("web:member_mfa_reset", args=[membership.pk])).status_code == 404
    assert mfa.mfa_enrolled(officer)
    admin = user_with_role(Role.AGENCY_ADMIN, agency)
    own = Client()
    own.force_login(admin)
    # The administrator of an agency that requires it owes a code too before acting.
    response = own.post(reverse("web:member_mfa_reset", args=[membership.pk]))
    assert response["Location"].startswith(reverse("web:mfa_enrol")) and mfa.mfa_enrolled(officer)
    admin_device = mfa.totp_pending(admin)
    own.post(reverse("web:mfa_enrol"), {"code": code_for(admin_device)})
    response = own.post(reverse("web:member_mfa_reset", args=[membership.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("web:users")
    assert not mfa.mfa_enrolled(officer)
    row = AuditEvent.objects.filter(object_type="mfa_device", action="delete").latest("seq")
    assert row.user_id == admin.pk and row.detail["user"] == officer.pk


def test_system_admin_switches_an_agency_and_others_cannot(client):
    target = AgencyFactory(code="dinsos-ntt")
    sysadmin = user_with_role(Role.SYSTEM_ADMIN)
    supervisor = user_with_role(Role.SUPERVISOR, target)
    c = Client()
    c.force_login(supervisor)
    assert c.get(reverse("web:agency_mfa_policy")).status_code == 404
    assert c.post(reverse("web:agency_mfa_policy"), {"agency": target.pk, "required": "1"}).status_code == 404
    client.force_login(sysadmin)
    page = client.get(reverse("web:agency_mfa_policy"))
    assert page.status_code == 200 and "dinsos-ntt" in page.content.decode()
    assert client.post(reverse("web:agency_mfa_policy"), {"agency": "not-a-uuid", "required": "1"}).status_code == 404
    response = client.post(reverse("web:agency_mfa_policy"), {"agency": target.pk, "required": "1"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.mfa_required
    assert AuditEvent.objects.filter(object_type="agency", action="update", user_id=sysadmin.pk,
                                     detail__mfa_required=True).exists()
    # The supervisor's open session now owes a code.
    assert c.get(reverse("web:case_list"))["Location"].startswith(reverse("web:mfa_enrol"))
