"""Nothing that carries personal data may stay in a browser's or a proxy's cache (shared office computers): every
response the application makes says ``Cache-Control: no-store`` and ``Pragma: no-cache``; the public static
assets (styles, scripts, icons) stay cacheable."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.attachments import attachment_add
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory
from sinergi.transfer import samples

pytestmark = pytest.mark.django_db


def assert_no_store(response):
    assert "no-store" in response.get("Cache-Control", ""), (response.status_code, response.get("Cache-Control"))
    assert response.get("Pragma") == "no-cache"


@pytest.fixture
def world(client):
    agency = AgencyFactory(code="uptd-ntt")
    supervisor = user_with_role(Role.SUPERVISOR, agency, username="supervisor-ntt")
    case = CaseFactory(lead_agency=agency, survivor=PersonFactory(full_name="Maria Goreti"))
    attachment = attachment_add(actor=supervisor, case=case, uploaded=ContentFile(b"%PDF-1.4 x", name="surat.pdf"),
                                description="Surat")
    assert client.login(username=supervisor.username, password=PASSWORD)
    return agency, supervisor, case, attachment


def test_signed_in_pages_are_not_stored(client, world):
    _, _, case, attachment = world
    for url in (reverse("web:home"), reverse("web:case_list") + "?q=maria",
                reverse("web:case_detail", args=[case.pk]), reverse("web:notice_list"),
                reverse("web:case_import"), reverse("web:password_change")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)


def test_attachments_and_downloads_are_not_stored(client, world):
    _, _, case, attachment = world
    response = client.get(reverse("web:case_attachment_download", args=[case.pk, attachment.pk]))
    assert response.status_code == 200
    assert_no_store(response)


def test_import_rejected_rows_download_is_not_stored(client, world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sinergi.transfer.models import ImportJob

    rows = samples.sample_rows(2, villages={"53": ["53.01.04.2003"]})
    rows[1]["prs_Birthdate"] = "2099-01-01"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:case_import"), {"file": SimpleUploadedFile("k.csv", samples.to_csv(rows), "text/csv")})
    job = ImportJob.objects.get()
    response = client.get(reverse("web:case_import_rejected", args=[job.pk]))
    assert response.status_code == 200 and response.streaming
    assert_no_store(response)


def test_api_responses_and_exports_are_not_stored(world):
    _, supervisor, case, attachment = world
    api = APIClient()
    api.force_authenticate(supervisor)
    for url in ("/api/v1/me/", f"/api/v1/cases/{case.pk}/", "/api/v1/exports/cases/?format=csv",
                f"/api/v1/cases/{case.pk}/attachments/{attachment.pk}/download/"):
        response = api.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_no_store(response)
    assert_no_store(APIClient().get("/api/v1/me/"))  # errors too (401)


def test_anonymous_and_error_pages_are_not_stored(client):
    for url in (reverse("web:login"), reverse("public_report"), "/cases/no-such-case/", "/nothing-here/"):
        assert_no_store(client.get(url))


def test_lockout_page_is_not_stored(client):
    user = user_with_role(Role.CASE_MANAGER)
    for _ in range(5):
        response = client.post(reverse("web:login"), {"username": user.username, "password": "wrong-password"})
    assert response.status_code == 429
    assert_no_store(response)


def test_static_assets_stay_cacheable(client):
    response = client.get("/static/web/sinergi.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response
