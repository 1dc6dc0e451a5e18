"""The permission matrix: every role of the lead agency, and a supervisor of another agency, against every
endpoint. Users who may not see the case get 404; roles without casework (agency admin, analyst, system
admin) get no personal data at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.core import clock
from sinergi.referrals.enums import Section

from .conftest import OTHER, client_for

ROLES = ["intake_officer", "case_manager", "supervisor", "agency_admin", "analyst", "system_admin", OTHER]
NO_CASEWORK = ("agency_admin", "analyst", "system_admin")


def row(name, call, intake, manager, supervisor, *, no_casework=404, other=404):
    expected = {"intake_officer": intake, "case_manager": manager, "supervisor": supervisor, OTHER: other,
                **{r: no_casework for r in NO_CASEWORK}}
    return pytest.param(call, expected, id=name)


def c(s, tail=""):
    return f"/api/v1/cases/{s.case.pk}/{tail}"


def p(s, tail=""):
    return f"/api/v1/persons/{s.person.pk}/{tail}"


def r(s, report, tail=""):
    return f"/api/v1/reports/{report.pk}/{tail}"


def yesterday():
    return (clock.today() - dt.timedelta(days=1)).isoformat()


NEW_PERSON = {"full_name": "Agustina Nahak", "sex": "Feminine", "origin_village": "53.01.04.2003"}

MATRIX = [
    row("me", lambda a, s: a.get("/api/v1/me/"), 200, 200, 200, no_casework=200, other=200),
    row("cases-list", lambda a, s: a.get("/api/v1/cases/"), 200, 200, 200, no_casework=403, other=200),
    row("cases-create", lambda a, s: a.post("/api/v1/cases/", {"survivor_data": NEW_PERSON}, format="json"),
        201, 201, 201, no_casework=403, other=201),
    row("cases-retrieve", lambda a, s: a.get(c(s)), 200, 200, 200),
    row("cases-patch", lambda a, s: a.patch(c(s), {"city_of_exploitation": "Sihanoukville"}, format="json"),
        403, 200, 200),
    row("cases-transition", lambda a, s: a.post(c(s, "transition/"), {"to_stage": "located"}, format="json"),
        403, 200, 200),
    row("cases-close", lambda a, s: a.post(c(s, "transition/"), {"to_stage": "closed", "outcome": "declined_help"},
                                           format="json"), 403, 403, 200),
    row("cases-victim-status", lambda a, s: a.post(c(s, "victim-status/"), {
        "status": "ActualVictimOfTrafficking", "decided_by": "NGO"}, format="json"), 200, 200, 200),
    row("services-list", lambda a, s: a.get(c(s, "services/")), 200, 200, 200),
    row("services-add", lambda a, s: a.post(c(s, "services/"), {
        "type": "medical", "provider": s.agency.code, "started_on": yesterday()}, format="json"), 403, 201, 201),
    row("services-patch", lambda a, s: a.patch(c(s, f"services/{s.service.pk}/"), {"outcome": "completed"},
                                               format="json"), 403, 200, 200),
    row("notes-list", lambda a, s: a.get(c(s, "notes/")), 200, 200, 200),
    row("notes-add", lambda a, s: a.post(c(s, "notes/"), {"body": "Keluarga dihubungi."}, format="json"),
        403, 201, 201),
    row("attachments-list", lambda a, s: a.get(c(s, "attachments/")), 200, 200, 200),
    row("attachments-upload", lambda a, s: a.post(c(s, "attachments/"), {
        "file": SimpleUploadedFile("catatan.txt", b"catatan wawancara", content_type="text/plain")},
        format="multipart"), 403, 201, 201),
    row("attachments-download", lambda a, s: a.get(c(s, f"attachments/{s.attachment.pk}/download/")), 200, 200, 200),
    row("timeline", lambda a, s: a.get(c(s, "timeline/")), 200, 200, 200),
    row("persons-retrieve", lambda a, s: a.get(p(s)), 200, 200, 200),
    row("persons-reveal-identity", lambda a, s: a.get(p(s), {"reveal": "identity", "purpose": "verifikasi KBRI"}),
        403, 200, 200),
    row("persons-reveal-contact", lambda a, s: a.get(p(s), {"reveal": "contact", "purpose": "hubungi keluarga"}),
        200, 200, 200),
    row("persons-patch", lambda a, s: a.patch(p(s), {"primary_language": "tet"}, format="json"), 200, 200, 200),
    row("persons-documents-add", lambda a, s: a.post(p(s, "documents/"), {
        "type": "passport", "number": "C1234567", "issuing_country": "IDN"}, format="json"), 201, 201, 201),
    row("persons-family-add", lambda a, s: a.post(p(s, "family-contacts/"), {
        "name": "Marta", "relationship": "sibling", "phone": "081377778888"}, format="json"), 201, 201, 201),
    row("persons-consents-list", lambda a, s: a.get(p(s, "consents/")), 200, 200, 200),
    row("persons-consents-add", lambda a, s: a.post(p(s, "consents/"), {
        "purpose": "referral", "given": True, "method": "lisan"}, format="json"), 201, 201, 201),
    row("reports-list", lambda a, s: a.get("/api/v1/reports/"), 200, 200, 200, no_casework=403, other=200),
    row("reports-create", lambda a, s: a.post("/api/v1/reports/", {
        "channel": "hotline", "narrative": "Penelepon melaporkan tetangga di Kamboja.",
        "subject_data": {"full_name": "Fransiska Seran"}}, format="json"), 201, 201, 201, no_casework=403, other=201),
    row("reports-retrieve", lambda a, s: a.get(r(s, s.open_report)), 200, 200, 200),
    row("reports-screen", lambda a, s: a.post(r(s, s.open_report, "screen/"), {"ilo_indicators": ["1", "4"]},
                                              format="json"), 201, 201, 201),
    row("reports-open-case", lambda a, s: a.post(r(s, s.open_report, "open-case/"), {}, format="json"),
        201, 201, 201),
    row("reports-link-case", lambda a, s: a.post(r(s, s.report, "link-case/"), {"case": s.case.reference},
                                                 format="json"), 200, 200, 200),
    row("agencies-list", lambda a, s: a.get("/api/v1/agencies/"), 200, 200, 200, no_casework=200, other=200),
    row("agencies-retrieve", lambda a, s: a.get(f"/api/v1/agencies/{s.agency.code}/"), 200, 200, 200,
        no_casework=200, other=200),
    row("regions", lambda a, s: a.get("/api/v1/regions/", {"parent": "53"}), 200, 200, 200, no_casework=200,
        other=200),
    row("countries", lambda a, s: a.get("/api/v1/countries/"), 200, 200, 200, no_casework=200, other=200),
    row("indicators", lambda a, s: a.get("/api/v1/indicators/"), 200, 200, 200, no_casework=200, other=200),
    row("vocabularies", lambda a, s: a.get("/api/v1/vocabularies/"), 200, 200, 200, no_casework=200, other=200),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("call", "expected"), MATRIX)
def test_permission_matrix(scene, role, call, expected):
    response = call(client_for(scene.user(role)), scene)
    assert response.status_code == expected[role], getattr(response, "data", response)
    if response.status_code == 404:
        assert response.json() == {"detail": "Tidak ditemukan."}


@pytest.mark.parametrize(("call", "expected"), MATRIX)
def test_anonymous_is_refused(scene, call, expected):
    from rest_framework.test import APIClient

    assert call(APIClient(), scene).status_code == 401


@pytest.mark.parametrize("role", ("agency_admin", "analyst", "system_admin", OTHER))
def test_outsiders_see_no_personal_data_in_lists(scene, role):
    client = client_for(scene.user(role))
    body = client.get("/api/v1/cases/")
    if body.status_code == 200:
        assert body.json()["results"] == []
        assert client.get("/api/v1/reports/").json()["results"] == []
    else:
        assert body.status_code == 403
    me = client.get("/api/v1/me/").json()
    if role in ("analyst", "agency_admin", "system_admin"):
        assert "case.view" not in me["capabilities"]


def test_referral_receiver_sees_only_shared_sections(scene):
    from sinergi.referrals.models import Referral

    Referral.objects.create(case=scene.case, type="shelter", from_agency=scene.agency, to_agency=scene.other_agency,
                            sections=["identity"], sent_at=clock.now(), ack_due_at=clock.now(),
                            complete_due_at=clock.now())
    client = client_for(scene.user(OTHER))
    rows = client.get("/api/v1/cases/").json()["results"]
    assert [row["reference"] for row in rows] == [scene.case.reference]
    assert rows[0]["survivor"]["full_name"] == scene.person.full_name
    assert rows[0]["country_of_exploitation"] is None
    detail = client.get(c(scene)).json()
    assert detail["sections"] == ["identity"]
    assert detail["summary"] is None and detail["travel_document_number"] is None
    from sinergi.audit.models import AuditEvent

    reads = AuditEvent.objects.filter(action="read", object_id=str(scene.case.pk)).count()
    for tail in ("services/", "notes/", "attachments/", "timeline/"):
        assert client.get(c(scene, tail)).status_code == 404
    assert AuditEvent.objects.filter(action="read", object_id=str(scene.case.pk)).count() == reads
    # The person endpoint would show more than the referral shared.
    assert client.get(p(scene)).status_code == 404


SECTION_FIELDS = {
    # section: fields of the case detail that carry it
    "identity": ("survivor", "origin_province", "origin_regency"),
    "documents": ("travel_document_number",),
    "exploitation": ("summary", "exploitation_types", "victim_status", "means_of_control", "relation_to_trafficker"),
    "location": ("country_of_exploitation", "city_of_exploitation"),
}
PART_ENDPOINTS = {"services": "services/", "notes": "notes/", "attachments": "attachments/"}


@pytest.mark.parametrize("section", [s.value for s in Section])
def test_a_receiver_of_one_section_gets_that_section_only(scene, section):
    from sinergi.agencies.enums import Role
    from sinergi.agencies.tests.factories import user_with_role
    from sinergi.referrals.models import Referral

    Referral.objects.create(case=scene.case, type="investigate", from_agency=scene.agency,
                            to_agency=scene.other_agency, sections=[section], sent_at=clock.now(),
                            ack_due_at=clock.now(), complete_due_at=clock.now())
    client = client_for(user_with_role(Role.CASE_MANAGER, scene.other_agency))
    detail = client.get(c(scene)).json()
    assert detail["sections"] == [section]
    for shared, fields in SECTION_FIELDS.items():
        for name in fields:
            assert (detail[name] is not None) is (shared == section), (shared, name, detail[name])
    if section == "documents":
        assert detail["travel_document_number"].endswith("567") and "X1234567" not in str(detail)
    assert detail["external_id"] is None and detail["previous_case"] is None
    for part, tail in PART_ENDPOINTS.items():
        assert client.get(c(scene, tail)).status_code == (200 if part == section else 404), part
    assert client.get(c(scene, f"attachments/{scene.attachment.pk}/download/")).status_code == \
        (200 if section == "attachments" else 404)
    assert client.get(c(scene, "timeline/")).status_code == 404
    assert client.get(p(scene)).status_code == 404
    # A receiver reveals only what was shared with it (a case manager's role may reveal contacts and numbers).
    revealed = client.get(c(scene), {"reveal": "identity", "purpose": "verifikasi dokumen"})
    assert revealed.status_code == (200 if section == "documents" else 404)
    if section == "documents":
        assert revealed.json()["travel_document_number"] == "X1234567"
    rows = client.get("/api/v1/cases/").json()["results"]
    assert [(r["survivor"] is not None, r["country_of_exploitation"] is not None) for r in rows] == \
        [(section == "identity", section == "location")]
