"""Ownership of writes that name an existing person, at the services (every path goes through them): a case for
the person, a report about them, a notice about their case, an import row naming their case, a re-trafficking
link, linking a report to their case, a person update, document, family contact or consent. The agency the write
is made for must already see the person in full (it leads a case of theirs, received a report about them, or
created their record); an agency their case was only referred to gets NotFound, and nothing is written."""

from __future__ import annotations

import pytest
from django.db import transaction

from sinergi.access.policy import require_person_in_full
from sinergi.access.visibility import person_agency_in_full
from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases import services as cases
from sinergi.cases.models import Case, TimelineEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.intake import services as intake
from sinergi.intake.models import Report
from sinergi.people import services as people
from sinergi.people.models import Consent, FamilyContact, IdentityDocument, Person
from sinergi.referrals import notices
from sinergi.referrals.models import Notice
from sinergi.referrals.services import referral_send, referral_withdraw
from sinergi.transfer import samples
from sinergi.transfer.models import ImportJob
from sinergi.transfer.services import ImportRefused, cases_import

pytestmark = pytest.mark.django_db
TODAY = clock.today


@pytest.fixture
def world():
    lead, receiver = AgencyFactory(code="uptd"), AgencyFactory(code="ncb", region_id="31")
    case = CaseFactory(lead_agency=lead, external_id="UPTD-0001")
    owner = user_with_role(Role.SUPERVISOR, lead)
    referral = referral_send(actor=owner, case=case, type="investigate", to_agency=receiver,
                             sections=["identity", "contact", "documents", "exploitation", "location", "services",
                                       "notes", "attachments"],
                             consent_override_reason="Penyidikan mendesak, penyintas belum dapat dihubungi")
    return {"lead": lead, "receiver": receiver, "case": case, "person": case.survivor, "owner": owner,
            "referral": referral, "them": user_with_role(Role.SUPERVISOR, receiver)}


def _state():
    return (Case.objects.count(), Report.objects.count(), Notice.objects.count(), Person.objects.count(),
            IdentityDocument.objects.count(), FamilyContact.objects.count(), Consent.objects.count(),
            TimelineEvent.objects.count(), AuditEvent.objects.exclude(action="read").count())


def _refused(call):
    """The write answers NotFound and leaves nothing behind (each request runs in one transaction, as here)."""
    before = _state()
    with pytest.raises(NotFound), transaction.atomic():
        call()
    assert _state() == before


