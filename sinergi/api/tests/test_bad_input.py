"""Bad input never gives a 500 or half-written data: each request below answers 4xx with field errors and
leaves every table as it was (audit log included)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Attachment, Case, Note, ServiceDelivery, StageEntry, TimelineEvent
from sinergi.core import clock
from sinergi.intake.models import Report, Screening
from sinergi.people.models import Consent, FamilyContact, IdentityDocument, Person

from .conftest import client_for

MODELS = (AuditEvent, Case, Person, Report, Screening, Note, ServiceDelivery, Attachment, StageEntry, TimelineEvent,
          IdentityDocument, FamilyContact, Consent)


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


def tomorrow():
    return (clock.today() + dt.timedelta(days=1)).isoformat()


def case_url(s, tail=""):
    return f"/api/v1/cases/{s.case.pk}/{tail}"


def person_url(s, tail=""):
    return f"/api/v1/persons/{s.person.pk}/{tail}"


NEW = {"full_name": "Agustina Nahak"}

# (name, request, expected status, field that must carry an error)
BAD = [
    ("case: missing survivor", lambda a, s: a.post("/api/v1/cases/", {}, format="json"), 400, "survivor"),
    ("case: both survivor forms", lambda a, s: a.post("/api/v1/cases/", {
        "survivor": str(s.person.pk), "survivor_data": NEW}, format="json"), 400, "survivor"),
    ("case: blank name", lambda a, s: a.post("/api/v1/cases/", {"survivor_data": {"full_name": " "}}, format="json"),
     400, "survivor_data.full_name"),
    ("case: survivor not a uuid", lambda a, s: a.post("/api/v1/cases/", {"survivor": "abc"}, format="json"),
     400, "survivor"),
    ("case: unknown village", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": {**NEW, "origin_village": "99.99.99.9999"}}, format="json"),
     400, "survivor_data.origin_village"),
    ("case: province as village", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": {**NEW, "origin_village": "53"}}, format="json"), 400, "survivor_data.origin_village"),
    ("case: age not a number", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": {**NEW, "estimated_age": "muda"}}, format="json"), 400, "survivor_data.estimated_age"),
    ("case: birth in the future", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": {**NEW, "date_of_birth": tomorrow()}}, format="json"), 400, "survivor_data.date_of_birth"),
    ("case: reported in the future", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": NEW, "reported_on": tomorrow()}, format="json"), 400, "reported_on"),
    ("case: reported not a date", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": NEW, "reported_on": "kemarin"}, format="json"), 400, "reported_on"),
    ("case: unknown country", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": NEW, "details": {"country_of_exploitation": "XX"}}, format="json"),
     400, "details.country_of_exploitation"),
    ("case: unknown exploitation type", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": NEW, "details": {"exploitation_types": ["Gardening"]}}, format="json"),
     400, "details.exploitation_types"),
    ("case: exploitation types not a list", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": NEW, "details": {"exploitation_types": 5}}, format="json"), 400, "details.exploitation_types"),
    ("case: unknown field", lambda a, s: a.post("/api/v1/cases/", {"survivor_data": NEW, "colour": "red"},
                                                format="json"), 400, "colour"),
    ("case: lead agency not mine", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": NEW, "lead_agency": s.other_agency.code}, format="json"), 400, "lead_agency"),
    ("case: duplicate external id", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": NEW, "external_id": "CTDC-1"}, format="json"), 409, "external_id"),
    ("case: body is a list", lambda a, s: a.post("/api/v1/cases/", "[1, 2]", content_type="application/json"),
     400, "non_field_errors"),
    ("case: malformed json", lambda a, s: a.post("/api/v1/cases/", "{survivor:", content_type="application/json"),
     400, "non_field_errors"),
    ("details: ended before started", lambda a, s: a.patch(case_url(s), {
        "exploitation_started_on": "2025-05-01", "exploitation_ended_on": "2025-01-01"}, format="json"),
     400, "exploitation_ended_on"),
    ("details: not patchable here", lambda a, s: a.patch(case_url(s), {"stage": "closed"}, format="json"),
     400, "stage"),
    ("transition: not allowed", lambda a, s: a.post(case_url(s, "transition/"), {"to_stage": "repatriated"},
                                                    format="json"), 400, "to_stage"),
    ("transition: unknown stage", lambda a, s: a.post(case_url(s, "transition/"), {"to_stage": "flying"},
                                                      format="json"), 400, "to_stage"),
    ("transition: in the future", lambda a, s: a.post(case_url(s, "transition/"), {
        "to_stage": "located", "at": (clock.now() + dt.timedelta(days=2)).isoformat()}, format="json"), 400, "at"),
    ("transition: before current stage", lambda a, s: a.post(case_url(s, "transition/"), {
        "to_stage": "located", "at": (clock.now() - dt.timedelta(days=30)).isoformat()}, format="json"), 400, "at"),
    ("transition: close without outcome", lambda a, s: a.post(case_url(s, "transition/"), {"to_stage": "closed"},
                                                              format="json"), 400, "outcome"),
    ("transition: at not a datetime", lambda a, s: a.post(case_url(s, "transition/"), {
        "to_stage": "located", "at": "besok"}, format="json"), 400, "at"),
    ("victim status: unknown", lambda a, s: a.post(case_url(s, "victim-status/"), {
        "status": "Maybe", "decided_by": "NGO"}, format="json"), 400, "status"),
    ("service: unknown provider", lambda a, s: a.post(case_url(s, "services/"), {
        "type": "medical", "provider": "nobody", "started_on": "2026-01-01"}, format="json"), 400, "provider"),
    ("service: started in the future", lambda a, s: a.post(case_url(s, "services/"), {
        "type": "medical", "provider": s.agency.code, "started_on": tomorrow()}, format="json"), 400, "started_on"),
    ("service: unknown type", lambda a, s: a.post(case_url(s, "services/"), {
        "type": "massage", "provider": s.agency.code, "started_on": "2026-01-01"}, format="json"), 400, "type"),
    ("note: empty", lambda a, s: a.post(case_url(s, "notes/"), {"body": "   "}, format="json"), 400, "body"),
    ("attachment: missing file", lambda a, s: a.post(case_url(s, "attachments/"), {"description": "x"},
                                                     format="multipart"), 400, "file"),
    ("attachment: wrong type", lambda a, s: a.post(case_url(s, "attachments/"), {
        "file": SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff\x00\x00")},
        format="multipart"), 400, "file"),
    ("attachment: too large", lambda a, s: a.post(case_url(s, "attachments/"), {
        "file": SimpleUploadedFile("big.txt", b"a" * 2048)}, format="multipart"), 400, "file"),
    ("person: phone", lambda a, s: a.patch(person_url(s), {"phone": "call me"}, format="json"), 400, "phone"),
    ("person: country", lambda a, s: a.patch(person_url(s), {"citizenship": "ZZZ"}, format="json"), 400, "citizenship"),
    ("person: email", lambda a, s: a.patch(person_url(s), {"email": "not-an-email"}, format="json"), 400, "email"),
    ("person: sex", lambda a, s: a.patch(person_url(s), {"sex": "F"}, format="json"), 400, "sex"),
    ("person: agency not mine", lambda a, s: a.patch(person_url(s), {"full_name": "X", "agency": s.other_agency.code},
                                                     format="json"), 400, "agency"),
    ("document: short NIK", lambda a, s: a.post(person_url(s, "documents/"), {
        "type": "nik", "number": "530123456789012", "issuing_country": "ID"}, format="json"), 400, "number"),
    ("document: NIK from Malaysia", lambda a, s: a.post(person_url(s, "documents/"), {
        "type": "nik", "number": "5301234567890123", "issuing_country": "MY"}, format="json"), 400, "number"),
    ("family: unknown relationship", lambda a, s: a.post(person_url(s, "family-contacts/"), {
        "name": "Marta", "relationship": "cousin twice removed"}, format="json"), 400, "relationship"),
    ("consent: given not a boolean", lambda a, s: a.post(person_url(s, "consents/"), {
        "purpose": "referral", "given": "perhaps"}, format="json"), 400, "given"),
    ("consent: unknown purpose", lambda a, s: a.post(person_url(s, "consents/"), {
        "purpose": "marketing", "given": True}, format="json"), 400, "purpose"),
    ("consent: unknown kind of agency", lambda a, s: a.post(person_url(s, "consents/"), {
        "purpose": "referral", "given": True, "agency_types": ["bank"]}, format="json"), 400, "agency_types"),
    ("consent: kinds of agency for statistics", lambda a, s: a.post(person_url(s, "consents/"), {
        "purpose": "statistics", "given": True, "agency_types": ["ngo"]}, format="json"), 400, "agency_types"),
    ("reveal: no purpose", lambda a, s: a.get(person_url(s), {"reveal": "identity"}), 400, "purpose"),
    ("reveal: unknown section", lambda a, s: a.get(person_url(s), {"reveal": "everything", "purpose": "x"}),
     400, "reveal"),
    ("report: unknown channel", lambda a, s: a.post("/api/v1/reports/", {"channel": "pigeon", "narrative": "x"},
                                                    format="json"), 400, "channel"),
    ("report: no narrative", lambda a, s: a.post("/api/v1/reports/", {"channel": "hotline", "narrative": ""},
                                                 format="json"), 400, "narrative"),
    ("report: received in the future", lambda a, s: a.post("/api/v1/reports/", {
        "channel": "hotline", "narrative": "x", "received_at": (clock.now() + dt.timedelta(days=1)).isoformat()},
        format="json"), 400, "received_at"),
    ("report: bad subject data", lambda a, s: a.post("/api/v1/reports/", {
        "channel": "hotline", "narrative": "x", "subject_data": {"full_name": "A", "citizenship": "QQ"}},
        format="json"), 400, "subject_data.citizenship"),
    ("screen: unknown indicator", lambda a, s: a.post(f"/api/v1/reports/{s.open_report.pk}/screen/", {
        "ilo_indicators": ["99"], "delphi_items": ["nope"]}, format="json"), 400, "ilo_indicators"),
    ("screen: unknown decider", lambda a, s: a.post(f"/api/v1/reports/{s.open_report.pk}/screen/", {
        "victim_status": "ActualVictimOfTrafficking", "decided_by_org": "Oracle"}, format="json"), 400,
     "decided_by_org"),
    ("screen: indicators not a list", lambda a, s: a.post(f"/api/v1/reports/{s.open_report.pk}/screen/", {
        "ilo_indicators": {"1": True}}, format="json"), 400, "ilo_indicators"),
    ("open case: report already has one", lambda a, s: a.post(f"/api/v1/reports/{s.report.pk}/open-case/", {},
                                                              format="json"), 400, "report"),
    ("open case: bad new person", lambda a, s: a.post(f"/api/v1/reports/{s.open_report.pk}/open-case/", {
        "survivor_data": {**NEW, "origin_village": "nowhere"}}, format="json"), 400, "survivor_data.origin_village"),
    ("open case: bad details", lambda a, s: a.post(f"/api/v1/reports/{s.open_report.pk}/open-case/", {
        "details": {"recruitment_apps": ["Carrier pigeon"]}}, format="json"), 400, "details.recruitment_apps"),
    ("list: unknown stage", lambda a, s: a.get("/api/v1/cases/", {"stage": "reported,flying"}), 400, "stage.1"),
    ("list: unknown country", lambda a, s: a.get("/api/v1/cases/", {"country_of_exploitation": "XYZ"}), 400,
     "country_of_exploitation"),
    ("list: unknown province", lambda a, s: a.get("/api/v1/cases/", {"origin_province": "99"}), 400, "origin_province"),
    ("list: regency given as province", lambda a, s: a.get("/api/v1/cases/", {"origin_province": "53.01"}), 400,
     "origin_province"),
    ("list: bad date", lambda a, s: a.get("/api/v1/cases/", {"reported_from": "2026-13-45"}), 400, "reported_from"),
    ("list: reversed range", lambda a, s: a.get("/api/v1/cases/", {
        "reported_from": "2026-02-01", "reported_to": "2026-01-01"}), 400, "reported_to"),
    ("list: bad cursor", lambda a, s: a.get("/api/v1/cases/", {"cursor": "not-a-cursor"}), 400, "cursor"),
    ("list: forged cursor", lambda a, s: a.get("/api/v1/cases/", {"cursor": "cD0lNUIlMjJ4JTIyJTVE"}), 400, "cursor"),
    ("list: unknown agency", lambda a, s: a.get("/api/v1/cases/", {"lead_agency": "nobody"}), 400, "lead_agency"),
    ("list: unknown exploitation", lambda a, s: a.get("/api/v1/cases/", {"exploitation_type": "Gardening"}), 400,
     "exploitation_type"),
    ("regions: unknown level", lambda a, s: a.get("/api/v1/regions/", {"level": "9"}), 400, "level"),
]


@pytest.mark.parametrize(("call", "expected", "field"), [pytest.param(*b[1:], id=b[0]) for b in BAD])
def test_bad_input_gives_field_errors_and_writes_nothing(scene, settings, call, expected, field):
    settings.SINERGI_ATTACHMENT_MAX_BYTES = 1024
    Case.objects.filter(pk=scene.case.pk).update(external_id="CTDC-1")
    from sinergi.intake.models import Report

    Report.objects.filter(pk=scene.report.pk).update(case=scene.case)
    client = client_for(scene.owner)
    before = counts()
    response = call(client, scene)
    assert response.status_code == expected, response.content
    assert field in response.json()["errors"], response.json()
    assert all(isinstance(m, str) and m for m in response.json()["errors"][field])
    assert counts() == before


# A body naming a person or case the user may not see (or that does not exist) is answered as a path would be:
# not found, whatever the reason, so that nobody learns which ids exist.
UNSEEN_REFERENCES = [
    ("case: survivor unknown", lambda a, s: a.post("/api/v1/cases/", {
        "survivor": "00000000-0000-0000-0000-000000000000"}, format="json")),
    ("case: survivor of another agency", lambda a, s: a.post("/api/v1/cases/", {
        "survivor": str(s.other_person.pk)}, format="json")),
    ("case: previous case invisible", lambda a, s: a.post("/api/v1/cases/", {
        "survivor_data": NEW, "previous_case": "00000000-0000-0000-0000-000000000001"}, format="json")),
    ("report: subject of another agency", lambda a, s: a.post("/api/v1/reports/", {
        "channel": "hotline", "narrative": "x", "subject": str(s.other_person.pk)}, format="json")),
    ("open case: survivor of another agency", lambda a, s: a.post(f"/api/v1/reports/{s.open_report.pk}/open-case/", {
        "survivor": str(s.other_person.pk)}, format="json")),
    ("link case: unknown", lambda a, s: a.post(f"/api/v1/reports/{s.report.pk}/link-case/", {"case": "SNG-1900-1"},
                                               format="json")),
]


@pytest.mark.parametrize("call", [pytest.param(b[1], id=b[0]) for b in UNSEEN_REFERENCES])
def test_references_to_what_the_user_may_not_see_are_not_found(scene, call):
    from sinergi.cases.tests.factories import CaseFactory

    scene.other_person = CaseFactory(lead_agency=scene.other_agency).survivor
    client = client_for(scene.owner)
    before = counts()
    response = call(client, scene)
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Tidak ditemukan."}
    assert counts() == before


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/api/v1/cases/not-a-uuid/"), ("post", "/api/v1/cases/00000000-0000-0000-0000-000000000000/transition/"),
    ("get", "/api/v1/persons/123/"), ("get", "/api/v1/reports/%20/"), ("patch", "/api/v1/cases/{case}/services/nope/"),
    ("get", "/api/v1/cases/{case}/attachments/00000000-0000-0000-0000-000000000000/download/"),
    ("get", "/api/v1/agencies/nobody/"), ("get", "/api/v1/no/such/endpoint/"),
    ("post", "/api/v1/persons/1e3/consents/"),
])
def test_malformed_or_unknown_ids_are_not_found(scene, method, url):
    client = client_for(scene.owner)
    before = counts()
    response = getattr(client, method)(url.format(case=scene.case.pk), {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan."}
    assert counts() == before


def test_duplicate_external_id_rolls_back_the_new_person(scene):
    client = client_for(scene.owner)
    first = client.post("/api/v1/cases/", {"survivor_data": NEW, "external_id": "IOM-77"}, format="json")
    assert first.status_code == 201
    persons = Person.objects.count()
    again = client.post("/api/v1/cases/", {"survivor_data": {"full_name": "Orang Lain"}, "external_id": "IOM-77"},
                        format="json")
    assert again.status_code == 409
    assert again.json()["errors"]["external_id"]
    assert Person.objects.count() == persons
    assert not Person.objects.filter(full_name="Orang Lain").exists()


def test_serializer_and_unknown_field_errors_come_together(scene):
    response = client_for(scene.owner).post("/api/v1/cases/", {
        "survivor_data": NEW, "details": {"recruited_on": "yesterday"}, "extra": 1}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"details.recruited_on", "extra"}
