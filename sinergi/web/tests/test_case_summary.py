"""The printable case summary (HTML and PDF): what the reader may see only, never contacts or document numbers,
audited as an export."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.audit.models import AuditEvent
from sinergi.core import clock
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory
from sinergi.people.models import IdentityDocument
from sinergi.referrals.models import Referral

pytestmark = pytest.mark.django_db

PHONE, NIK = "081233344455", "5301999988887777"


@pytest.fixture
def case():
    person = PersonFactory(full_name="Yustina Cetak Ringkas", phone=PHONE)
    IdentityDocument.objects.create(person=person, type="nik", number=NIK, issuing_country_id="ID")
    return CaseFactory(survivor=person, summary="Disekap di kompleks cetak", city_of_exploitation="Kota Rahasia")


def test_summary_page_for_the_lead_agency_without_contacts_and_audited(client, case):
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    client.login(username=manager.username, password=PASSWORD)
    client.post(reverse("web:case_reveal", args=[case.pk]), {"what": "contact", "purpose": "Menelepon penyintas"})
    r = client.get(reverse("web:case_summary", args=[case.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    assert "Yustina Cetak Ringkas" in body and "Disekap di kompleks cetak" in body and case.reference in body
    # Even when revealed on the page. The page's ids and tokens (random hex and letters) are taken out first: a
    # number's last three digits turn up in one of them every few dozen runs.
    text = re.sub(r"[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}|[A-Za-z0-9_-]{20,}", " ", body)
    assert PHONE not in body and PHONE[-3:] not in text and NIK[-3:] not in text
    assert "print.css" in body
    assert AuditEvent.objects.filter(action="export", object_type="case", object_id=str(case.pk),
                                     detail__format="html").exists()


def test_summary_pdf_is_a_pdf_and_audited(client, case):
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    client.login(username=manager.username, password=PASSWORD)
    r = client.get(reverse("web:case_summary_pdf", args=[case.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    assert case.reference in r["Content-Disposition"]
    assert AuditEvent.objects.filter(action="export", object_id=str(case.pk), detail__format="pdf").exists()
    from pypdf import PdfReader  # noqa: PLC0415 - only here

    import io

    pages = PdfReader(io.BytesIO(r.content)).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert "Yustina Cetak Ringkas" in text and PHONE not in text


def test_receiver_summary_holds_its_sections_only_and_strangers_get_404(client, case):
    embassy = AgencyFactory(type=AgencyType.FOREIGN_MINISTRY)
    now = clock.now()
    Referral.objects.create(case=case, type="locate", from_agency=case.lead_agency, to_agency=embassy,
                            sections=["location"], sent_at=now, ack_due_at=now + dt.timedelta(days=1),
                            complete_due_at=now + dt.timedelta(days=7))
    client.login(username=user_with_role(Role.CASE_MANAGER, embassy).username, password=PASSWORD)
    body = client.get(reverse("web:case_summary", args=[case.pk])).content.decode()
    assert "Kota Rahasia" in body
    assert "Yustina Cetak Ringkas" not in body and "Disekap di kompleks cetak" not in body
    client.logout()
    client.login(username=user_with_role(Role.SUPERVISOR).username, password=PASSWORD)
    assert client.get(reverse("web:case_summary", args=[case.pk])).status_code == 404
    assert client.get(reverse("web:case_summary_pdf", args=[case.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="export", object_id=str(case.pk)).exclude(
        detail__format="html").exists()
