"""A service that fails part-way leaves nothing behind: no row, no timeline event, no audit row.

Each test breaks the last step of a service (the audit row or the timeline event) after the earlier steps
have written, and checks that those writes were rolled back with it.
"""

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent, AuditHead
from sinergi.cases import services
from sinergi.cases.enums import Stage
from sinergi.cases.models import Case, CaseExploitationType, Note, StageEntry, TimelineEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.intake import services as intake
from sinergi.intake.models import Report, Screening
from sinergi.people import services as people
from sinergi.people.models import NameKey, Person

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def boom(*args, **kwargs):
    raise Boom


def counts():
    return {m.__name__: m.objects.count() for m in (Case, CaseExploitationType, StageEntry, TimelineEvent, Note,
                                                    AuditEvent, Person, NameKey, Report, Screening)}


def test_case_open_rolls_back_when_the_audit_row_fails(monkeypatch):
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    person = people.person_create(actor=user, agency_id=agency.pk, data={"full_name": "Yuliana Bere"})
    before = counts()
    head = AuditHead.objects.get(pk=1)
    monkeypatch.setattr(services, "audit_log", boom)
    with pytest.raises(Boom):
        services.case_open(actor=user, survivor=person, lead_agency_id=agency.pk, reported_on=clock.today(),
                           details={"exploitation_types": ["ForcedLabour"]})
    assert counts() == before
    assert AuditHead.objects.get(pk=1).seq == head.seq


def test_retrafficked_open_leaves_the_old_case_untouched_on_failure(monkeypatch):
    old = CaseFactory()
    user = user_with_role(Role.CASE_MANAGER, old.lead_agency)
    real = services.audit_log
    calls = []

    def fail_on_second(**kw):
        calls.append(kw)
        if len(calls) == 2:  # the old case's row is written, then the new case's fails
            raise Boom
        return real(**kw)

    monkeypatch.setattr(services, "audit_log", fail_on_second)
    before = counts()
    with pytest.raises(Boom):
        services.case_open(actor=user, survivor=old.survivor, lead_agency_id=old.lead_agency_id,
                           reported_on=clock.today(), previous_case=old)
    assert counts() == before
    assert not TimelineEvent.objects.filter(case=old).exists()


def test_transition_rolls_back_stage_entries_when_the_timeline_fails(monkeypatch):
    case = CaseFactory()
    user = user_with_role(Role.SUPERVISOR, case.lead_agency)
    before = counts()
    monkeypatch.setattr(services, "_event", boom)
    with pytest.raises(Boom):
        services.case_transition(actor=user, case=case, to_stage=Stage.CLOSED, outcome="deceased")
    assert counts() == before
    case.refresh_from_db()
    case.survivor.refresh_from_db()
    assert case.stage == Stage.REPORTED and case.outcome == "" and case.closed_at is None
    assert not case.survivor.deceased
    assert StageEntry.objects.get(case=case).left_at is None


def test_note_rolls_back_when_the_audit_row_fails(monkeypatch):
    case = CaseFactory()
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    before = counts()
    monkeypatch.setattr(services, "audit_log", boom)
    with pytest.raises(Boom):
        services.note_add(actor=user, case=case, body="catatan")
    assert counts() == before


def test_person_create_rolls_back_name_keys_and_aliases(monkeypatch):
    agency = AgencyFactory()
    user = user_with_role(Role.INTAKE_OFFICER, agency)
    before = counts()
    monkeypatch.setattr(people, "audit_log", boom)
    with pytest.raises(Boom):
        people.person_create(actor=user, agency_id=agency.pk, data={"full_name": "Yuliana Bere"}, aliases=["Oce"])
    assert counts() == before


def test_report_open_case_rolls_back_everything_when_the_victim_status_fails(monkeypatch):
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    rep = intake.report_create(actor=user, agency_id=agency.pk, data={"channel": "hotline", "narrative": "..."})
    intake.screening_record(actor=user, agency_id=agency.pk, report=rep, ilo_indicators=["1"], delphi_items=[],
                            victim_status="PossibleVictimOfTrafficking", decided_by_org="NGO")
    survivor = people.person_create(actor=user, agency_id=agency.pk, data={"full_name": "Yuliana Bere"})
    before = counts()
    monkeypatch.setattr(services, "case_set_victim_status", boom)
    with pytest.raises(Boom):
        intake.report_open_case(actor=user, report=rep, survivor=survivor)
    assert counts() == before
    rep.refresh_from_db()
    assert rep.case_id is None and rep.status == "screened"
    assert Screening.objects.get().case_id is None
