"""The role → capability table, and every role against every service: done, forbidden (403) or not found (404)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.access.capabilities import CASEWORK_ROLES, ROLE_CAPS, Cap
from sinergi.access.principal import Principal
from sinergi.agencies.enums import Role
from sinergi.audit.models import AuditEvent
from sinergi.cases import attachments, selectors
from sinergi.cases import services as cases
from sinergi.cases.enums import Stage
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.testing import ALL_ROLES, CaseFactory, user_with_role
from sinergi.intake import services as intake
from sinergi.intake.models import Report
from sinergi.people import services as people

pytestmark = pytest.mark.django_db

I, M, S, AA, AN, SA = (Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.ANALYST,
                       Role.SYSTEM_ADMIN)

EXPECTED_CAPS = {
    I: {Cap.CASE_VIEW, Cap.CASE_CREATE, Cap.SCREEN, Cap.PERSON_EDIT, Cap.REFERRAL_RESPOND, Cap.AGENCY_FIGURES},
    M: {Cap.CASE_VIEW, Cap.CASE_CREATE, Cap.CASE_EDIT, Cap.CASE_TRANSITION, Cap.SCREEN, Cap.PERSON_EDIT,
        Cap.CASE_IMPORT, Cap.REFER, Cap.REFERRAL_RESPOND, Cap.AGENCY_FIGURES, Cap.LINK_REVIEW},
    S: {Cap.CASE_VIEW, Cap.CASE_CREATE, Cap.CASE_EDIT, Cap.CASE_TRANSITION, Cap.CASE_CLOSE, Cap.SCREEN,
        Cap.PERSON_EDIT, Cap.CASE_IMPORT, Cap.CASE_EXPORT, Cap.AUDIT_VIEW, Cap.AGGREGATES, Cap.REFER,
        Cap.REFERRAL_RESPOND, Cap.AGENCY_FIGURES, Cap.LINK_REVIEW},
    AA: {Cap.AGENCY_USERS, Cap.AUDIT_VIEW},
    AN: {Cap.AGGREGATES, Cap.RELEASE},
    SA: {Cap.REFERENCE_ADMIN, Cap.AGENCY_USERS, Cap.AUDIT_VIEW},
}


def test_every_role_has_an_entry():
    assert set(ROLE_CAPS) == set(ALL_ROLES)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_capability_table(role):
    assert set(ROLE_CAPS[role]) == EXPECTED_CAPS[role]


def test_only_casework_roles_touch_personal_data():
    assert CASEWORK_ROLES == {I, M, S}
    for role in (AN, AA, SA):
        assert Cap.CASE_VIEW not in ROLE_CAPS[role]


def test_principal_caps_are_per_agency():
    case = CaseFactory()
    user = user_with_role(M, case.lead_agency)
    other = CaseFactory().lead_agency
    from sinergi.agencies.models import Membership

    Membership.objects.create(user=user, agency=other, role=AN)
    p = Principal.of(user)
    assert p.can(Cap.CASE_EDIT, case.lead_agency_id) and not p.can(Cap.CASE_EDIT, other.pk)
    assert p.can(Cap.CASE_EDIT, str(case.lead_agency_id))  # the text form of the id means the same agency
    assert p.can(Cap.AGGREGATES, other.pk) and p.can(Cap.AGGREGATES)
    assert p.casework_agency_ids == [case.lead_agency_id]


# -- every role against every service ----------------------------------------------------------------------

OK, DENIED, HIDDEN = "ok", PermissionDenied, NotFound


def expect(intake_officer, manager, supervisor, others):
    return {I: intake_officer, M: manager, S: supervisor, AA: others, AN: others, SA: others}


def _report(case, user):
    return Report.objects.create(channel="family", received_at=clock.now(), agency=case.lead_agency,
                                 narrative="laporan kedua")


SERVICES = {
    # name: (callable(user, case), expectation per role)
    # Another case for the lead agency's own survivor (a person it does not see in full is "not found":
    # test_ownership).
    "case_open": (lambda u, c: cases.case_open(actor=u, survivor=c.survivor, lead_agency_id=c.lead_agency_id,
                                              reported_on=clock.today()), expect(OK, OK, OK, DENIED)),
    "report_create": (lambda u, c: intake.report_create(actor=u, agency_id=c.lead_agency_id,
                                                        data={"channel": "hotline", "narrative": "x"}),
                      expect(OK, OK, OK, DENIED)),
    "person_create": (lambda u, c: people.person_create(actor=u, agency_id=c.lead_agency_id,
                                                        data={"full_name": "Ani"}), expect(OK, OK, OK, DENIED)),
    "case_get": (lambda u, c: selectors.case_get(u, c.pk), expect(OK, OK, OK, HIDDEN)),
    "case_update_details": (lambda u, c: cases.case_update_details(actor=u, case=c, data={"summary": "baru"}),
                            expect(DENIED, OK, OK, HIDDEN)),
    "note_add": (lambda u, c: cases.note_add(actor=u, case=c, body="x"), expect(DENIED, OK, OK, HIDDEN)),
    "service_add": (lambda u, c: cases.service_add(actor=u, case=c, data={
        "type": "medical", "provider": c.lead_agency, "started_on": clock.today()}), expect(DENIED, OK, OK, HIDDEN)),
    "attachment_add": (lambda u, c: attachments.attachment_add(actor=u, case=c,
                                                               uploaded=SimpleUploadedFile("a.txt", b"teks")),
                       expect(DENIED, OK, OK, HIDDEN)),
    "case_transition": (lambda u, c: cases.case_transition(actor=u, case=c, to_stage=Stage.LOCATED),
                        expect(DENIED, OK, OK, HIDDEN)),
    "case_close": (lambda u, c: cases.case_transition(actor=u, case=c, to_stage=Stage.CLOSED, outcome="declined_help"),
                   expect(DENIED, DENIED, OK, HIDDEN)),
    "case_set_victim_status": (lambda u, c: cases.case_set_victim_status(
        actor=u, case=c, status="PossibleVictimOfTrafficking", decided_by="NGO"), expect(OK, OK, OK, HIDDEN)),
    "screening_record": (lambda u, c: intake.screening_record(actor=u, agency_id=c.lead_agency_id, case=c,
                                                              ilo_indicators=["1"], delphi_items=[]),
                         expect(OK, OK, OK, HIDDEN)),
    "report_link_case": (lambda u, c: intake.report_link_case(actor=u, report=_report(c, u), case=c),
                         expect(OK, OK, OK, HIDDEN)),
    "person_update": (lambda u, c: people.person_update(actor=u, person=c.survivor, agency_id=c.lead_agency_id,
                                                        data={"estimated_age": 33}), expect(OK, OK, OK, HIDDEN)),
    "consent_record": (lambda u, c: people.consent_record(actor=u, person=c.survivor, agency_id=c.lead_agency_id,
                                                          purpose="referral", given=True), expect(OK, OK, OK, HIDDEN)),
    "document_add": (lambda u, c: people.document_add(actor=u, person=c.survivor, agency_id=c.lead_agency_id,
                                                      type="passport", number="C1234567", issuing_country="ID"),
                     expect(OK, OK, OK, HIDDEN)),
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", list(SERVICES))
def test_permission_matrix_in_own_agency(name, role):
    call, expected = SERVICES[name]
    case = CaseFactory()
    user = user_with_role(role, case.lead_agency)
    outcome = expected[role]
    if outcome == OK:
        call(user, case)
        assert AuditEvent.objects.filter(user_id=user.pk).exists()
    else:
        with pytest.raises(outcome):
            call(user, case)
        assert not AuditEvent.objects.filter(user_id=user.pk).exists()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", [n for n, (_, e) in SERVICES.items() if e[S] == OK and e[AA] is HIDDEN])
def test_case_services_answer_not_found_to_other_agencies(name, role):
    """Whatever the role, a user of another agency learns nothing: 404, never 403."""
    call, _ = SERVICES[name]
    case = CaseFactory()
    outsider = user_with_role(role)
    with pytest.raises(NotFound):
        call(outsider, case)
