import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.recruitment.models import PlacementAgency, RiskFlag
from sinergi.recruitment.services import case_link_recruiter, risk_flag_resolve

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
    assert case.reference in body and "Dicabut" in body
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


# --- branches and directors -----------------------------------------------------------------------------------

def oversight_client(client):
    officer = user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.MIGRANT_WORKER_PROTECTION))
    client.login(username=officer.username, password=PASSWORD)
    return officer


def test_branch_and_director_upload_shown_on_agency_page(client):
    oversight_client(client)
    upload = reverse("web:registry_import")
    page = client.get(upload).content.decode()
    assert 'value="branches"' in page and 'value="directors"' in page and "region_code" in page
    client.post(upload, {"kind": "agencies", "file": SimpleUploadedFile(
        "p.csv", b"licence_number,name,status,status_from\nKEP-9/2020,PT Cahaya Timur,active,2020-01-01\n")})
    r = client.post(upload, {"kind": "branches", "file": SimpleUploadedFile(
        "b.csv", b"licence_number,region_code,address\nKEP-9/2020,53.71,Jl. El Tari 5\n")})
    assert r.status_code == 200, r.content
    r = client.post(upload, {"kind": "directors", "file": SimpleUploadedFile(
        "d.csv", b"licence_number,name,position\nKEP-9/2020,Maria Ndun,Direktur Utama\n")})
    assert r.status_code == 200
    bad = client.post(upload, {"kind": "directors", "file": SimpleUploadedFile(
        "d.csv", b"licence_number,name,position\nKEP-0/0000,Budi,Direktur\n")})
    assert bad.status_code == 400
    assert "licence_number" in bad.content.decode() and "Perusahaan tidak terdaftar" in bad.content.decode()
    agency = PlacementAgency.objects.get()
    body = client.get(reverse("web:recruitment_agency", args=[agency.pk])).content.decode()
    assert "Kota Kupang" in body and "Nusa Tenggara Timur" in body and "Jl. El Tari 5" in body
    assert "Maria Ndun" in body and "Direktur Utama" in body


# --- risk-flag review -----------------------------------------------------------------------------------------

def flagged_placement():
    import datetime as dt

    from sinergi.recruitment.models import JobOrder, LicenceEvent, Placement
    from sinergi.recruitment.services import flags_refresh, offer_for_placement

    agency = PlacementAgency.objects.create(name="PT Cahaya Timur", licence_number="KEP-9/2020", name_key="cahaya timur")
    LicenceEvent.objects.create(agency=agency, status="active", effective_from=dt.date(2020, 1, 1))
    jo = JobOrder.objects.create(agency=agency, reference="JO-KH-1", employer="Golden Resort", destination_id="KH",
                                 position="customer service", quota=5, approved=True)
    p = Placement.objects.create(job_order=jo, worker_reference="W-1", departure_date=dt.date(2025, 3, 1),
                                 visa_type="tourist")
    flags_refresh("placement", p.pk, offer_for_placement(p))
    return agency, RiskFlag.objects.get(subject_id=p.pk, rule__code="tourist-visa")


def test_flags_listed_open_first_with_filter_and_subject_link(client):
    officer = oversight_client(client)
    agency, flag = flagged_placement()
    other = RiskFlag.objects.exclude(pk=flag.pk).filter(subject_id=flag.subject_id).first()
    risk_flag_resolve(actor=officer, flag=other, decision="dismissed", reason="Tujuan sudah disetujui khusus.")
    page = client.get(reverse("web:recruitment"))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index(f'id="flag-{flag.pk}"') < body.index(f'id="flag-{other.pk}"')  # open first
    assert reverse("web:recruitment_agency", args=[agency.pk]) in body and "W-1 · JO-KH-1" in body
    assert reverse("web:recruitment_flag_review", args=[flag.pk]) in body and "csrfmiddlewaretoken" in body
    dismissed = client.get(reverse("web:recruitment"), {"status": "dismissed"}).content.decode()
    assert f'id="flag-{other.pk}"' in dismissed and f'id="flag-{flag.pk}"' not in dismissed
    assert "Tujuan sudah disetujui khusus." in dismissed
    assert client.get(reverse("web:recruitment"), {"status": "nonsense"}).status_code == 400


