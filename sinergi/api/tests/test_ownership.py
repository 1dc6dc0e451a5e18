"""Finding 2 of the trust review: a referral receiver took the survivor over by opening its own case for her.

A write that names an existing person must come from an agency that already sees that person in full (the lead
agency of a case of hers, the agency that received a report about her, or the one that created her record);
anyone else gets 404 and nothing is written."""

from __future__ import annotations

import pytest

from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.intake.models import Report
from sinergi.referrals.services import referral_send, referral_withdraw

from .conftest import NIK, OTHER, client_for

NOT_FOUND = {"detail": "Tidak ditemukan."}


@pytest.fixture
def shared(scene):
    """The scene's case referred to the other agency with the identity section only."""
    referral = referral_send(actor=scene.owner, case=scene.case, type="shelter", to_agency=scene.other_agency,
                             sections=["identity"], consent_override_reason="Penyintas belum dapat dihubungi")
    scene.referral = referral
    return scene


def _counts():
    return Case.objects.count(), Report.objects.count(), AuditEvent.objects.filter(action="create").count()


def test_receiver_cannot_open_a_case_for_the_referred_survivor(shared):
    receiver = client_for(shared.user(OTHER))
    before = _counts()
    response = receiver.post("/api/v1/cases/", {"survivor": str(shared.person.pk)}, format="json")
    assert response.status_code == 404, response.json()
    assert response.json() == NOT_FOUND
    assert _counts() == before
    assert not Case.objects.filter(survivor=shared.person, lead_agency=shared.other_agency).exists()


def test_receiver_cannot_read_the_person_in_full_before_or_after_withdrawal(shared):
    receiver = client_for(shared.user(OTHER))
    receiver.post("/api/v1/cases/", {"survivor": str(shared.person.pk)}, format="json")
    query = {"reveal": "identity,contact,address", "purpose": "x"}
    response = receiver.get(f"/api/v1/persons/{shared.person.pk}/", query)
    assert response.status_code == 404
    assert NIK not in response.content.decode()
    referral_withdraw(actor=shared.owner, referral=shared.referral, reason="Sudah ditemukan")
    response = receiver.get(f"/api/v1/persons/{shared.person.pk}/", query)
    assert response.status_code == 404
    assert NIK not in response.content.decode()
    assert receiver.get(f"/api/v1/persons/{shared.person.pk}/consents/").status_code == 404


def test_receiver_cannot_file_a_report_about_the_referred_survivor(shared):
    receiver = client_for(shared.user(OTHER))
    before = _counts()
    response = receiver.post("/api/v1/reports/", {
        "channel": "hotline", "narrative": "Laporan tentang orang yang dirujuk.", "subject": str(shared.person.pk),
    }, format="json")
    assert response.status_code == 404
    assert _counts() == before
    # Nor reach her through a report of its own.
    assert receiver.get(f"/api/v1/persons/{shared.person.pk}/").status_code == 404


def test_receiver_cannot_open_a_case_from_its_own_report_naming_her(shared):
    receiver_user = shared.user(OTHER)
    own = Report.objects.create(channel="hotline", received_at=shared.case.created_at, agency=shared.other_agency,
                                received_by=receiver_user, narrative="Laporan kami sendiri.")
    receiver = client_for(receiver_user)
    before = _counts()
    response = receiver.post(f"/api/v1/reports/{own.pk}/open-case/", {"survivor": str(shared.person.pk)},
                             format="json")
    assert response.status_code == 404
    assert _counts() == before
    own.refresh_from_db()
    assert own.case_id is None and own.subject_id is None


def test_receiver_cannot_link_a_new_case_to_the_referred_one_as_retrafficking(shared):
    receiver = client_for(shared.user(OTHER))
    before = _counts()
    response = receiver.post("/api/v1/cases/", {
        "survivor_data": {"full_name": "Orang Lain"}, "previous_case": str(shared.case.pk)}, format="json")
    assert response.status_code == 404
    assert _counts() == before
    assert not shared.case.events.filter(kind="outcome").exists()
