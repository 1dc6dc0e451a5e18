"""A list page is one read: it writes ONE audit row naming the ids it showed (not one per row), and the search
terms the user typed are kept sealed in it (they are personal data: a name typed into the search box)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sinergi.agencies.enums import Role
from sinergi.audit.models import AuditEvent
from sinergi.core.testing import PASSWORD, AgencyFactory, CaseFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    agency = AgencyFactory(code="uptd-ntt")
    supervisor = user_with_role(Role.SUPERVISOR, agency, username="supervisor-ntt")
    cases = [CaseFactory(lead_agency=agency, survivor=PersonFactory(full_name=f"Maria Goreti {i}")) for i in range(23)]
    assert client.login(username=supervisor.username, password=PASSWORD)
    return agency, supervisor, cases


def _new_reads(before: int):
    return list(AuditEvent.objects.filter(seq__gt=before, action="read").order_by("seq"))


def _last_seq() -> int:
    row = AuditEvent.objects.order_by("-seq").first()
    return row.seq if row else 0


def test_case_list_page_writes_one_row_naming_the_cases_shown(client, world):
    agency, supervisor, cases = world
    before = _last_seq()
    response = client.get(reverse("web:case_list"))
    assert response.status_code == 200
    rows = _new_reads(before)
    assert len(rows) == 1, f"{len(rows)} audit rows for one list view"
    row = rows[0]
    assert row.object_type == "case" and row.detail["via"] == "list"
    assert set(row.detail["ids"]) == {str(c.pk) for c in cases}
    assert row.user_id == supervisor.pk and str(row.agency_id) == str(agency.pk)


def test_case_list_htmx_partial_and_search_write_one_row_with_the_terms_sealed(client, world):
    _, _, cases = world
    before = _last_seq()
    response = client.get(reverse("web:case_list"), {"q": "Maria Goreti 1", "stage": "reported"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    rows = _new_reads(before)
    assert len(rows) == 1
    row = rows[0]
    assert row.detail["ids"] and set(row.detail["ids"]) <= {str(c.pk) for c in cases}
    # The typed name is nowhere in clear in the stored row; structured filters stay readable.
    assert "Maria" not in str(row.detail) and "Goreti" not in str(row.detail)
    assert row.detail["filters"] == {"stage": "reported"}
    assert row.detail["terms"].startswith("sng1:")


def test_unknown_query_parameters_are_not_written_in_clear(client, world):
    before = _last_seq()
    client.get(reverse("web:case_list"), {"nama_korban": "Maria Goreti"})
    (row,) = _new_reads(before)
    assert "Maria" not in str(row.detail)


def test_api_case_list_writes_one_row(world):
    _, supervisor, cases = world
    api = APIClient()
    api.force_authenticate(supervisor)
    before = _last_seq()
    body = api.get("/api/v1/cases/", {"page_size": 20, "q": "Maria"}).json()
    rows = _new_reads(before)
    assert len(rows) == 1
    assert rows[0].detail["ids"] == [r["id"] for r in body["results"]]
    assert "Maria" not in str(rows[0].detail)


def test_home_page_work_list_is_one_audited_read(client, world):
    _, _, cases = world
    before = _last_seq()
    assert client.get(reverse("web:home")).status_code == 200
    (row,) = _new_reads(before)  # no notices here: the cases' row only
    assert row.object_type == "case" and row.detail["via"] == "home"
    assert set(row.detail["ids"]) <= {str(c.pk) for c in cases} and len(row.detail["ids"]) == 20


def test_notice_and_report_lists_write_one_row_each(world):
    from sinergi.intake.services import report_create

    agency, supervisor, _ = world
    for i in range(5):
        report_create(actor=supervisor, agency_id=agency.pk, data={"channel": "hotline", "narrative": f"Laporan {i}"})
    api = APIClient()
    api.force_authenticate(supervisor)
    before = _last_seq()
    body = api.get("/api/v1/reports/").json()
    (row,) = _new_reads(before)
    assert row.object_type == "report" and row.detail["ids"] == [r["id"] for r in body["results"]]
    before = _last_seq()
    assert api.get("/api/v1/referrals/").status_code == 200
    assert api.get("/api/v1/notices/").status_code == 200
    assert len(_new_reads(before)) == 0  # nothing shown, nothing searched: nothing to record
