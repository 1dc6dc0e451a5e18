"""The report inbox through the API: the list and one report with the possible-match check, and the four triage
moves. The permission matrix over every role, bad input (field errors in the reader's language, nothing written),
idempotency keys, and one audit row per move written by the service."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sinergi.agencies.enums import AgencyType
from sinergi.agencies.tests.factories import AgencyFactory
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.exchange.models import OutboxMessage, Peer
from sinergi.intake.models import Report, ReportMove
from sinergi.intake.services import report_create_public

from .conftest import OTHER, client_for
from .test_permissions import ROLES, row

REASON = "Ada ancaman kekerasan; polisi yang tepat menangani."
OVERRIDE = "Keluarga melapor hilang; korban tidak dapat dihubungi"


@pytest.fixture(autouse=True)
def _language_restored():
    """A request in English leaves English active in the thread: put back what was active before."""
    from django.utils import translation

    with translation.override(translation.get_language()):
        yield


@pytest.fixture(autouse=True)
def partner(scene):
    """A partner instance's police, reached through its local stand-in."""
    peer = Peer.objects.create(code="kh", name="Kamboja", base_url="https://kh.example")
    scene.partner = AgencyFactory(code="kh-cnp", name="Cambodian National Police", type=AgencyType.FOREIGN_POLICE,
                                  country_id="KH", region=None, peer=peer, remote_code="cnp")
    return scene.partner


def u(report, tail=""):
    return f"/api/v1/inbox/{report.pk}/{tail}"


def moves(report):
    """The triage rows of the report's audit trail, in order."""
    return [e.detail["triage"] for e in AuditEvent.objects.filter(object_type="report", object_id=str(report.pk))
            .order_by("seq") if "triage" in e.detail]


MATRIX = [
    row("inbox-list", lambda a, s: a.get("/api/v1/inbox/"), 200, 200, 200, no_casework=403, other=200),
    row("inbox-retrieve", lambda a, s: a.get(u(s.open_report)), 200, 200, 200),
    row("inbox-open-case", lambda a, s: a.post(u(s.open_report, "open-case/"), {}, format="json"), 201, 201, 201),
    row("inbox-attach", lambda a, s: a.post(u(s.report, "attach/"), {"case": s.case.reference}, format="json"),
        200, 200, 200),
    row("inbox-forward", lambda a, s: a.post(u(s.open_report, "forward/"), {
        "to_agency": s.other_agency.code, "reason": REASON}, format="json"), 200, 200, 200),
    # Personal data to another instance: the referral right, as for a referral.
    row("inbox-forward-partner", lambda a, s: a.post(u(s.open_report, "forward/"), {
        "to_agency": s.partner.code, "reason": REASON, "consent_override_reason": OVERRIDE}, format="json"),
        403, 200, 200),
    row("inbox-close", lambda a, s: a.post(u(s.open_report, "close/"), {"reason": "Laporan ganda"}, format="json"),
        200, 200, 200),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("call", "expected"), MATRIX)
def test_permission_matrix(scene, role, call, expected):
    before = AuditEvent.objects.filter(detail__has_key="triage").count()
    response = call(client_for(scene.user(role)), scene)
    assert response.status_code == expected[role], getattr(response, "data", response)
    if response.status_code == 404:
        assert response.json() == {"detail": "Tidak ditemukan."}
    if response.status_code >= 400:
        assert AuditEvent.objects.filter(detail__has_key="triage").count() == before


@pytest.mark.parametrize(("call", "expected"), MATRIX)
def test_anonymous_is_refused(scene, call, expected):
    assert call(APIClient(), scene).status_code == 401


def test_the_inbox_lists_every_channel_with_filters_and_one_audited_read(scene):
    client = client_for(scene.user("intake_officer"))
    public = report_create_public(agency_id=scene.agency.pk, data={"narrative": "Kakak saya di Kamboja."})
    partner = Report.objects.create(channel="partner", received_at=public.received_at, agency=scene.agency,
                                    narrative="Dari sistem mitra.")
    body = client.get("/api/v1/inbox/").json()
    ids = [r["id"] for r in body["results"]]
    assert set(ids) == {str(r.pk) for r in (scene.report, scene.open_report, public, partner)}
    assert {"due_at", "late", "escalation_level", "filed_by", "channel"} <= set(body["results"][0])
    only = client.get("/api/v1/inbox/", {"channel": "partner"}).json()["results"]
    assert [r["id"] for r in only] == [str(partner.pk)]
    read = AuditEvent.objects.filter(action="read", object_type="report", detail__via="api inbox").latest("seq")
    assert read.detail["filters"] == {"channel": "partner"}
    client.post(u(public, "close/"), {"reason": "Laporan ganda"}, format="json")
    done = client.get("/api/v1/inbox/", {"state": "done"}).json()["results"]
    assert [r["id"] for r in done] == [str(public.pk)] and done[0]["status"] == "no_case"
    page = client.get("/api/v1/inbox/", {"page_size": 1}).json()
    assert len(page["results"]) == 1 and page["next"]
    assert client_for(scene.user(OTHER)).get("/api/v1/inbox/").json()["results"] == []