def test_review_post_confirm_and_reopen(client):
    officer = oversight_client(client)
    agency, flag = flagged_placement()
    url = reverse("web:recruitment_flag_review", args=[flag.pk])
    back = reverse("web:recruitment_agency", args=[agency.pk])
    r = client.post(url, {"decision": "confirmed", "reason": "Visa turis terbukti.", "next": back})
    assert r.status_code == 302 and r["Location"] == back
    flag.refresh_from_db()
    assert flag.resolution == "confirmed" and flag.resolved_by == officer
    assert AuditEvent.objects.filter(object_type="risk_flag", object_id=str(flag.pk), user_id=officer.pk).exists()
    # An agency page lists open flags only; the confirmed one has left it.
    assert f'id="flag-{flag.pk}"' not in client.get(back).content.decode()
    r = client.post(url, {"decision": "reopen", "reason": "Bukti baru.", "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == reverse("web:recruitment")  # no open redirect
    flag.refresh_from_db()
    assert flag.is_open


def test_review_without_reason_is_400_with_field_error(client):
    oversight_client(client)
    _, flag = flagged_placement()
    url = reverse("web:recruitment_flag_review", args=[flag.pk])
    r = client.post(url, {"decision": "dismissed", "reason": ""})
    assert r.status_code == 400
    body = r.content.decode()
    assert f'id="id_flag_{flag.pk}_reason_error"' in body
    r = client.post(url, {"decision": "maybe", "reason": "Alasan."})
    assert r.status_code == 400 and f'id="id_flag_{flag.pk}_decision_error"' in r.content.decode()
    flag.refresh_from_db()
    assert flag.is_open and not flag.reviews.exists()
    # Reviewing a flag already reviewed elsewhere is a field error, not a 500.
    client.post(url, {"decision": "dismissed", "reason": "Positif palsu."})
    r = client.post(url, {"decision": "confirmed", "reason": "Terlambat."})
    assert r.status_code == 400 and f'id="id_flag_{flag.pk}_decision_error"' in r.content.decode()
    assert client.post(reverse("web:recruitment_flag_review", args=["not-a-uuid"]), {}).status_code == 404
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("role,agency_type", [(Role.SUPERVISOR, AgencyType.NGO),
                                               (Role.CASE_MANAGER, AgencyType.NGO),
                                               (Role.INTAKE_OFFICER, AgencyType.MIGRANT_WORKER_PROTECTION)])
def test_review_is_404_without_oversight(client, role, agency_type):
    _, flag = flagged_placement()
    user = user_with_role(role, AgencyFactory(type=agency_type))
    client.login(username=user.username, password=PASSWORD)
    r = client.post(reverse("web:recruitment_flag_review", args=[flag.pk]), {"decision": "dismissed", "reason": "x"})
    assert r.status_code == 404
    flag.refresh_from_db()
    assert flag.is_open


def test_review_needs_login_and_csrf(client):
    _, flag = flagged_placement()
    url = reverse("web:recruitment_flag_review", args=[flag.pk])
    assert client.post(url, {"decision": "dismissed", "reason": "x"}).status_code == 302  # to the login page
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    officer = user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.TASK_FORCE))
    strict.login(username=officer.username, password=PASSWORD)
    assert strict.post(url, {"decision": "dismissed", "reason": "x"}).status_code == 403
    flag.refresh_from_db()
    assert flag.is_open


def test_licence_status_is_shown_by_its_label(client):
    import datetime as dt

    from sinergi.recruitment.models import LicenceEvent

    oversight_client(client)
    agency = PlacementAgency.objects.create(name="PT Dicabut Jaya", licence_number="KEP-7/2019", name_key="dicabut jaya")
    LicenceEvent.objects.create(agency=agency, status="revoked", effective_from=dt.date(2025, 6, 1))
    body = client.get(reverse("web:recruitment_agency", args=[agency.pk])).content.decode()
    heading = body[body.index("<h1>"):body.index("</h1>")]
    assert "revoked" not in heading and "Dicabut" in heading


def test_flag_reasons_are_read_in_the_reader_s_language(client):
    """The same flag reads in Indonesian for one officer and in English for another (the reason is kept as a
    message, not as the text of whoever raised it)."""
    agency, flag = flagged_placement()
    officer = user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.MIGRANT_WORKER_PROTECTION),
                             preferred_language="en")
    client.login(username=officer.username, password=PASSWORD)
    for url in (reverse("web:recruitment"), reverse("web:recruitment_agency", args=[agency.pk])):
        body = client.get(url).content.decode()
        assert "Going abroad to work on a tourist or visit visa, not a work visa." in body, url
        assert "Cambodia is not an official destination" in body, url
        assert "bukan visa kerja" not in body and "bukan negara tujuan resmi" not in body, url
    indonesian = user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.MIGRANT_WORKER_PROTECTION))
    client.login(username=indonesian.username, password=PASSWORD)
    body = client.get(reverse("web:recruitment")).content.decode()
    assert "Berangkat bekerja dengan visa turis/kunjungan, bukan visa kerja." in body
    assert "Kamboja bukan negara tujuan resmi" in body
