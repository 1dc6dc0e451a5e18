"""Referrals through the API: send, list, answer, withdraw; need to know; 4xx for bad input."""

import pytest

from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.referrals.models import Referral

from .conftest import OTHER, client_for

pytestmark = pytest.mark.django_db


def url(scene, tail=""):
    return f"/api/v1/cases/{scene.case.pk}/referrals/{tail}"


def send(scene, **extra):
    body = {"type": "shelter", "to_agency": scene.other_agency.code, "consent_override_reason": "Korban dalam bahaya; keluarga meminta bantuan segera.",
            **extra}
    return client_for(scene.owner).post(url(scene), body, format="json")


def test_lead_agency_sends_and_both_sides_see_it(scene):
    r = send(scene, sections=["identity"], message="Mohon rumah aman", idempotency_key="k-1")
    assert r.status_code == 201, r.json()
    sent = r.json()
    assert (sent["type"], sent["to_agency"], sent["status"], sent["sections"]) == (
        "shelter", scene.other_agency.code, "sent", ["identity"])
    assert send(scene, sections=["identity"], idempotency_key="k-1").json()["id"] == sent["id"]  # idempotent
    assert Referral.objects.count() == 1
    assert [x["id"] for x in client_for(scene.owner).get(url(scene)).json()] == [sent["id"]]
    receiver = client_for(scene.user(OTHER))
    incoming = receiver.get("/api/v1/referrals/").json()
    assert [x["id"] for x in incoming] == [sent["id"]] and incoming[0]["case_reference"] == scene.case.reference
    assert client_for(scene.owner).get("/api/v1/referrals/?direction=outgoing").json()[0]["id"] == sent["id"]
    assert client_for(scene.owner).get("/api/v1/referrals/").json() == []  # nothing came to the lead agency


def test_receiver_answers_and_sender_withdraws_others_get_404(scene):
    sent = send(scene).json()
    receiver = client_for(scene.user(OTHER))
    status_url = f"/api/v1/referrals/{sent['id']}/status/"
    r = receiver.post(status_url, {"status": "acknowledged"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged" and r.json()["acknowledged_at"]
    r = receiver.post(status_url, {"status": "declined"}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["errors"]  # declining needs a reason
    # The receiver sees only its own referrals of the case; an outsider sees neither the case nor the referral.
    assert [x["id"] for x in receiver.get(url(scene)).json()] == [sent["id"]]
    outsider = client_for(user_with_role("supervisor", AgencyFactory()))
    assert outsider.get(url(scene)).status_code == 404
    assert outsider.post(status_url, {"status": "acknowledged"}, format="json").status_code == 404
    assert receiver.post(status_url, {"status": "withdrawn"}, format="json").status_code in (403, 404)
    r = client_for(scene.owner).post(status_url, {"status": "withdrawn", "reason": "Sudah aman"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert AuditEvent.objects.filter(object_type="referral", object_id=sent["id"]).count() >= 3


@pytest.mark.parametrize("body,field", [
    ({"type": "teleport"}, "type"),
    ({"to_agency": "no-such-agency"}, "to_agency"),
    ({"sections": ["everything"]}, "sections"),
    ({"message": "x" * 5001}, "message"),
])
def test_bad_referral_input_is_a_field_error_and_writes_nothing(scene, body, field):
    r = send(scene, **body)
    assert r.status_code == 400 and any(k.split(".")[0] == field for k in r.json()["errors"])
    assert not Referral.objects.exists()


def test_referral_list_rejects_unknown_filters(scene):
    client = client_for(scene.owner)
    assert "direction" in client.get("/api/v1/referrals/?direction=sideways").json()["errors"]
    assert "status" in client.get("/api/v1/referrals/?status=lost").json()["errors"]
    assert client.get("/api/v1/referrals/?status=sent").status_code == 200
    assert client_for(scene.user("analyst")).get("/api/v1/referrals/").status_code == 403