def test_one_report_shows_its_way_and_the_possible_match_check(scene):
    client = client_for(scene.user("case_manager"))
    body = client.get(u(scene.report)).json()
    assert [m["reference"] for m in body["possible_matches"]] == [scene.case.reference]
    assert body["tracking"]["where"] and body["narrative"] and body["reporter_contact"] != "081299998888"
    assert AuditEvent.objects.filter(action="read", object_id=str(scene.report.pk), detail__via="api inbox").exists()
    assert client.get("/api/v1/inbox/not-an-id/").status_code == 404


def test_attach_returns_the_possible_match_result_and_one_audit_row(scene):
    client = client_for(scene.user("case_manager"))
    response = client.post(u(scene.report, "attach/"), {"case": str(scene.case.pk), "idempotency_key": "a1"},
                           format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "linked" and body["case"]["reference"] == scene.case.reference
    assert body["possible_match"] is True and [m["id"] for m in body["possible_matches"]] == [str(scene.case.pk)]
    again = client.post(u(scene.report, "attach/"), {"case": scene.case.reference, "idempotency_key": "a1"},
                        format="json")
    assert again.status_code == 200 and again.json()["case"]["id"] == str(scene.case.pk)
    assert moves(scene.report) == ["attached"]

    # A case the agency does not lead (or that does not exist) is not found.
    missing = client.post(u(scene.open_report, "attach/"), {"case": "SNG-2099-999999"}, format="json")
    assert missing.status_code == 404


def test_open_a_case_is_idempotent_and_writes_one_move(scene):
    client = client_for(scene.user("intake_officer"))
    first = client.post(u(scene.open_report, "open-case/"), {"idempotency_key": "o1"}, format="json")
    assert first.status_code == 201, first.content
    again = client.post(u(scene.open_report, "open-case/"), {"idempotency_key": "o1"}, format="json")
    assert again.status_code == 201 and again.json()["case"] == first.json()["case"]
    assert Case.objects.filter(lead_agency=scene.agency).count() == 2  # the scene's case and this one
    assert moves(scene.open_report) == ["case_opened"]
    assert first.json()["status"] == "case_opened" and first.json()["tracking"]["decided"] is True
    # An anonymous report needs a name.
    anonymous = report_create_public(agency_id=scene.agency.pk, data={"narrative": "Tetangga kami hilang."})
    refused = client.post(u(anonymous, "open-case/"), {}, format="json")
    assert refused.status_code == 400 and "full_name" in refused.json()["errors"]
    named = client.post(u(anonymous, "open-case/"), {"full_name": "Maria Kolo"}, format="json")
    assert named.status_code == 201


def test_forward_here_answers_again_after_the_report_left_and_moves_it_once(scene):
    client = client_for(scene.user("intake_officer"))
    body = {"to_agency": str(scene.other_agency.pk), "reason": REASON, "idempotency_key": "f1"}
    first = client.post(u(scene.open_report, "forward/"), body, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["agency"]["code"] == scene.other_agency.code and first.json()["status"] == "new"
    again = client.post(u(scene.open_report, "forward/"), body, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    assert moves(scene.open_report) == ["forwarded"]
    assert ReportMove.objects.filter(report=scene.open_report, kind="forwarded").count() == 1
    # Without the key, the report is simply no longer the user's.
    assert client.post(u(scene.open_report, "forward/"), {**body, "idempotency_key": ""},
                       format="json").status_code == 404
    # Another user's key does not reach it either.
    other = client_for(scene.user("case_manager"))
    assert other.post(u(scene.open_report, "forward/"), body, format="json").status_code == 404


def test_forward_to_a_partner_needs_consent_and_sends_only_what_is_allowed(scene):
    client = client_for(scene.user("case_manager"))
    url = u(scene.open_report, "forward/")
    refused = client.post(url, {"to_agency": scene.partner.code, "reason": REASON}, format="json")
    assert refused.status_code == 400 and "consent_override_reason" in refused.json()["errors"]
    assert not OutboxMessage.objects.exists() and moves(scene.open_report) == []
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    english.force_authenticate(scene.user("case_manager"))
    words = english.post(url, {"to_agency": scene.partner.code, "reason": REASON}, format="json").json()
    assert "cross-border" in words["errors"]["consent_override_reason"][0]
    done = client.post(url, {"to_agency": scene.partner.code, "reason": REASON, "consent_override_reason": OVERRIDE,
                             "sections": ["location"], "idempotency_key": "kh1"}, format="json")
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "passed_on" and body["passed_on_to"]["code"] == "kh-cnp"
    assert body["partner_received_at"] is None and "sistem mitra" in body["tracking"]["where"]
    (message,) = OutboxMessage.objects.all()
    assert message.body["sections"] == ["exploitation", "location"]
    assert "subject" not in message.body and "reporter" not in message.body
    assert "081299998888" not in str(message.body)
    again = client.post(url, {"to_agency": scene.partner.code, "reason": REASON, "consent_override_reason": OVERRIDE,
                              "sections": ["location"], "idempotency_key": "kh1"}, format="json")
    assert again.status_code == 200 and OutboxMessage.objects.count() == 1
    assert moves(scene.open_report) == ["forwarded"]


def test_close_needs_a_reason(scene):
    client = client_for(scene.user("supervisor"))
    first = client.post(u(scene.open_report, "close/"), {"reason": "Sudah pulang; keluarga mengonfirmasi.",
                                                         "idempotency_key": "c1"}, format="json")
    assert first.status_code == 200 and first.json()["status"] == "no_case"
    client.post(u(scene.open_report, "close/"), {"reason": "Sudah pulang; keluarga mengonfirmasi.",
                                                 "idempotency_key": "c1"}, format="json")
    assert moves(scene.open_report) == ["closed"]
    # A key is one move: reused for another report, it is refused.
    reused = client.post(u(scene.report, "close/"), {"reason": "x", "idempotency_key": "c1"}, format="json")
    assert reused.status_code == 400 and "idempotency_key" in reused.json()["errors"]


def counts():
    return (AuditEvent.objects.count(), Report.objects.count(), ReportMove.objects.count(), Case.objects.count(),
            OutboxMessage.objects.count())


BAD = [
    ("list: unknown state", lambda a, s: a.get("/api/v1/inbox/", {"state": "later"}), "state"),
    ("list: unknown channel", lambda a, s: a.get("/api/v1/inbox/", {"channel": "pigeon"}), "channel"),
    ("list: another agency's inbox", lambda a, s: a.get("/api/v1/inbox/", {"agency": s.other_agency.code}),
     "agency"),
    ("list: bad cursor", lambda a, s: a.get("/api/v1/inbox/", {"cursor": "!!"}), "cursor"),
    ("open: unknown field", lambda a, s: a.post(u(s.open_report, "open-case/"), {"survivor": "x"}, format="json"),
     "survivor"),
    ("open: name too long", lambda a, s: a.post(u(s.open_report, "open-case/"), {"full_name": "x" * 201},
                                                format="json"), "full_name"),
    ("attach: no case", lambda a, s: a.post(u(s.report, "attach/"), {}, format="json"), "case"),
    ("attach: blank case", lambda a, s: a.post(u(s.report, "attach/"), {"case": " "}, format="json"), "case"),
    ("forward: no reason", lambda a, s: a.post(u(s.open_report, "forward/"), {
        "to_agency": s.other_agency.code, "reason": "  "}, format="json"), "reason"),
    ("forward: unknown agency", lambda a, s: a.post(u(s.open_report, "forward/"), {
        "to_agency": "nowhere", "reason": REASON}, format="json"), "to_agency"),
    ("forward: to itself", lambda a, s: a.post(u(s.open_report, "forward/"), {
        "to_agency": s.agency.code, "reason": REASON}, format="json"), "to_agency"),
    ("forward: unknown section", lambda a, s: a.post(u(s.open_report, "forward/"), {
        "to_agency": s.partner.code, "reason": REASON, "sections": ["documents"],
        "consent_override_reason": OVERRIDE}, format="json"), "sections.0"),
    ("forward: a linked report", lambda a, s: a.post(u(s.report, "forward/"), {
        "to_agency": s.other_agency.code, "reason": REASON}, format="json"), "non_field_errors"),
    ("close: no reason", lambda a, s: a.post(u(s.open_report, "close/"), {"reason": ""}, format="json"), "reason"),
    ("close: reason too long", lambda a, s: a.post(u(s.open_report, "close/"), {"reason": "x" * 1001},
                                                   format="json"), "reason"),
    ("close: not an object", lambda a, s: a.post(u(s.open_report, "close/"), ["x"], format="json"),
     "non_field_errors"),
]


@pytest.mark.parametrize("name, call, field", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gives_field_errors_and_writes_nothing(scene, name, call, field):
    if name == "forward: a linked report":
        Report.objects.filter(pk=scene.report.pk).update(case=scene.case)
        field = "report"
    client = client_for(scene.user("supervisor"))
    before = counts()
    response = call(client, scene)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert counts() == before


def test_field_errors_speak_the_readers_language(scene):
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    english.force_authenticate(scene.user("supervisor"))
    body = english.post(u(scene.open_report, "close/"), {"reason": " "}, format="json").json()
    assert body["errors"]["reason"] == ["Write the reason."]
    indonesian = client_for(scene.user("supervisor"))
    body = indonesian.post(u(scene.open_report, "close/"), {"reason": " "}, format="json").json()
    assert body["errors"]["reason"] == ["Tuliskan alasannya."]
    assert english.get("/api/v1/inbox/", {"state": "later"}).json()["errors"]["state"]


def test_a_decided_report_cannot_be_decided_again(scene):
    client = client_for(scene.user("supervisor"))
    client.post(u(scene.open_report, "close/"), {"reason": "Laporan ganda"}, format="json")
    response = client.post(u(scene.open_report, "forward/"), {"to_agency": scene.other_agency.code,
                                                              "reason": REASON}, format="json")
    assert response.status_code == 400 and "report" in response.json()["errors"]
