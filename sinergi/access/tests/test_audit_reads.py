"""The search terms a user typed are personal data: kept sealed in the audit row, opened only for a reader who
may see that agency's cases (``access.audit_reads``). An agency administrator, who reads the trail but not the
cases, sees that a search was made, never what was typed; so does the database and the admin's audit page."""

import pytest

from sinergi.access.audit_reads import audit_event_view, audit_events_visible_to
from sinergi.agencies.enums import Role
from sinergi.audit.models import AuditEvent
from sinergi.audit.selectors import audit_verify
from sinergi.cases.selectors import audit_list_read
from sinergi.core.testing import AgencyFactory, CaseFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

TYPED = "Maria Goreti Seran"


@pytest.fixture
def searched():
    agency = AgencyFactory()
    manager = user_with_role(Role.CASE_MANAGER, agency)
    audit_list_read(manager, [CaseFactory(lead_agency=agency)], filters={"q": TYPED, "stage": "reported"})
    return agency, manager, AuditEvent.objects.get(action="read")


def test_terms_are_not_in_clear_in_the_database(searched):
    _, _, row = searched
    stored = AuditEvent.objects.filter(pk=row.pk).values_list("detail", flat=True).get()
    assert "Maria" not in str(stored) and "Seran" not in str(stored)
    assert stored["terms"].startswith("sng1:") and stored["filters"] == {"stage": "reported"}
    assert audit_verify() == (1, None)  # sealed terms are part of the hashed row


def test_a_reader_of_the_agency_cases_reads_the_terms(searched):
    agency, _, row = searched
    supervisor = user_with_role(Role.SUPERVISOR, agency)
    assert row in audit_events_visible_to(supervisor)
    view = audit_event_view(supervisor, row)
    assert view.terms == {"q": TYPED} and not view.terms_sealed
    assert "terms" not in view.detail


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN, Role.ANALYST])
def test_roles_without_the_case_data_do_not(searched, role):
    agency, _, row = searched
    reader = user_with_role(role, agency)
    view = audit_event_view(reader, row)
    assert view.terms is None and view.terms_sealed
    assert TYPED not in str(view.detail)
    if role == Role.AGENCY_ADMIN:
        assert row in audit_events_visible_to(reader)  # reads the trail of the agency, not the terms
    if role == Role.ANALYST:
        assert row not in audit_events_visible_to(reader)


def test_a_case_worker_of_another_agency_does_not(searched):
    _, _, row = searched
    stranger = user_with_role(Role.SUPERVISOR, AgencyFactory())
    assert audit_event_view(stranger, row).terms is None
    assert row not in audit_events_visible_to(stranger)


def test_the_admin_audit_page_shows_them_sealed(client, searched):
    _, _, row = searched
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in ("/admin/audit/auditevent/", f"/admin/audit/auditevent/{row.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Maria" not in response.content and b"Seran" not in response.content


def test_exports_seal_the_terms_too():
    from sinergi.cases.selectors import CaseFilters
    from sinergi.transfer.services import cases_export

    agency = AgencyFactory()
    supervisor = user_with_role(Role.SUPERVISOR, agency)
    CaseFactory(lead_agency=agency)
    cases_export(actor=supervisor, format="csv", filters=CaseFilters(), used_filters={"q": TYPED})
    row = AuditEvent.objects.filter(action="export").latest("seq")
    assert TYPED not in str(row.detail)
    assert audit_event_view(supervisor, row).terms == {"q": TYPED}


def test_the_field_key_sealing_terms_counts_as_in_use(searched):
    from sinergi.core import keys

    usage = next(u for u in keys.USAGES["field"] if u.name == "audit search terms")
    assert usage.count() == {keys.keyring("field").active_kid: 1}
