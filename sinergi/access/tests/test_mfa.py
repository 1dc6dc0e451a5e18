"""Who must sign in with a second factor, and the factors' services (enrol, verify, recovery codes, reset)."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from sinergi.access import mfa
from sinergi.access.models import Authenticator as TOTPDevice
from sinergi.agencies import services as agency_services
from sinergi.agencies.enums import Role
from sinergi.agencies.models import Membership
from sinergi.audit.models import AuditEvent
from sinergi.core.errors import PermissionDenied, ValidationError
from sinergi.core.testing import AgencyFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def code_for(device, steps_ahead=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = mfa.totp_pending(user)
    codes = mfa.totp_confirm(actor=user, device=device, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def test_roles_that_see_personal_data_need_it_analysts_do_not():
    assert mfa.MFA_ROLES == {Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR, Role.AGENCY_ADMIN,
                             Role.SYSTEM_ADMIN}


@pytest.mark.parametrize("role,required", [(r, r != Role.ANALYST) for r in Role])
def test_required_where_the_agency_says_so(role, required):
    agency = AgencyFactory()
    user = user_with_role(role, agency)
    assert not mfa.mfa_required(user)
    agency_services.agency_set_mfa_required(actor=None, agency=agency, required=True)
    user = type(user).objects.get(pk=user.pk)  # a fresh request: the principal is resolved again
    assert mfa.mfa_required(user) is required
    assert mfa.mfa_applies(user) is required


def test_required_everywhere_by_setting(settings):
    settings.SINERGI_MFA_REQUIRED = True
    assert mfa.mfa_required(user_with_role(Role.CASE_MANAGER))
    assert not mfa.mfa_required(user_with_role(Role.ANALYST))
    assert mfa.mfa_required(UserFactory(is_staff=True, is_superuser=True))  # the admin site
    assert not mfa.mfa_required(UserFactory())


def test_an_inactive_membership_or_agency_does_not_count():
    agency = AgencyFactory(mfa_required=True)
    user = user_with_role(Role.CASE_MANAGER, agency)
    Membership.objects.filter(user=user).update(is_active=False)
    assert not mfa.mfa_required(type(user).objects.get(pk=user.pk))


def test_enrolled_of_their_own_accord_are_asked_too():
    user = user_with_role(Role.ANALYST)
    assert not mfa.mfa_applies(user)
    enrol(user)
    assert mfa.mfa_applies(user) and not mfa.mfa_required(user)


def test_enrolment_confirms_with_the_first_code_and_gives_ten_single_use_recovery_codes():
    user = user_with_role(Role.CASE_MANAGER)
    device = mfa.totp_pending(user)
    assert mfa.totp_pending(user) == device  # the same key until confirmed
    assert not mfa.mfa_enrolled(user)
    with pytest.raises(ValidationError) as wrong:
        mfa.totp_confirm(actor=user, device=device, code="000000" if code_for(device) != "000000" else "111111")
    assert "code" in wrong.value.message_dict
    assert not mfa.mfa_enrolled(user) and not AuditEvent.objects.filter(object_type="mfa_device").exists()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    codes = mfa.totp_confirm(actor=user, device=device, code=code_for(device))
    assert len(codes) == len(set(codes)) == 10 and all(len(c) == 9 and c[4] == "-" for c in codes)
    assert mfa.mfa_enrolled(user) and mfa.recovery_codes_left(user) == 10
    row = AuditEvent.objects.get(object_type="mfa_device", action="create")
    assert row.user_id == user.pk and row.detail == {"kind": "totp", "recovery_codes": 10}
    assert not any(c.replace("-", "") in str(row.detail) for c in codes)  # codes never in the audit log


def test_a_recovery_code_works_once():
    user = user_with_role(Role.CASE_MANAGER)
    _, codes = enrol(user)
    first = mfa.code_verify(user, codes[0].upper())
    assert first.ok and first.kind == "recovery"
    again = mfa.code_verify(user, codes[0])
    assert not again.ok and again.kind == "wrong"
    assert mfa.recovery_codes_left(user) == 9


def test_a_totp_code_works_once():
    user = user_with_role(Role.CASE_MANAGER)
    device, _ = enrol(user)
    code = code_for(device, 1)
    assert mfa.code_verify(user, code).ok
    assert not mfa.code_verify(user, code).ok  # replay within its time window


@pytest.mark.parametrize("code,kind", [("12345", "malformed"), ("<script>", "malformed"), ("", "malformed"),
                                       ("abcdefgh", "wrong")])
def test_malformed_and_unknown_codes(code, kind):
    user = user_with_role(Role.CASE_MANAGER)
    enrol(user)
    assert mfa.code_verify(user, code).kind == kind


def test_the_api_takes_no_recovery_codes():
    user = user_with_role(Role.CASE_MANAGER)
    _, codes = enrol(user)
    assert mfa.code_verify(user, codes[0], allow_recovery=False).kind == "malformed"
    assert mfa.recovery_codes_left(user) == 10


def test_regenerating_recovery_codes_retires_the_old_ones():
    user = user_with_role(Role.CASE_MANAGER)
    _, old = enrol(user)
    new = mfa.recovery_codes_regenerate(actor=user)
    assert set(new).isdisjoint(old)
    assert mfa.code_verify(user, new[1]).ok
    assert not mfa.code_verify(user, old[1]).ok
    assert AuditEvent.objects.filter(object_type="mfa_device", action="update").count() == 1
    with pytest.raises(PermissionDenied):
        mfa.recovery_codes_regenerate(actor=user_with_role(Role.CASE_MANAGER))


def test_reset_by_the_user_their_agency_admin_or_a_system_admin_only():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    enrol(user)
    with pytest.raises(PermissionDenied):
        mfa.mfa_reset(actor=user_with_role(Role.SUPERVISOR, agency), user=user, agency_id=agency.pk)
    other_admin = user_with_role(Role.AGENCY_ADMIN)
    with pytest.raises(PermissionDenied):
        mfa.mfa_reset(actor=other_admin, user=user, agency_id=agency.pk)
    assert mfa.mfa_enrolled(user)
    admin = user_with_role(Role.AGENCY_ADMIN, agency)
    assert mfa.mfa_reset(actor=admin, user=user, agency_id=agency.pk) == 2
    assert not mfa.mfa_enrolled(user) and not StaticToken.objects.filter(device__user=user).exists()
    row = AuditEvent.objects.get(object_type="mfa_device", action="delete")
    assert row.user_id == admin.pk and row.agency_id == agency.pk and row.detail["user"] == user.pk


def test_agency_flag_is_a_system_administrators_audited_switch():
    agency = AgencyFactory()
    with pytest.raises(PermissionDenied):
        agency_services.agency_set_mfa_required(actor=user_with_role(Role.AGENCY_ADMIN, agency), agency=agency,
                                                required=True)
    sysadmin = user_with_role(Role.SYSTEM_ADMIN)
    agency_services.agency_set_mfa_required(actor=sysadmin, agency=agency, required=True)
    agency_services.agency_set_mfa_required(actor=sysadmin, agency=agency, required=True)  # no change, no row
    agency.refresh_from_db()
    assert agency.mfa_required
    (row,) = AuditEvent.objects.filter(object_type="agency", action="update")
    assert row.user_id == sysadmin.pk and row.detail == {"mfa_required": True}


def test_the_totp_key_is_encrypted_at_rest_and_still_verifies():
    from django.db import connection

    from sinergi.core import sealing

    user = user_with_role(Role.CASE_MANAGER, AgencyFactory())
    device, _ = enrol(user)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {TOTPDevice._meta.db_table} WHERE id = %s", [device.pk])
        (stored,) = cursor.fetchone()
    assert sealing.is_sealed(stored) and device.key not in stored
    assert len(device.key) == 40 and int(device.key, 16) >= 0  # the hex key, in memory only
    # The code of the next time step verifies through django-otp's own code (the last one is spent).
    assert mfa.code_verify(user, code_for(device, steps_ahead=1)).ok
    # An altered key does not open: refused, never used as a key.
    altered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TOTPDevice._meta.db_table} SET key = %s WHERE id = %s", [altered, device.pk])
    with pytest.raises(sealing.SealError):
        TOTPDevice.objects.get(pk=device.pk)
    # And nothing is left in django-otp's table in clear.
    from django_otp.plugins.otp_totp.models import TOTPDevice as ClearDevice

    assert not ClearDevice.objects.exists()


def test_the_migration_moves_clear_keys_into_sealed_ones(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django_otp.plugins.otp_totp.models import TOTPDevice as ClearDevice

    user = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([("access", "0001_authenticator")])
    executor.loader.build_graph()
    old_apps = executor.loader.project_state([("access", "0001_authenticator"), ("otp_totp", "0003_add_timestamps")]).apps
    Clear = old_apps.get_model("otp_totp", "TOTPDevice")
    clear = Clear.objects.create(user_id=user.pk, name="authenticator", confirmed=True, key="ab" * 20, last_t=7)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    moved = TOTPDevice.objects.get(user=user)
    assert moved.key == "ab" * 20 and moved.confirmed and moved.last_t == 7
    assert not ClearDevice.objects.filter(pk=clear.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {TOTPDevice._meta.db_table} WHERE id = %s", [moved.pk])
        assert "abab" not in cursor.fetchone()[0]
