import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.core.testing import PASSWORD, AgencyFactory, CaseFactory, user_with_role
from sinergi.recruitment.models import PlacementAgency
from sinergi.recruitment.services import case_link_recruiter

pytestmark = pytest.mark.django_db


def test_oversight_pages_import_and_agency_cases(client):
    officer = user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.MIGRANT_WORKER_PROTECTION))
    client.login(username=officer.username, password=PASSWORD)
    csv = b"licence_number,name,status,status_from\nKEP-9/2020,PT Cahaya Timur,active,2020-01-01\nKEP-9/2020,PT Cahaya Timur,revoked,2025-01-01\n"
    r = client.post(reverse("web:registry_import"), {"kind": "agencies", "file": SimpleUploadedFile("p.csv", csv)})
    assert r.status_code == 200
    agency = PlacementAgency.objects.get()
    case = CaseFactory()
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    case_link_recruiter(actor=manager, case=case, placement_agency=agency, role="perekrut")
    body = client.get(reverse("web:recruitment_agency", args=[agency.pk])).content.decode()
    assert case.reference in body and "revoked" in body
    assert case.survivor.full_name not in body  # oversight sees the case exists, not who the survivor is
    overview = client.get(reverse("web:recruitment")).content.decode()
    assert "PT Cahaya Timur" in overview
    bad = client.post(reverse("web:registry_import"), {"kind": "agencies",
                                                       "file": SimpleUploadedFile("p.csv", b"licence_number,name\nX,Y\n")})
    assert bad.status_code == 400


def test_other_roles_get_404(client):
    ngo = user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.NGO))
    client.login(username=ngo.username, password=PASSWORD)
    assert client.get(reverse("web:recruitment")).status_code == 404
