"""Record visibility: the lead agency sees its cases; other agencies, non-casework roles, inactive memberships
and inactive agencies see nothing."""

import pytest

from sinergi.access.principal import Principal
from sinergi.access.visibility import (
    agency_of_person_for,
    cases_visible_to,
    persons_visible_to,
    reports_visible_to,
)
from sinergi.agencies.enums import Role
from sinergi.agencies.models import Membership, User
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.selectors import case_get
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.intake.models import Report
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The principal is cached on the user object for a request; a new request loads the user again."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def two_agencies():
    a, b = AgencyFactory(), AgencyFactory()
    return a, b, CaseFactory(lead_agency=a), CaseFactory(lead_agency=b)


@pytest.mark.parametrize("role", [Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR])
def test_casework_roles_see_their_agencys_cases_only(two_agencies, role):
    a, b, case_a, case_b = two_agencies
    user = user_with_role(role, a)
    assert list(cases_visible_to(user)) == [case_a]
    assert case_get(user, case_a.pk, audit=False) == case_a
    with pytest.raises(NotFound):
        case_get(user, case_b.pk)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN])
def test_non_casework_roles_see_no_case_or_person(two_agencies, role):
    a, _, case_a, _ = two_agencies
    user = user_with_role(role, a)
    assert not cases_visible_to(user).exists()
    assert not persons_visible_to(user).exists()
    assert not reports_visible_to(user).exists()
    with pytest.raises(NotFound):
        case_get(user, case_a.pk)


def test_user_in_two_agencies_sees_both(two_agencies):
    a, b, case_a, case_b = two_agencies
    user = user_with_role(Role.CASE_MANAGER, a)
    Membership.objects.create(user=user, agency=b, role=Role.INTAKE_OFFICER)
    assert set(cases_visible_to(fresh(user))) == {case_a, case_b}


def test_inactive_membership_sees_nothing(two_agencies):
    a, _, case_a, _ = two_agencies
    user = user_with_role(Role.SUPERVISOR, a)
    assert cases_visible_to(user).exists()
    Membership.objects.filter(user=user).update(is_active=False)
    user = fresh(user)
    assert not cases_visible_to(user).exists()
    with pytest.raises(NotFound):
        case_get(user, case_a.pk)


def test_inactive_agency_sees_nothing(two_agencies):
    a, _, case_a, _ = two_agencies
    user = user_with_role(Role.SUPERVISOR, a)
    a.is_active = False
    a.save(update_fields=["is_active"])
    user = fresh(user)
    assert Principal.of(user).memberships == []
    assert not cases_visible_to(user).exists()


def test_inactive_user_and_anonymous_see_nothing(two_agencies):
    from django.contrib.auth.models import AnonymousUser

    a, _, _, _ = two_agencies
    user = user_with_role(Role.SUPERVISOR, a)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not cases_visible_to(fresh(user)).exists()
    assert not cases_visible_to(AnonymousUser()).exists()


def test_persons_visible_through_cases_and_reports(two_agencies):
    a, b, case_a, case_b = two_agencies
    reported = PersonFactory()
    Report.objects.create(channel="village", received_at=clock.now(), agency=a, narrative="x", subject=reported)
    loose = PersonFactory()
    user = user_with_role(Role.INTAKE_OFFICER, a)
    assert set(persons_visible_to(user)) == {case_a.survivor, reported}
    assert loose not in persons_visible_to(user) and case_b.survivor not in persons_visible_to(user)
    assert agency_of_person_for(user, case_a.survivor) == a.pk
    assert agency_of_person_for(user, reported) == a.pk
    assert agency_of_person_for(user, case_b.survivor) is None


def test_reports_visible_to_the_receiving_agency_only(two_agencies):
    a, b, _, _ = two_agencies
    rep = Report.objects.create(channel="hotline", received_at=clock.now(), agency=b, narrative="x")
    assert list(reports_visible_to(user_with_role(Role.INTAKE_OFFICER, b))) == [rep]
    assert not reports_visible_to(user_with_role(Role.INTAKE_OFFICER, a)).exists()
