"""An agency a case is referred to adds notes and files to what it was given; the lead agency and that agency see
them, another receiver does not. Completing a referral leaves the receiver on its referral's record."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Attachment, Note
from sinergi.core import clock
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.referrals.models import Referral

pytestmark = pytest.mark.django_db


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def scene():
    lead = AgencyFactory(code="uptd-a")
    embassy = AgencyFactory(code="kbri-a", name="KBRI Phnom Penh", type=AgencyType.FOREIGN_MINISTRY)
    police = AgencyFactory(code="polda-a", name="Polda NTT", type=AgencyType.POLICE)
    case = CaseFactory(lead_agency=lead)
    now = clock.now()

    def refer(to, sections):
        return Referral.objects.create(case=case, type="travel_document", from_agency=lead, to_agency=to,
                                       sections=sections, sent_at=now, ack_due_at=now + dt.timedelta(days=1),
                                       complete_due_at=now + dt.timedelta(days=7))

    return {"lead": lead, "case": case, "embassy_ref": refer(embassy, ["identity", "notes", "attachments"]),
            "police_ref": refer(police, ["identity", "notes", "attachments"]),
            "manager": user_with_role(Role.CASE_MANAGER, lead), "consul": user_with_role(Role.CASE_MANAGER, embassy),
            "detective": user_with_role(Role.CASE_MANAGER, police)}


def test_receiver_adds_note_and_file_seen_by_lead_and_itself_only(client, scene):
    ref, case = scene["embassy_ref"], scene["case"]
    login(client, scene["consul"])
    r = client.post(reverse("web:referral_note", args=[ref.pk]), {"body": "SPLP terbit nomor rahasia 42"})
    assert r.status_code == 302
    scan = SimpleUploadedFile("splp-scan-42.pdf", b"%PDF-1.4 splp", content_type="application/pdf")
    r = client.post(reverse("web:referral_attachment", args=[ref.pk]), {"file": scan, "description": "Pindaian SPLP"})
    assert r.status_code == 302
    note, attachment = Note.objects.get(referral=ref), Attachment.objects.get(referral=ref)
    assert note.agency_id == ref.to_agency_id
    assert AuditEvent.objects.filter(object_type="note", object_id=str(note.pk), action="create").exists()
    assert AuditEvent.objects.filter(object_type="attachment", object_id=str(attachment.pk), action="create").exists()
    own = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "SPLP terbit nomor rahasia 42" in own and "splp-scan-42.pdf" in own
    dl = client.get(reverse("web:referral_attachment_download", args=[ref.pk, attachment.pk]))
    assert dl.status_code == 200
    # The lead agency sees both on the case page, and downloads the file.
    login(client, scene["manager"])
    lead_page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "SPLP terbit nomor rahasia 42" in lead_page and "splp-scan-42.pdf" in lead_page
    assert client.get(reverse("web:case_attachment_download", args=[case.pk, attachment.pk])).status_code == 200
    # Another receiver, though given notes and attachments, sees neither.
    login(client, scene["detective"])
    other = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "SPLP terbit nomor rahasia 42" not in other and "splp-scan-42.pdf" not in other
    assert client.get(reverse("web:case_attachment_download", args=[case.pk, attachment.pk])).status_code == 404
    assert client.get(reverse("web:referral_detail", args=[ref.pk])).status_code == 404


def test_only_the_receiver_adds_and_bad_input_is_refused(client, scene):
    ref = scene["embassy_ref"]
    login(client, scene["detective"])
    assert client.post(reverse("web:referral_note", args=[ref.pk]), {"body": "bukan milik kami"}).status_code == 404
    login(client, scene["manager"])  # the sender does not add to the receiver's part
    assert client.post(reverse("web:referral_note", args=[ref.pk]), {"body": "dari pengirim"}).status_code == 404
    login(client, scene["consul"])
    r = client.post(reverse("web:referral_attachment", args=[ref.pk]),
                    {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", content_type="application/pdf")})
    assert r.status_code == 400 and "id_file_error" in r.content.decode()
    assert client.post(reverse("web:referral_note", args=[ref.pk]), {"body": "  "}).status_code == 400
    assert not Note.objects.exists() and not Attachment.objects.exists()


def test_completing_leaves_the_receiver_on_its_referral_record(client, scene):
    ref = scene["embassy_ref"]
    login(client, scene["consul"])
    client.post(reverse("web:referral_note", args=[ref.pk]), {"body": "Paspor diverifikasi"})
    for status in ("acknowledged", "accepted"):
        client.post(reverse("web:referral_answer", args=[ref.pk]), {"status": status})
    r = client.post(reverse("web:referral_answer", args=[ref.pk]),
                    {"status": "completed", "outcome": "SPLP diterbitkan"}, follow=True)
    assert r.status_code == 200
    assert r.redirect_chain[-1][0] == reverse("web:referral_detail", args=[ref.pk])
    body = r.content.decode()
    assert "SPLP diterbitkan" in body and "Paspor diverifikasi" in body
    assert scene["case"].survivor.full_name not in body  # the case itself is no longer shared
    # Ended: nothing more can be added.
    assert client.post(reverse("web:referral_note", args=[ref.pk]), {"body": "terlambat"}).status_code == 400
    assert AuditEvent.objects.filter(object_type="referral", object_id=str(ref.pk), action="read").exists()
