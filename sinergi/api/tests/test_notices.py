"""Notices through the API: issue, list, read, answer, close; 404 for outsiders; field errors."""

import pytest

from sinergi.audit.models import AuditEvent
from sinergi.audit.selectors import audit_reads_of
from sinergi.core.testing import AgencyFactory, user_with_role
from sinergi.referrals.models import Notice, NoticeAnswer

from .conftest import OTHER, client_for

pytestmark = pytest.mark.django_db


def issue(scene, **extra):
    body = {"kind": "missing", "subject_name": "Yohana Lake", "description": "Perempuan 24 tahun, rambut panjang.",
            "last_known_place": "Bavet", "last_known_country": "kh", "recipients": [scene.other_agency.code],
            "case": scene.case.reference, **extra}
    return client_for(scene.owner).post("/api/v1/notices/", body, format="json")


def test_issue_read_answer_and_close(scene):
    r = issue(scene)
    assert r.status_code == 201, r.json()
    notice = r.json()
    assert notice["recipients"] == [scene.other_agency.code] and notice["last_known_country"] == "KH"
    assert Notice.objects.get().case == scene.case
    receiver = client_for(scene.user(OTHER))
    listed = receiver.get("/api/v1/notices/").json()
    assert [n["id"] for n in listed] == [notice["id"]]
    assert any(r.detail.get("via") == "api list" for r in audit_reads_of("notice", notice["id"]))
    r = receiver.post(f"/api/v1/notices/{notice['id']}/answers/", {"body": "Terlihat di Bavet."}, format="json")
    assert r.status_code == 201 and r.json()["agency"] == scene.other_agency.code
    detail = client_for(scene.owner).get(f"/api/v1/notices/{notice['id']}/").json()
    assert [a["body"] for a in detail["answers"]] == ["Terlihat di Bavet."]
    assert receiver.post(f"/api/v1/notices/{notice['id']}/close/").status_code == 404  # only the issuer closes
    r = client_for(scene.owner).post(f"/api/v1/notices/{notice['id']}/close/")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert client_for(scene.owner).get("/api/v1/notices/?status=open").json() == []


def test_outsiders_get_404(scene):
    notice = issue(scene).json()
    outsider = client_for(user_with_role("supervisor", AgencyFactory()))
    assert outsider.get(f"/api/v1/notices/{notice['id']}/").status_code == 404
    assert outsider.get("/api/v1/notices/not-a-uuid/").status_code == 404
    assert outsider.post(f"/api/v1/notices/{notice['id']}/answers/", {"body": "x"}, format="json").status_code == 404
    assert outsider.get("/api/v1/notices/").json() == []
    assert not NoticeAnswer.objects.exists()


@pytest.mark.parametrize("body,field", [
    ({"kind": "wanted"}, "kind"),
    ({"recipients": []}, "recipients"),
    ({"recipients": ["no-such-agency"]}, "recipients"),
    ({"description": ""}, "description"),
    ({"last_seen_on": "2999-01-01"}, "last_seen_on"),
])
def test_bad_notice_is_a_field_error_and_writes_nothing(scene, body, field):
    r = issue(scene, **body)
    assert r.status_code == 400 and any(k.split(".")[0] == field for k in r.json()["errors"]), r.json()
    assert not Notice.objects.exists()


def test_a_notice_about_a_case_the_agency_does_not_lead_is_not_found(scene):
    from sinergi.core.testing import CaseFactory

    for reference in ("SNG-1999-000001", CaseFactory(lead_agency=scene.other_agency).reference):
        r = issue(scene, case=reference)
        assert r.status_code == 404 and r.json() == {"detail": "Tidak ditemukan / not found."}
    assert not Notice.objects.exists()


def test_roles_that_may_not_issue_are_refused(scene):
    r = client_for(scene.user("analyst")).post("/api/v1/notices/", {"kind": "missing"}, format="json")
    assert r.status_code == 403
    assert "status" in client_for(scene.owner).get("/api/v1/notices/?status=lost").json()["errors"]
