import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import ALL_ROLES, AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.cases.tests.factories import CaseFactory
from sinergi.transfer import samples
from sinergi.transfer.models import ImportJob

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/imports/"
EXPORTS = "/api/v1/exports/cases/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(data: bytes, name="kasus.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def body_text(response) -> str:
    return json.dumps(response.json())


def test_import_creates_and_answers_the_job(supervisor, agency, rows):
    response = client_for(supervisor).post(IMPORTS, {"file": upload(samples.to_csv(rows))}, format="multipart")
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == "completed" and job["created_count"] == 20 and job["agency"] == agency.code
    assert job["created_by"] == supervisor.username and job["errors"] == []
    assert Case.objects.filter(lead_agency=agency).count() == 20


def test_import_refused_answers_400_with_line_and_column(supervisor, agency, rows):
    rows[2]["prs_Birthdate"] = "2099-01-01"
    response = client_for(supervisor).post(IMPORTS, {"file": upload(samples.to_csv(rows))}, format="multipart")
    assert response.status_code == 400
    assert "masa depan" in response.json()["errors"]["line 4: prs_Birthdate"][0]
    assert Case.objects.count() == 0
    job = ImportJob.objects.get()
    assert job.status == "refused" and job.errors[0]["line"] == 4


def test_import_partial_answers_201_with_the_bad_rows(supervisor, agency, rows):
    rows[2]["hte_Country"] = "XX"
    response = client_for(supervisor).post(
        IMPORTS, {"file": upload(samples.to_json(rows), "kasus.json"), "partial": "true"}, format="multipart")
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["format"] == "json" and job["partial"] is True
    assert (job["created_count"], job["rejected_count"]) == (19, 1)
    assert job["errors"] == [{"line": 4, "field": "hte_Country", "message": job["errors"][0]["message"]}]


def test_import_oversized_and_missing_file(supervisor, agency, rows, settings):
    settings.SINERGI_IMPORT_MAX_BYTES = 100
    client = client_for(supervisor)
    response = client.post(IMPORTS, {"file": upload(samples.to_csv(rows))}, format="multipart")
    assert response.status_code == 400 and "terlalu besar" in body_text(response)
    response = client.post(IMPORTS, {"format": "csv"}, format="multipart")
    assert response.status_code == 400 and "file" in body_text(response)
    response = client.post(IMPORTS, {"file": upload(b"x"), "format": "xlsx"}, format="multipart")
    assert response.status_code == 400 and "format" in body_text(response)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_import_permission_matrix(agency, rows, role):
    user = user_with_role(role, agency)
    response = client_for(user).post(IMPORTS, {"file": upload(samples.to_csv(rows))}, format="multipart")
    allowed = role in (Role.CASE_MANAGER, Role.SUPERVISOR)
    assert response.status_code == (201 if allowed else 403), response.content
    assert Case.objects.count() == (20 if allowed else 0)


def test_import_anonymous_is_refused(rows):
    response = APIClient().post(IMPORTS, {"file": upload(samples.to_csv(rows))}, format="multipart")
    assert response.status_code in (401, 403)


def test_import_agency_choice(rows):
    a, b = AgencyFactory(code="a-satu"), AgencyFactory(code="b-dua")
    user = user_with_role(Role.SUPERVISOR, a)
    from sinergi.agencies.models import Membership

    Membership.objects.create(user=user, agency=b, role=Role.CASE_MANAGER)
    client = client_for(user)
    response = client.post(IMPORTS, {"file": upload(samples.to_csv(rows))}, format="multipart")
    assert response.status_code == 400 and "agency" in body_text(response)
    response = client.post(IMPORTS, {"file": upload(samples.to_csv(rows)), "agency": "b-dua"}, format="multipart")
    assert response.status_code == 201 and response.json()["agency"] == "b-dua"
    response = client.post(IMPORTS, {"file": upload(samples.to_csv(rows)), "agency": "c-tiga"}, format="multipart")
    assert response.status_code == 404


def test_job_detail_only_for_users_of_its_agency(supervisor, agency, rows):
    job_id = client_for(supervisor).post(IMPORTS, {"file": upload(samples.to_csv(rows))},
                                         format="multipart").json()["id"]
    colleague = user_with_role(Role.ANALYST, agency)
    response = client_for(colleague).get(f"{IMPORTS}{job_id}/")
    assert response.status_code == 200 and response.json()["created_count"] == 20
    stranger = user_with_role(Role.SUPERVISOR, AgencyFactory())
    assert client_for(stranger).get(f"{IMPORTS}{job_id}/").status_code == 404
    assert client_for(colleague).get(f"{IMPORTS}00000000-0000-0000-0000-000000000000/").status_code == 404


def test_export_streams_csv_and_json(supervisor, agency):
    cases = [CaseFactory(lead_agency=agency) for _ in range(3)]
    client = client_for(supervisor)
    response = client.get(EXPORTS, {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].startswith("sng_ExternalId,sng_FullName")
    assert all(c.reference in text for c in cases)
    response = client.get(EXPORTS, {"format": "json", "stage": "reported"})
    records = json.loads(b"".join(response.streaming_content))
    assert len(records) == 3 and response["X-Sinergi-Count"] == "3"
    assert AuditEvent.objects.filter(action="export", object_type="case").count() == 6


def test_export_bad_parameters(supervisor, agency):
    client = client_for(supervisor)
    assert client.get(EXPORTS).status_code == 400
    response = client.get(EXPORTS, {"format": "xml"})
    assert response.status_code == 400 and "format" in body_text(response)
    response = client.get(EXPORTS, {"format": "csv", "reported_from": "31/12/2024"})
    assert response.status_code == 400 and "reported_from" in body_text(response)
    assert client.get(EXPORTS, {"format": "csv", "agency": "tidak-ada"}).status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_export_permission_matrix(agency, role):
    CaseFactory(lead_agency=agency)
    user = user_with_role(role, agency)
    response = client_for(user).get(EXPORTS, {"format": "csv"})
    assert response.status_code == (200 if role == Role.SUPERVISOR else 403)
    if response.status_code == 403:
        assert response["Content-Type"].startswith("application/json")


def test_openapi_document_lists_the_endpoints(supervisor):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "post" in paths["/api/v1/imports/"]
    assert "get" in paths["/api/v1/imports/{job_id}/"]
    export = paths["/api/v1/exports/cases/"]["get"]
    assert {"format", "stage", "q"} <= {p["name"] for p in export["parameters"]}
    assert "multipart/form-data" in paths["/api/v1/imports/"]["post"]["requestBody"]["content"]
