"""Agency, office, contact point, user and membership creation: validation, permissions, audit rows."""

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies import services
from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.agencies.models import Agency, Membership, User
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.core.errors import Conflict, PermissionDenied

pytestmark = pytest.mark.django_db


def _agency(actor=None, **kw):
    values = dict(code="uptd-ppa-uji", name="UPTD PPA Uji", type=AgencyType.PROVINCIAL_SERVICE, country="ID",
                  level=Level.PROVINCE, region="53")
    values.update(kw)
    return services.agency_create(actor=actor, **values)


def test_the_system_creates_an_agency_with_an_audit_row():
    agency = _agency()
    assert agency.country_id == "ID" and agency.region_id == "53"
    row = AuditEvent.objects.get(object_type="agency", object_id=str(agency.pk))
    assert row.action == "create" and row.username == "system" and row.detail["code"] == "uptd-ppa-uji"


def test_agency_fields_are_validated_together():
    with pytest.raises(ValidationError) as exc:
        _agency(code="Bad Code!", type="bakery", level="planet", country="ZZ", region="99.99")
    assert set(exc.value.message_dict) == {"code", "type", "level", "country", "region"}
    assert not Agency.objects.filter(name="UPTD PPA Uji").exists()


def test_a_region_belongs_only_to_agencies_in_indonesia():
    with pytest.raises(ValidationError) as exc:
        _agency(code="kh-uji", country="KH", region="53")
    assert "region" in exc.value.message_dict


def test_duplicate_agency_code_is_a_conflict():
    _agency()
    with pytest.raises(Conflict):
        _agency()


def test_only_system_administrators_create_agencies():
    case_manager = user_with_role(Role.CASE_MANAGER)
    with pytest.raises(PermissionDenied):
        _agency(actor=case_manager)
    sysadmin = user_with_role(Role.SYSTEM_ADMIN)
    agency = _agency(actor=sysadmin)
    assert AuditEvent.objects.get(object_type="agency", object_id=str(agency.pk)).user_id == sysadmin.pk


def test_offices_and_contact_points_are_audited():
    agency = _agency()
    office = services.office_create(actor=None, agency=agency, name="Kantor Kupang", country="ID", region="53.71")
    contact = services.contact_point_create(actor=None, agency=agency, name="Piket", phone="129")
    assert AuditEvent.objects.filter(object_type="office", object_id=str(office.pk)).exists()
    assert AuditEvent.objects.filter(object_type="contact_point", object_id=str(contact.pk)).exists()
    with pytest.raises(ValidationError):
        services.office_create(actor=None, agency=agency, name="", country="XX")


def test_user_with_a_role_and_password():
    agency = AgencyFactory()
    user = services.user_create(actor=None, username="yohanes", password="kata-sandi-panjang-2026", agency=agency,
                                role=Role.CASE_MANAGER)
    assert user.check_password("kata-sandi-panjang-2026") and not user.is_staff
    assert Membership.objects.filter(user=user, agency=agency, role=Role.CASE_MANAGER).exists()
    assert AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(object_type="membership").count() == 1


def test_weak_passwords_and_taken_usernames_are_refused():
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=None, username="maria", password="123")
    assert "password" in exc.value.message_dict
    services.user_create(actor=None, username="maria")
    with pytest.raises(Conflict):
        services.user_create(actor=None, username="MARIA")
    assert not User.objects.get(username="maria").has_usable_password()


def test_agency_admin_gives_roles_in_own_agency_but_never_system_admin():
    agency = AgencyFactory()
    admin = user_with_role(Role.AGENCY_ADMIN, agency)
    user = services.user_create(actor=admin, username="petugas-baru", agency=agency, role=Role.INTAKE_OFFICER)
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=admin, user=user, agency=agency, role=Role.SYSTEM_ADMIN)
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=admin, user=user, agency=AgencyFactory(), role=Role.CASE_MANAGER)
    with pytest.raises(PermissionDenied):
        services.user_create(actor=admin, username="staf", agency=agency, role=Role.ANALYST, admin_site=True)


def test_granting_an_existing_role_changes_nothing_and_reactivates():
    agency = AgencyFactory()
    user = services.user_create(actor=None, username="theresia", agency=agency, role=Role.SUPERVISOR)
    before = AuditEvent.objects.count()
    services.membership_grant(actor=None, user=user, agency=agency, role=Role.SUPERVISOR)
    assert AuditEvent.objects.count() == before
    Membership.objects.filter(user=user).update(is_active=False)
    m = services.membership_grant(actor=None, user=user, agency=agency, role=Role.SUPERVISOR)
    assert m.is_active and AuditEvent.objects.count() == before + 1
    with pytest.raises(ValidationError):
        services.membership_grant(actor=None, user=user, agency=agency, role="boss")
