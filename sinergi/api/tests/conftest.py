"""A small world for API tests: a lead agency with one case (survivor with NIK and a family contact, a service,
a note, an attachment) and two reports, and another agency that must not see any of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from sinergi.agencies.models import Agency
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.attachments import attachment_add
from sinergi.cases.models import Case
from sinergi.cases.services import note_add, service_add
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.intake.models import Report
from sinergi.people.models import FamilyContact, IdentityDocument, Person
from sinergi.people.tests.factories import PersonFactory

NIK = "5301234567890123"
OTHER = "other_supervisor"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache, which outlives a test's database transaction.
    cache.clear()
    yield
    cache.clear()


@dataclass
class Scene:
    agency: Agency
    other_agency: Agency
    owner: Any
    case: Case
    person: Person
    service: Any
    note: Any
    attachment: Any
    report: Report
    open_report: Report
    subject: Person

    def user(self, role: str):
        if role == OTHER:
            return user_with_role("supervisor", self.other_agency)
        return user_with_role(role, self.agency)


@pytest.fixture
def scene(db) -> Scene:
    agency = AgencyFactory(code="uptd-ntt", name="UPTD PPA NTT")
    other = AgencyFactory(code="dinsos-jatim", name="Dinsos Jawa Timur", region_id="35")
    owner = user_with_role("supervisor", agency)
    person = PersonFactory(full_name="Maria Goreti Sukarno", email="maria@example.org")
    IdentityDocument.objects.create(person=person, type="nik", number=NIK, issuing_country_id="ID")
    FamilyContact.objects.create(person=person, name="Yohanes", relationship="parent", phone="081300001111",
                                 address="Desa Oelnasi RT 02")
    case = CaseFactory(survivor=person, lead_agency=agency, travel_document_number="X1234567")
    service = service_add(actor=owner, case=case, data={"type": "shelter", "provider": agency.pk,
                                                        "started_on": clock.today() - dt.timedelta(days=1)})
    note = note_add(actor=owner, case=case, body="Penyintas tiba di rumah aman.")
    upload = ContentFile(b"%PDF-1.4 surat keterangan", name="surat.pdf")
    attachment = attachment_add(actor=owner, case=case, uploaded=upload, description="Surat")
    subject = PersonFactory(full_name="Yosefina Bria")
    open_report = Report.objects.create(channel="family", received_at=clock.now(), agency=agency, received_by=owner,
                                        narrative="Anak kami tidak bisa pulang dari Malaysia.", subject=subject,
                                        reporter_name="Ibu Bria", reporter_contact="081299998888")
    report = Report.objects.create(channel="hotline", received_at=clock.now(), agency=agency, received_by=owner,
                                   narrative="Laporan kedua tentang kasus yang sama.", subject=person)
    return Scene(agency, other, owner, case, person, service, note, attachment, report, open_report, subject)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_as(scene):
    """``api_as(role)`` -> an authenticated client for a new user with that role in the lead agency."""
    return lambda role: client_for(scene.user(role))
