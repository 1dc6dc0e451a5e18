"""The case endpoints end to end: filters, spelling-tolerant search, keyset pagination and its query count,
opening a case (new or existing person, re-trafficking), details, the pathway, services, notes, attachments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.core import clock
from sinergi.core.testing import CaseFactory, PersonFactory
from sinergi.regions.models import Region

from .conftest import client_for


def east_java_village() -> Region:
    return Region.objects.filter(level=4, code__startswith="35.").order_by("code").first()


@pytest.fixture
def cases(scene):
    """Three more cases of the lead agency, different in every filtered field, plus one of another agency."""
    today = clock.today()
    village = east_java_village()
    sukarno = CaseFactory(lead_agency=scene.agency, survivor=PersonFactory(full_name="Sukarno Wijaya"),
                          reported_on=today - dt.timedelta(days=10), country_of_exploitation_id="KH")
    muhammad = CaseFactory(
        lead_agency=scene.agency, stage="located", reported_on=today - dt.timedelta(days=5),
        stage_entered_at=clock.now() - dt.timedelta(days=1), country_of_exploitation_id="MY",
        exploitation_types=["SexualExploitation"], primary_exploitation="SexualExploitation",
        victim_status="ActualVictimOfTrafficking",
        survivor=PersonFactory(full_name="Muhammad Rizki", origin_village_id=village.code,
                               origin_province_id=village.code[:2], origin_regency_id=village.code[:5]))
    siti = CaseFactory(lead_agency=scene.agency, stage="protected", survivor=PersonFactory(full_name="Siti Aminah"),
                       reported_on=today - dt.timedelta(days=40), country_of_exploitation_id="SA",
                       exploitation_types=["Servitude", "ForcedLabour"], primary_exploitation="Servitude")
    foreign = CaseFactory(lead_agency=scene.other_agency, survivor=PersonFactory(full_name="Sukarno Lain"))
    return {"sukarno": sukarno, "muhammad": muhammad, "siti": siti, "foreign": foreign, "maria": scene.case}


def refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"sukarno", "muhammad", "siti", "maria"}),
    ({"stage": "located"}, {"muhammad"}),
    ({"stage": ["located", "protected"]}, {"muhammad", "siti"}),
    ({"stage": "located,protected"}, {"muhammad", "siti"}),
    ({"country_of_exploitation": "MY"}, {"muhammad"}),
    ({"country_of_exploitation": "khm"}, {"sukarno", "maria"}),
    ({"origin_province": "35"}, {"muhammad"}),
    ({"origin_regency": "53.01"}, {"sukarno", "siti", "maria"}),
    ({"exploitation_type": "ForcedLabour"}, {"sukarno", "siti", "maria"}),
    ({"exploitation_type": "Servitude"}, {"siti"}),
    ({"victim_status": "ActualVictimOfTrafficking"}, {"muhammad"}),
    ({"reported_from": "{d-7}"}, {"muhammad", "maria"}),
    ({"reported_to": "{d-7}"}, {"sukarno", "siti"}),
    ({"reported_from": "{d-20}", "reported_to": "{d-4}"}, {"sukarno", "muhammad"}),
    ({"stage_entered_from": "{d-2}"}, {"muhammad"}),
    ({"stage_entered_to": "{d-2}"}, {"sukarno", "siti", "maria"}),
    ({"stage": "reported", "country_of_exploitation": "KHM", "q": "soekarno"}, {"sukarno", "maria"}),
    ({"q": "Soekarno"}, {"sukarno", "maria"}),
    ({"q": "Mochamad"}, {"muhammad"}),
    ({"q": "mohamad riski"}, {"muhammad"}),
    ({"q": "Sit"}, {"siti"}),
    ({"q": "Budi"}, set()),
])
def test_filters_and_name_search(scene, cases, params, expected):
    today = clock.today()
    resolved = {}
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("{d-"):
            value = (today - dt.timedelta(days=int(value[3:-1]))).isoformat()
        resolved[key] = value
    response = client_for(scene.user("case_manager")).get("/api/v1/cases/", resolved)
    assert refs(response) == {cases[name].reference for name in expected}


def test_filter_by_lead_agency_id_or_code(scene, cases):
    client = client_for(scene.user("supervisor"))
    assert len(refs(client.get("/api/v1/cases/", {"lead_agency": scene.agency.code}))) == 4
    assert refs(client.get("/api/v1/cases/", {"lead_agency": str(scene.other_agency.pk)})) == set()


def test_search_by_reference(scene, cases):
    response = client_for(scene.owner).get("/api/v1/cases/", {"q": cases["siti"].reference.lower()})
    assert refs(response) == {cases["siti"].reference}


def test_pagination_walks_forward_and_back_without_gaps(scene):
    day = clock.today() - dt.timedelta(days=2)
    made = [CaseFactory(lead_agency=scene.agency, reported_on=day - dt.timedelta(days=i // 3)) for i in range(8)]
    expected = sorted(made + [scene.case], key=lambda c: (c.reported_on, c.pk), reverse=True)
    client = client_for(scene.owner)
    pages, url = [], "/api/v1/cases/?page_size=4"
    while url:
        body = client.get(url).json()
        pages.append([row["reference"] for row in body["results"]])
        url = body["next"]
    assert [len(p) for p in pages] == [4, 4, 1]
    assert [ref for page in pages for ref in page] == [c.reference for c in expected]
    # And back from the last page.
    last = client.get("/api/v1/cases/?page_size=4").json()
    second = client.get(last["next"]).json()
    assert [row["reference"] for row in client.get(second["previous"]).json()["results"]] == pages[0]
    assert last["previous"] is None


def test_list_audits_the_cases_shown_in_one_row(scene, cases):
    client = client_for(scene.owner)
    before = AuditEvent.objects.filter(action="read", object_type="case").count()
    body = client.get("/api/v1/cases/", {"page_size": 2, "country_of_exploitation": "KH"}).json()
    row = AuditEvent.objects.filter(action="read", object_type="case").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="read", object_type="case").count() == before + 1
    assert row.detail["ids"] == [r["id"] for r in body["results"]]
    assert row.detail["filters"] == {"country_of_exploitation": "KH"}


def test_list_query_count_does_not_grow_with_page_size(scene, django_assert_max_num_queries):
    for i in range(30):
        CaseFactory(lead_agency=scene.agency, reported_on=clock.today() - dt.timedelta(days=i % 7))
    from rest_framework.test import APIClient

    from sinergi.api.tokens import token_issue

    # A real token, so that each request resolves its user and memberships as in production.
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token_issue(scene.owner).key}")
    client.get("/api/v1/cases/?page_size=1")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    used = {}
    for size in (5, 30):
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get(f"/api/v1/cases/?page_size={size}&q=siti&stage=reported").json()["results"]) == size
        used[size] = len(ctx.captured_queries)
    assert used[5] == used[30]
    # Ids of own and of referred cases, then the page's rows; a filter on a gated section (here the location)
    # first reads which referred cases share it (one query). The token's check reads whether the username is
    # locked out (one query; its access fingerprint reuses the memberships the request reads anyway).
    with django_assert_max_num_queries(15):
        client.get("/api/v1/cases/?page_size=30&country_of_exploitation=KH")


def test_open_case_with_new_person_and_retrafficking_link(scene):
    client = client_for(scene.user("intake_officer"))
    response = client.post("/api/v1/cases/", {
        "survivor_data": {"full_name": "Agustina Nahak", "aliases": ["Tina"], "sex": "Feminine",
                          "origin_village": "53.01.04.2003", "citizenship": "IDN"},
        "reported_on": (clock.today() - dt.timedelta(days=1)).isoformat(), "external_id": "IOM-KH-2026-001",
        "previous_case": str(scene.case.pk),
        "details": {"exploitation_types": ["ForcedLabour"], "recruitment_apps": ["Facebook"],
                    "country_of_exploitation": "KHM", "city_of_exploitation": "Sihanoukville"},
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert case.lead_agency == scene.agency and case.previous_case == scene.case
    assert case.country_of_exploitation_id == "KH" and case.origin_province_id == "53"
    assert body["survivor"]["aliases"] == ["Tina"] and body["previous_case"]["reference"] == scene.case.reference
    assert body["stage"] == "reported" and body["stage_durations"][0]["stage"] == "reported"
    actions = set(AuditEvent.objects.filter(object_id__in=[str(case.pk), str(case.survivor_id)])
                  .values_list("action", "object_type"))
    assert {("create", "case"), ("create", "person")} <= actions


def test_open_case_for_an_existing_person(scene):
    response = client_for(scene.owner).post("/api/v1/cases/", {"survivor": str(scene.person.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["survivor"]["id"] == str(scene.person.pk)


def test_user_in_two_agencies_names_the_lead_agency(scene):
    from sinergi.agencies.models import Membership

    user = scene.user("case_manager")
    Membership.objects.create(user=user, agency=scene.other_agency, role="case_manager")
    client = client_for(user)
    missing = client.post("/api/v1/cases/", {"survivor_data": {"full_name": "A B"}}, format="json")
    assert missing.status_code == 400 and "lead_agency" in missing.json()["errors"]
    ok = client.post("/api/v1/cases/", {"survivor_data": {"full_name": "A B"}, "lead_agency": scene.other_agency.code},
                     format="json")
    assert ok.status_code == 201 and ok.json()["lead_agency"]["code"] == scene.other_agency.code


def test_pathway_through_the_api(scene):
    client = client_for(scene.owner)
    url = f"/api/v1/cases/{scene.case.pk}/"
    assert client.post(url + "transition/", {"to_stage": "located", "idempotency_key": "k1"},
                       format="json").json()["stage"] == "located"
    # The same request again (a retry) changes nothing.
    again = client.post(url + "transition/", {"to_stage": "located", "idempotency_key": "k1"}, format="json")
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="transition", object_id=str(scene.case.pk)).count() == 1
    status = client.post(url + "victim-status/", {"status": "ActualVictimOfTrafficking", "decided_by": "Police"},
                         format="json").json()
    assert status["victim_status"] == "ActualVictimOfTrafficking"
    assert client.post(url + "transition/", {"to_stage": "identified"}, format="json").status_code == 200
    assert client.post(url + "transition/", {"to_stage": "documented"}, format="json").status_code == 200
    needs = client.post(url + "transition/", {"to_stage": "repatriated"}, format="json")
    assert needs.status_code == 400 and "port_of_entry" in needs.json()["errors"]
    done = client.post(url + "transition/", {"to_stage": "repatriated", "data": {"port_of_entry": "Tanjung Pinang"}},
                       format="json").json()
    assert done["stage"] == "repatriated" and done["port_of_entry"] == "Tanjung Pinang"
    assert [d["stage"] for d in done["stage_durations"]] == [
        "reported", "located", "identified", "documented", "repatriated"]
    closed = client.post(url + "transition/", {"to_stage": "closed", "outcome": "stays_abroad",
                                               "note": "Memilih tinggal"}, format="json").json()
    assert closed["stage"] == "closed" and closed["outcome"] == "stays_abroad" and closed["allowed_transitions"] == []
    kinds = [e["kind"] for e in client.get(url + "timeline/").json()]
    assert kinds.count("stage_changed") == 5 and "victim_status" in kinds


def test_details_patch(scene):
    client = client_for(scene.user("case_manager"))
    body = client.patch(f"/api/v1/cases/{scene.case.pk}/", {
        "exploitation_types": ["SexualExploitation", "ForcedLabour"], "means_of_control": [],
        "recruited_on": "2025-03-01", "country_of_exploitation": None}, format="json").json()
    assert body["primary_exploitation"] == "SexualExploitation"
    assert body["recruited_on"] == "2025-03-01" and body["country_of_exploitation"] is None
    assert refs(client.get("/api/v1/cases/", {"exploitation_type": "SexualExploitation"})) == {scene.case.reference}


def test_services_notes_and_attachments(scene):
    client = client_for(scene.user("case_manager"))
    url = f"/api/v1/cases/{scene.case.pk}/"
    added = client.post(url + "services/", {"type": "psychosocial", "provider": str(scene.other_agency.pk),
                                            "started_on": clock.today().isoformat()}, format="json")
    assert added.status_code == 201 and added.json()["provider"]["code"] == scene.other_agency.code
    patched = client.patch(url + f"services/{added.json()['id']}/", {"outcome": "completed",
                                                                     "ended_on": clock.today().isoformat()},
                           format="json").json()
    assert patched["outcome"] == "completed" and patched["type"] == "psychosocial"
    assert [s["type"] for s in client.get(url + "services/").json()] == ["shelter", "psychosocial"]
    assert client.post(url + "notes/", {"body": "Konseling pertama."}, format="json").status_code == 201
    assert [n["body"] for n in client.get(url + "notes/").json()][-1] == "Konseling pertama."
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    up = client.post(url + "attachments/", {"file": SimpleUploadedFile("foto paspor.png", png, "image/png"),
                                            "description": "Foto"}, format="multipart")
    assert up.status_code == 201 and up.json()["content_type"] == "image/png"
    download = client.get(url + f"attachments/{up.json()['id']}/download/", {"purpose": "verifikasi"})
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png
    assert 'filename="foto paspor.png"' in download["Content-Disposition"]
    (row,) = AuditEvent.objects.filter(action="download", object_id=up.json()["id"])
    assert row.purpose == "verifikasi"


def test_sub_resource_reads_are_audited(scene):
    client = client_for(scene.owner)
    before = AuditEvent.objects.filter(action="read", object_id=str(scene.case.pk)).count()
    for tail in ("", "services/", "notes/", "attachments/", "timeline/"):
        assert client.get(f"/api/v1/cases/{scene.case.pk}/{tail}").status_code == 200
    assert AuditEvent.objects.filter(action="read", object_id=str(scene.case.pk)).count() == before + 5