WRITES = {
    "case for the person": lambda w: cases.case_open(
        actor=w["them"], survivor=w["person"], lead_agency_id=w["receiver"].pk, reported_on=TODAY()),
    "report about the person": lambda w: intake.report_create(
        actor=w["them"], agency_id=w["receiver"].pk, subject=w["person"],
        data={"channel": "hotline", "narrative": "Laporan tentang orang yang dirujuk."}),
    "re-trafficking link": lambda w: cases.case_open(
        actor=w["them"], survivor=people.person_create(actor=w["them"], agency_id=w["receiver"].pk,
                                                       data={"full_name": "Orang Baru"}),
        lead_agency_id=w["receiver"].pk, reported_on=TODAY(), previous_case=w["case"]),
    "case from the receiver's own report": lambda w: intake.report_open_case(
        actor=w["them"], survivor=w["person"],
        report=intake.report_create(actor=w["them"], agency_id=w["receiver"].pk,
                                    data={"channel": "hotline", "narrative": "Laporan kami."})),
    "report linked to the case": lambda w: intake.report_link_case(
        actor=w["them"], case=w["case"],
        report=intake.report_create(actor=w["them"], agency_id=w["receiver"].pk,
                                    data={"channel": "hotline", "narrative": "Laporan kami."})),
    "notice about the case": lambda w: notices.notice_issue(
        actor=w["them"], agency_id=w["receiver"].pk, kind="missing", description="Perempuan 22 tahun",
        recipients=[w["lead"]], case=w["case"]),
    "person update": lambda w: people.person_update(
        actor=w["them"], person=w["person"], agency_id=w["receiver"].pk, data={"full_name": "Nama Lain"}),
    "identity document": lambda w: people.document_add(
        actor=w["them"], person=w["person"], agency_id=w["receiver"].pk, type="passport", number="C1234567",
        issuing_country="ID"),
    "family contact": lambda w: people.family_contact_add(
        actor=w["them"], person=w["person"], agency_id=w["receiver"].pk, name="Marta", relationship="sibling"),
    "consent": lambda w: people.consent_record(
        actor=w["them"], person=w["person"], agency_id=w["receiver"].pk, purpose="referral", given=True),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_a_receiver_of_every_section_may_not_write_naming_the_person(world, name):
    # The referral shares every section: the receiver sees the whole case, still not the person in full.
    assert person_agency_in_full(world["them"], world["person"]) is None
    _refused(lambda: WRITES[name](world))


@pytest.mark.parametrize("name", list(WRITES))
def test_nor_after_the_referral_is_withdrawn(world, name):
    referral_withdraw(actor=world["owner"], referral=world["referral"], reason="Sudah ditemukan")
    _refused(lambda: WRITES[name](world))


def test_the_lead_agency_may_write_naming_its_survivor(world):
    manager = user_with_role(Role.CASE_MANAGER, world["lead"])
    report = intake.report_create(actor=manager, agency_id=world["lead"].pk, subject=world["person"],
                                  data={"channel": "family", "narrative": "Laporan kedua dari keluarga."})
    again = cases.case_open(actor=manager, survivor=world["person"], lead_agency_id=world["lead"].pk,
                            reported_on=TODAY(), previous_case=world["case"])
    linked = intake.report_link_case(actor=manager, report=report, case=again)
    people.person_update(actor=manager, person=world["person"], agency_id=world["lead"].pk,
                         data={"primary_language": "tet"})
    assert again.previous_case_id == world["case"].pk and linked.case_id == again.pk


def test_the_agency_that_received_a_report_sees_its_subject_in_full(world):
    receiver_officer = user_with_role(Role.INTAKE_OFFICER, world["receiver"])
    report = intake.report_create(actor=receiver_officer, agency_id=world["receiver"].pk,
                                  data={"channel": "hotline", "narrative": "Laporan baru."},
                                  subject=people.person_create(actor=receiver_officer, agency_id=world["receiver"].pk,
                                                               data={"full_name": "Subjek Laporan"}))
    assert person_agency_in_full(receiver_officer, report.subject) == world["receiver"].pk
    case = intake.report_open_case(actor=user_with_role(Role.CASE_MANAGER, world["receiver"]), report=report,
                                   survivor=report.subject)
    assert case.lead_agency_id == world["receiver"].pk


def test_a_created_person_belongs_to_its_agency_until_someone_else_leads_her_case(world):
    officer = user_with_role(Role.INTAKE_OFFICER, world["receiver"])
    person = people.person_create(actor=officer, agency_id=world["receiver"].pk, data={"full_name": "Baru"})
    assert person_agency_in_full(officer, person) == world["receiver"].pk
    with pytest.raises(NotFound):
        require_person_in_full(world["owner"], person, world["lead"].pk)  # another agency's new record
    CaseFactory(survivor=person, lead_agency=world["lead"])  # e.g. merged into the lead agency's case
    assert person_agency_in_full(officer, person) is None


def test_an_import_row_naming_another_agencys_case_is_refused_not_present(world):
    rows = samples.sample_rows(2, villages={"35": ["35.07.01.2001"]})
    rows[0]["sng_ExternalId"] = "UPTD-0001"            # the lead agency's external id
    rows[1]["sng_ExternalId"] = world["case"].reference  # its reference, as an export carries it
    importer = user_with_role(Role.SUPERVISOR, world["receiver"])
    before = _state()
    with pytest.raises(ImportRefused) as refused:
        cases_import(actor=importer, agency_id=world["receiver"].pk, stream=_stream(samples.to_csv(rows)))
    job = refused.value.job
    assert job.present_count == 0 and job.present == []
    assert {(p["line"], p["field"]) for p in job.errors} == {(2, "sng_ExternalId"), (3, "sng_ExternalId")}
    assert all("lembaga lain" in p["message"] for p in job.errors)
    assert _state()[:8] == before[:8]
    # Partially: the good rows go in, the foreign one is listed; the lead agency's case is untouched.
    rows.append({**samples.sample_rows(1, villages={"35": ["35.07.01.2001"]})[0], "sng_ExternalId": "NCB-9"})
    job = cases_import(actor=importer, agency_id=world["receiver"].pk, stream=_stream(samples.to_csv(rows)),
                       partial=True)
    assert (job.created_count, job.present_count, job.rejected_count) == (1, 0, 2)
    assert Case.objects.get(external_id="UPTD-0001").lead_agency_id == world["lead"].pk
    # The lead agency's own re-import of the same ids is idempotent as before.
    job = cases_import(actor=world["owner"], agency_id=world["lead"].pk, stream=_stream(samples.to_csv(rows[:2])))
    assert (job.created_count, job.present_count) == (0, 2)
    assert ImportJob.objects.count() == 3


def _stream(data: bytes):
    import io

    return io.BytesIO(data)
