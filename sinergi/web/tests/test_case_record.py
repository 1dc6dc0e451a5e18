"""The case page shows what intake recorded (narrative, reporter and their masked contact, last known place,
indicators and the screening result), the note given with a stage move, and the survivor's consent, which is
recorded on the pages (intake and case page) and used by referrals. All within what the reader may see."""

import re

import pytest
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.models import Consent
from sinergi.referrals.models import Referral

from .test_pages import _intake_post

pytestmark = pytest.mark.django_db

NARRATIVE = "Anak kami direkrut lewat Facebook untuk kerja customer service di Kamboja, paspor ditahan."
REPORTER_PHONE = "081377665544"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _intake(client, agency, **extra):
    officer = user_with_role(Role.INTAKE_OFFICER, agency)
    login(client, officer)
    r = client.post(reverse("web:intake"), _intake_post(
        narrative=NARRATIVE, reporter_name="Yohanes Seran", reporter_relation="Ayah", reporter_contact=REPORTER_PHONE,
        last_known_location="Kompleks Jin Bei, Sihanoukville", ilo_indicators=["2", "7"], **extra))
    assert r.status_code == 302, r.content.decode()[:3000]
    client.logout()
    return Case.objects.get(survivor__full_name="Maria Goreti Seran")


def test_case_page_shows_what_intake_recorded_with_contact_masked_until_revealed(client):
    agency = AgencyFactory()
    case = _intake(client, agency)
    manager = user_with_role(Role.CASE_MANAGER, agency)
    login(client, manager)
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "paspor ditahan" in body
    assert "Yohanes Seran" in body and "Ayah" in body
    assert "Kompleks Jin Bei, Sihanoukville" in body
    assert "Penipuan" in body and "Penahanan dokumen identitas" in body  # the ILO indicators ticked, named
    assert "Kemungkinan korban" in body  # the screening's result
    assert REPORTER_PHONE not in body and REPORTER_PHONE[-3:] in body
    r = client.post(reverse("web:case_reveal", args=[case.pk]), {"what": "contact", "purpose": "Menelepon pelapor"})
    assert r.status_code == 302
    assert REPORTER_PHONE in client.get(reverse("web:case_detail", args=[case.pk])).content.decode()


def test_receiver_sees_only_the_intake_parts_of_its_sections(client):
    lead = AgencyFactory()
    case = _intake(client, lead)
    embassy = AgencyFactory(code="kbri-x", type=AgencyType.FOREIGN_MINISTRY)
    import datetime as dt

    from sinergi.core import clock

    now = clock.now()
    Referral.objects.create(case=case, type="locate", from_agency=lead, to_agency=embassy, sections=["location"],
                            sent_at=now, ack_due_at=now + dt.timedelta(days=1),
                            complete_due_at=now + dt.timedelta(days=7))
    login(client, user_with_role(Role.CASE_MANAGER, embassy))
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Kompleks Jin Bei" in body
    # The page's ids and tokens (random hex and letters) are taken out before looking for three digits.
    text = re.sub(r"[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}|[A-Za-z0-9_-]{20,}", " ", body)
    assert "paspor ditahan" not in body and "Yohanes Seran" not in body and REPORTER_PHONE[-3:] not in text
    assert "Penahanan dokumen identitas" not in body
    assert "Persetujuan penyintas" not in body


def test_stage_move_note_is_shown_in_the_timeline(client):
    case = CaseFactory()
    login(client, user_with_role(Role.CASE_MANAGER, case.lead_agency))
    r = client.post(reverse("web:case_transition", args=[case.pk]),
                    {"to_stage": "located", "note": "Ditemukan lewat kontak KBRI di Sihanoukville"})
    assert r.status_code == 302
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Ditemukan lewat kontak KBRI di Sihanoukville" in body


def test_consent_taken_at_intake_covers_a_referral_without_override(client):
    lead = AgencyFactory()
    AgencyFactory(code="kbri-y", name="KBRI Kuala Lumpur", type=AgencyType.FOREIGN_MINISTRY, country_id="ID")
    case = _intake(client, lead, consent_purposes=["referral", "statistics"], consent_method="signed",
                   consent_agency_types=[AgencyType.FOREIGN_MINISTRY])
    rows = Consent.objects.filter(person=case.survivor)
    assert {c.purpose for c in rows} == {"referral", "statistics"}
    assert all(c.method == "signed" and c.recorded_by.username for c in rows)
    assert rows.get(purpose="referral").agency_types == [AgencyType.FOREIGN_MINISTRY]
    manager = user_with_role(Role.CASE_MANAGER, lead)
    login(client, manager)
    r = client.post(reverse("web:case_referral", args=[case.pk]),
                    {"type": "verify_citizenship", "to_agency": "kbri-y", "sections": ["identity"]})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Referral.objects.get().consent_override_reason == ""


def test_intake_consent_needs_a_method(client):
    officer = user_with_role(Role.INTAKE_OFFICER)
    login(client, officer)
    r = client.post(reverse("web:intake"), _intake_post(consent_purposes=["referral"]))
    assert r.status_code == 400 and "id_consent_method_error" in r.content.decode()
    assert not Consent.objects.exists()


def test_consent_recorded_and_withdrawn_on_the_case_page(client):
    lead = AgencyFactory()
    AgencyFactory(code="lsm-z", name="LSM Pendamping", type=AgencyType.NGO)
    case = CaseFactory(lead_agency=lead)
    manager = user_with_role(Role.CASE_MANAGER, lead)
    login(client, manager)
    url = reverse("web:case_consent", args=[case.pk])
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Persetujuan penyintas" in page and "Belum ditanyakan" in page
    r = client.post(url, {"purpose": "referral", "given": "yes", "method": "spoken", "agency_types": ["ngo"]})
    assert r.status_code == 302
    c = Consent.objects.get()
    assert c.recorded_by == manager and c.method == "spoken" and c.agency_types == ["ngo"]
    assert AuditEvent.objects.filter(object_type="consent", object_id=str(c.pk), action="create").exists()
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Lisan" in page and "LSM" in page
    r = client.post(reverse("web:case_referral", args=[case.pk]),
                    {"type": "shelter", "to_agency": "lsm-z", "sections": ["identity"]})
    assert r.status_code == 302, r.content.decode()[:2000]
    # Withdrawn: the next referral needs a reason again.
    assert client.post(url, {"purpose": "referral", "given": "no", "method": "spoken"}).status_code == 302
    assert AuditEvent.objects.filter(object_type="consent", detail__withdrawal=True).count() == 1
    Referral.objects.all().update(status="withdrawn")
    r = client.post(reverse("web:case_referral", args=[case.pk]),
                    {"type": "shelter", "to_agency": "lsm-z", "sections": ["identity"]})
    assert r.status_code == 400 and "id_consent_override_reason_error" in r.content.decode()
    # Bad input: 400 with the field named, nothing written.
    r = client.post(url, {"purpose": "marketing", "given": "yes", "method": "spoken"})
    assert r.status_code == 400 and "id_purpose_error" in r.content.decode()
    assert Consent.objects.count() == 2


def test_consent_not_recorded_by_a_receiver_or_stranger(client):
    case = CaseFactory()
    login(client, user_with_role(Role.SUPERVISOR))
    r = client.post(reverse("web:case_consent", args=[case.pk]), {"purpose": "referral", "given": "yes",
                                                                  "method": "spoken"})
    assert r.status_code == 404 and not Consent.objects.exists()
