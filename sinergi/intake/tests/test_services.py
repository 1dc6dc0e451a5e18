"""Reports, screening, opening a case from a report and linking a report to a case; audit rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case, TimelineEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.intake import indicators, services
from sinergi.intake.models import Report, Screening
from sinergi.people.services import person_create
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def delphi(dimension, strong=0, medium=0, weak=0):
    out = []
    for strength, n in (("strong", strong), ("medium", medium), ("weak", weak)):
        out += [i.key for i in indicators.delphi_items() if i.dimension == dimension and i.strength == strength][:n]
    return out


ACTUAL = (delphi("deceptive_recruitment", strong=1, medium=1) + delphi("exploitative_conditions", medium=3)
          + delphi("coercion_at_destination", strong=2))


@pytest.fixture
def agency():
    return AgencyFactory(type=AgencyType.NGO)


@pytest.fixture
def officer(agency):
    return user_with_role(Role.INTAKE_OFFICER, agency)


def report(user, agency, **data):
    data = {"channel": "family", "narrative": "Anak kami dijanjikan kerja di Phnom Penh, sekarang tidak bisa pulang.",
            **data}
    return services.report_create(actor=user, agency_id=agency.pk, data=data)


# -- report_create -----------------------------------------------------------------------------------------


def test_report_create_with_audit_row(officer, agency):
    rep = report(officer, agency, country_of_exploitation="KHM", reporter_name="Ibu Yosefina",
                 reporter_contact="081234000111")
    assert rep.country_of_exploitation_id == "KH" and rep.status == "new" and rep.received_by == officer
    row = AuditEvent.objects.get(object_type="report", object_id=str(rep.pk))
    assert row.action == "create" and row.detail["channel"] == "family" and row.agency_id == agency.pk
    assert "081234000111" not in str(row.detail)


@pytest.mark.parametrize("data, field", [
    ({"channel": ""}, "channel"),
    ({"channel": "pigeon"}, "channel"),
    ({"narrative": "   "}, "narrative"),
    ({"narrative": "x" * 20001}, "narrative"),
    ({"received_at": dt.datetime(2099, 1, 1, tzinfo=dt.UTC)}, "received_at"),
    ({"country_of_exploitation": "XX"}, "country_of_exploitation"),
    ({"reporter_name": "n" * 201}, "reporter_name"),
    ({"reporter_contact": "c" * 201}, "reporter_contact"),
    ({"last_known_location": "l" * 201}, "last_known_location"),
])
def test_report_create_validation_writes_nothing(officer, agency, data, field):
    with pytest.raises(ValidationError) as exc:
        report(officer, agency, **data)
    assert field in exc.value.message_dict
    assert not Report.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN])
def test_report_create_needs_case_create(agency, role):
    with pytest.raises(PermissionDenied):
        report(user_with_role(role, agency), agency)


# -- screening ---------------------------------------------------------------------------------------------


def test_screening_suggests_actual_victim_and_records_decision(officer, agency):
    rep = report(officer, agency)
    s = services.screening_record(actor=officer, agency_id=agency.pk, report=rep, ilo_indicators=[9, "2", "2"],
                                  delphi_items=ACTUAL, victim_status="ActualVictimOfTrafficking",
                                  decided_by_org="Police")
    assert s.ilo_indicators == ["2", "9"]
    assert set(s.delphi_positive_dimensions) == {"deceptive_recruitment", "exploitative_conditions",
                                                 "coercion_at_destination"}
    assert s.suggested_status == "ActualVictimOfTrafficking"
    assert (s.victim_status, s.decided_by_org) == ("ActualVictimOfTrafficking", "Police")
    rep.refresh_from_db()
    assert rep.status == "screened"
    row = AuditEvent.objects.get(object_type="screening")
    assert row.detail["suggested"] == "ActualVictimOfTrafficking" and row.detail["report"] == str(rep.pk)


def test_screening_without_decision_only_suggests(officer, agency):
    rep = report(officer, agency)
    s = services.screening_record(actor=officer, agency_id=agency.pk, report=rep, ilo_indicators=["1"],
                                  delphi_items=delphi("exploitative_conditions", medium=2))
    assert s.delphi_positive_dimensions == []
    assert s.suggested_status == "PossibleVictimOfTrafficking" and s.victim_status == "" and s.decided_by_org == ""


@pytest.mark.parametrize("agency_type, expected", [
    (AgencyType.NGO, "NGO"), (AgencyType.INTERNATIONAL_ORGANISATION, "NGO"), (AgencyType.POLICE, "Police"),
    (AgencyType.FOREIGN_POLICE, "Police"), (AgencyType.PROVINCIAL_SERVICE, "NonPoliceGovernmentalOrganization"),
    (AgencyType.FOREIGN_MINISTRY, "NonPoliceGovernmentalOrganization"),
])
def test_decision_org_defaults_to_the_screening_agencys_type(agency_type, expected):
    agency = AgencyFactory(type=agency_type)
    user = user_with_role(Role.CASE_MANAGER, agency)
    rep = report(user, agency)
    s = services.screening_record(actor=user, agency_id=agency.pk, report=rep, ilo_indicators=[], delphi_items=[],
                                  victim_status="NotAVictimOfTrafficking")
    assert s.decided_by_org == expected


@pytest.mark.parametrize("kwargs, field", [
    ({"ilo_indicators": ["12"]}, "ilo_indicators"),
    ({"ilo_indicators": ["abc"]}, "ilo_indicators"),
    ({"delphi_items": ["coercion_at_destination.made_up"]}, "delphi_items"),
    ({"delphi_items": [42]}, "delphi_items"),
    ({"victim_status": "Maybe"}, "victim_status"),
    ({"victim_status": "PossibleVictimOfTrafficking", "decided_by_org": "Astrologer"}, "decided_by_org"),
])
def test_screening_validation(officer, agency, kwargs, field):
    rep = report(officer, agency)
    base = {"ilo_indicators": [], "delphi_items": []}
    with pytest.raises(ValidationError) as exc:
        services.screening_record(actor=officer, agency_id=agency.pk, report=rep, **{**base, **kwargs})
    assert field in exc.value.message_dict
    assert not Screening.objects.exists()
    rep.refresh_from_db()
    assert rep.status == "new"


def test_screening_needs_a_report_or_case(officer, agency):
    with pytest.raises(ValidationError):
        services.screening_record(actor=officer, agency_id=agency.pk, ilo_indicators=[], delphi_items=[])


def test_screening_another_agencys_report_is_not_found(officer, agency):
    rep = report(officer, agency)
    other = AgencyFactory()
    outsider = user_with_role(Role.SUPERVISOR, other)
    with pytest.raises(NotFound):
        services.screening_record(actor=outsider, agency_id=other.pk, report=rep, ilo_indicators=[], delphi_items=[])


def test_screening_on_a_case_sets_status_and_timeline():
    case = CaseFactory()
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    services.screening_record(actor=user, agency_id=case.lead_agency_id, case=case, ilo_indicators=["7"],
                              delphi_items=ACTUAL, victim_status="ActualVictimOfTrafficking", decided_by_org="NGO")
    case.refresh_from_db()
    assert case.victim_status == "ActualVictimOfTrafficking" and case.victim_status_decided_by == "NGO"
    kinds = set(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"screened", "victim_status"} <= kinds


# -- opening and linking -----------------------------------------------------------------------------------


def test_report_open_case_moves_screenings_and_sets_victim_status(officer, agency):
    manager = user_with_role(Role.CASE_MANAGER, agency)
    person = person_create(actor=officer, agency_id=agency.pk, data={"full_name": "Yuliana Bere"})
    rep = report(officer, agency, country_of_exploitation="KH")
    clock.set_now(clock.now() - dt.timedelta(hours=2))
    services.screening_record(actor=officer, agency_id=agency.pk, report=rep, ilo_indicators=["1"],
                              delphi_items=[], victim_status="PossibleVictimOfTrafficking", decided_by_org="NGO")
    clock.set_now(None)
    services.screening_record(actor=officer, agency_id=agency.pk, report=rep, ilo_indicators=["1", "2"],
                              delphi_items=ACTUAL, victim_status="ActualVictimOfTrafficking", decided_by_org="Police")
    case = services.report_open_case(actor=manager, report=rep, survivor=person,
                                     details={"exploitation_types": ["ForcedLabour"]})
    rep.refresh_from_db()
    assert rep.case == case and rep.subject == person and rep.status == "case_opened"
    assert case.country_of_exploitation_id == "KH" and case.lead_agency_id == agency.pk
    assert Screening.objects.filter(case=case).count() == 2
    case.refresh_from_db()
    # The latest decided screening wins.
    assert (case.victim_status, case.victim_status_decided_by) == ("ActualVictimOfTrafficking", "Police")
    assert case.reported_on == clock.localdate_of(rep.received_at)
    assert AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action="create").exists()


def test_report_open_case_twice_is_refused(officer, agency):
    rep = report(officer, agency)
    new = [person_create(actor=officer, agency_id=agency.pk, data={"full_name": n}) for n in ("Ani", "Ina")]
    services.report_open_case(actor=officer, report=rep, survivor=new[0])
    with pytest.raises(ValidationError):
        services.report_open_case(actor=officer, report=rep, survivor=new[1])
    assert Case.objects.count() == 1


def test_report_open_case_of_another_agency_is_not_found(officer, agency):
    rep = report(officer, agency)
    outsider = user_with_role(Role.SUPERVISOR)
    with pytest.raises(NotFound):
        services.report_open_case(actor=outsider, report=rep, survivor=PersonFactory())
    assert not Case.objects.exists()


def test_report_link_case_is_idempotent(officer, agency):
    case = CaseFactory(lead_agency=agency)
    rep = report(officer, agency)
    services.report_link_case(actor=officer, report=rep, case=case)
    services.report_link_case(actor=officer, report=rep, case=case)
    rep.refresh_from_db()
    assert rep.case == case and rep.status == "linked" and rep.subject == case.survivor
    assert TimelineEvent.objects.filter(case=case, kind="report_linked").count() == 1
    assert AuditEvent.objects.filter(object_type="report", object_id=str(rep.pk), action="update").count() == 1


def test_report_link_to_a_second_case_is_refused(officer, agency):
    first, second = CaseFactory(lead_agency=agency), CaseFactory(lead_agency=agency)
    rep = report(officer, agency)
    services.report_link_case(actor=officer, report=rep, case=first)
    with pytest.raises(ValidationError):
        services.report_link_case(actor=officer, report=rep, case=second)
    rep.refresh_from_db()
    assert rep.case == first


def test_link_across_agencies_is_not_found(officer, agency):
    # Another agency's case...
    with pytest.raises(NotFound):
        services.report_link_case(actor=officer, report=report(officer, agency), case=CaseFactory())
    # ...or another agency's report into one's own case.
    other = AgencyFactory()
    foreign_report = report(user_with_role(Role.INTAKE_OFFICER, other), other)
    with pytest.raises(NotFound):
        services.report_link_case(actor=officer, report=foreign_report, case=CaseFactory(lead_agency=agency))
    foreign_report.refresh_from_db()
    assert foreign_report.case_id is None
