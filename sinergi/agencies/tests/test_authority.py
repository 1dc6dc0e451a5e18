import pytest

from sinergi.access.capabilities import Cap
from sinergi.agencies import authority
from sinergi.agencies.enums import Role
from sinergi.agencies.services import agency_set_active
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.core.errors import PermissionDenied


def test_the_capability_names_are_those_of_access():
    assert authority.AGENCY_USERS == Cap.AGENCY_USERS
    assert authority.REFERENCE_ADMIN == Cap.REFERENCE_ADMIN


def test_without_access_installed_every_check_refuses(monkeypatch):
    monkeypatch.setattr(authority, "_principal_of", None)
    with pytest.raises(PermissionDenied):
        authority.principal(object())


@pytest.mark.django_db
def test_the_agencies_services_ask_access():
    agency = AgencyFactory()
    with pytest.raises(PermissionDenied):
        agency_set_active(actor=user_with_role(Role.CASE_MANAGER, agency), agency=agency, active=False)
    agency_set_active(actor=user_with_role(Role.SYSTEM_ADMIN, agency), agency=agency, active=False)
    agency.refresh_from_db()
    assert not agency.is_active
