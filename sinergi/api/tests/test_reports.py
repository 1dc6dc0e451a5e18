"""Intake through the API: take a report about a new person, screen it, open a case from it; link a second
report to an existing case."""

from __future__ import annotations

from sinergi.audit.models import AuditEvent
from sinergi.audit.selectors import audit_reads_of
from sinergi.cases.models import Case
from sinergi.intake import indicators
from sinergi.intake.models import Report

from .conftest import client_for


def delphi_keys(dimension: str) -> list[str]:
    return [i.key for i in indicators.delphi_items() if i.dimension == dimension]


def test_report_screen_and_open_case(scene):
    client = client_for(scene.user("intake_officer"))
    created = client.post("/api/v1/reports/", {
        "channel": "embassy", "narrative": "WNI di kompleks penipuan daring di Sihanoukville meminta pulang.",
        "country_of_exploitation": "KHM", "reporter_name": "Staf KBRI Phnom Penh",
        "subject_data": {"full_name": "Yohanes Seran", "sex": "Masculine", "aliases": ["Anis"],
                         "origin_village": "53.01.04.2003"},
    }, format="json")
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == "new" and report["subject"]["full_name"] == "Yohanes Seran"
    assert report["country_of_exploitation"] == "KH"

    items = [k for d in ("deceptive_recruitment", "exploitative_conditions", "coercion_at_destination")
              for k in delphi_keys(d)]
    screened = client.post(f"/api/v1/reports/{report['id']}/screen/", {
        "ilo_indicators": ["1", "3"], "delphi_items": items, "victim_status": "ActualVictimOfTrafficking",
        "decided_by_org": "NGO"}, format="json")
    assert screened.status_code == 201, screened.content
    assert screened.json()["suggested_status"] == "ActualVictimOfTrafficking"

    opened = client.post(f"/api/v1/reports/{report['id']}/open-case/", {
        "details": {"exploitation_types": ["ForcedLabour"], "recruitment_apps": ["Facebook"]}}, format="json")
    assert opened.status_code == 201, opened.content
    case = Case.objects.get(pk=opened.json()["id"])
    assert case.survivor.full_name == "Yohanes Seran" and case.lead_agency == scene.agency
    assert case.country_of_exploitation_id == "KH"  # carried over from the report
    assert case.victim_status == "ActualVictimOfTrafficking"  # decided at screening
    detail = client.get(f"/api/v1/reports/{report['id']}/").json()
    assert detail["status"] == "case_opened" and detail["case"]["reference"] == case.reference
    assert len(detail["screenings"]) == 1 and detail["screenings"][0]["case"] == str(case.pk)


def test_link_second_report_to_case(scene):
    client = client_for(scene.user("case_manager"))
    response = client.post(f"/api/v1/reports/{scene.report.pk}/link-case/", {"case": str(scene.case.pk)},
                           format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "linked" and response.json()["case"]["id"] == str(scene.case.pk)
    assert Report.objects.get(pk=scene.report.pk).case == scene.case
    kinds = [e["kind"] for e in client.get(f"/api/v1/cases/{scene.case.pk}/timeline/").json()]
    assert "report_linked" in kinds


def test_link_to_a_case_of_another_agency_is_not_found(scene):
    from sinergi.core.testing import CaseFactory

    foreign = CaseFactory(lead_agency=scene.other_agency)
    response = client_for(scene.owner).post(f"/api/v1/reports/{scene.report.pk}/link-case/",
                                            {"case": foreign.reference}, format="json")
    assert response.status_code == 404 and response.json() == {"detail": "Tidak ditemukan / not found."}
    assert Report.objects.get(pk=scene.report.pk).case is None


def test_report_list_filters_and_audits(scene):
    client = client_for(scene.user("intake_officer"))
    body = client.get("/api/v1/reports/", {"channel": "family"}).json()
    assert [r["id"] for r in body["results"]] == [str(scene.open_report.pk)]
    assert [r.detail["ids"] for r in audit_reads_of("report", scene.open_report.pk)] == [[str(scene.open_report.pk)]]
    everything = client.get("/api/v1/reports/", {"page_size": 1}).json()
    assert len(everything["results"]) == 1 and everything["next"]
    assert client.get("/api/v1/reports/", {"status": "lost"}).status_code == 400


def test_report_for_an_existing_person(scene):
    client = client_for(scene.owner)
    response = client.post("/api/v1/reports/", {"channel": "village", "narrative": "Kepala desa melapor.",
                                                "subject": str(scene.person.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["subject"]["id"] == str(scene.person.pk)
    invisible = client_for(scene.user("other_supervisor")).post(
        "/api/v1/reports/", {"channel": "village", "narrative": "x", "subject": str(scene.person.pk)}, format="json")
    assert invisible.status_code == 404 and invisible.json() == {"detail": "Tidak ditemukan / not found."}
