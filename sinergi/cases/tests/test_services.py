"""Case services beyond the pathway: details in the HTCDS vocabulary, services, notes, re-trafficking, closing
with a death, stage durations, victim status; each with its audit row and timeline event."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases import services
from sinergi.cases.enums import Stage
from sinergi.cases.models import Case, CaseExploitationType, Note, ServiceDelivery, TimelineEvent
from sinergi.cases.selectors import stage_durations
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import Conflict, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

TODAY = clock.today()  # the local date of the configured time zone, as services see it


@pytest.fixture
def case():
    return CaseFactory()


@pytest.fixture
def manager(case):
    return user_with_role(Role.CASE_MANAGER, case.lead_agency)


def audit_rows(**kw):
    return AuditEvent.objects.filter(**kw)


# -- exploitation details ----------------------------------------------------------------------------------


def test_update_details_in_htcds_vocabulary(case, manager):
    services.case_update_details(actor=manager, case=case, data={
        "exploitation_types": ["SexualExploitation", "ForcedLabour", "SexualExploitation"],
        "sex_exploitation_types": ["RemoteInteractiveServices"],
        "means_of_control": "DebtBondage; PhysicalThreats",
        "recruitment_methods": ["ThroughOnlineSocialNetworks"], "recruitment_apps": ["Facebook", "Telegram"],
        "forced_labour_industry": "C_Manufacturing", "relation_to_trafficker": "Acquainted",
        "country_of_exploitation": "MMR", "city_of_exploitation": " Myawaddy ",
        "recruited_on": dt.date(2025, 1, 5), "exploitation_started_on": dt.date(2025, 2, 1),
        "exploitation_ended_on": dt.date(2025, 8, 1),
    })
    case.refresh_from_db()
    assert case.exploitation_types == ["SexualExploitation", "ForcedLabour"]
    assert case.primary_exploitation == "SexualExploitation"
    assert case.means_of_control == ["DebtBondage", "PhysicalThreats"]
    assert case.country_of_exploitation_id == "MM" and case.city_of_exploitation == "Myawaddy"
    assert set(CaseExploitationType.objects.filter(case=case).values_list("type", flat=True)) == {
        "SexualExploitation", "ForcedLabour"}
    event = TimelineEvent.objects.get(case=case, kind="details_updated")
    row = audit_rows(object_type="case", action="update").get()
    assert event.data["fields"] == row.detail["fields"]
    assert "country_of_exploitation" in row.detail["fields"]


def test_update_details_without_change_writes_nothing(case, manager):
    services.case_update_details(actor=manager, case=case, data={"exploitation_types": ["ForcedLabour"]})
    assert not TimelineEvent.objects.filter(case=case, kind="details_updated").exists()
    assert not audit_rows(action="update").exists()


@pytest.mark.parametrize("data, field", [
    ({"exploitation_types": ["ForcedLabour", "Slavery2"]}, "exploitation_types"),
    ({"means_of_control": ["Hypnosis"]}, "means_of_control"),
    ({"recruitment_methods": ["Carrier pigeon"]}, "recruitment_methods"),
    ({"recruitment_apps": ["MySpace2"]}, "recruitment_apps"),
    ({"exploitation_apps": 12}, "exploitation_apps"),
    ({"forced_labour_industry": "Z_Unknown"}, "forced_labour_industry"),
    ({"relation_to_trafficker": "Cousin"}, "relation_to_trafficker"),
    ({"sex_exploitation_types": ["Other stuff"]}, "sex_exploitation_types"),
    ({"country_of_exploitation": "XYZ"}, "country_of_exploitation"),
    ({"city_of_exploitation": "c" * 121}, "city_of_exploitation"),
    ({"recruited_on": TODAY + dt.timedelta(days=1)}, "recruited_on"),
    ({"recruited_on": dt.date(2025, 3, 1), "exploitation_started_on": dt.date(2025, 2, 1)},
     "exploitation_started_on"),
    ({"exploitation_started_on": dt.date(2025, 3, 1), "exploitation_ended_on": dt.date(2025, 2, 1)},
     "exploitation_ended_on"),
    ({"stage": "closed"}, "stage"),                   # not a detail field
    ({"lead_agency": "x"}, "lead_agency"),
])
def test_update_details_refuses_bad_values_and_writes_nothing(case, manager, data, field):
    with pytest.raises(ValidationError) as exc:
        services.case_update_details(actor=manager, case=case, data=data)
    assert field in exc.value.message_dict
    case.refresh_from_db()
    assert case.exploitation_types == ["ForcedLabour"] and case.stage == Stage.REPORTED
    assert not TimelineEvent.objects.filter(case=case, kind="details_updated").exists()
    assert not audit_rows().exists()


def test_unknown_value_is_named_in_the_message(case, manager):
    with pytest.raises(ValidationError) as exc:
        services.case_update_details(actor=manager, case=case, data={"exploitation_types": ["Slavery2"]})
    assert "Slavery2" in exc.value.message_dict["exploitation_types"][0]


def test_date_order_is_checked_against_dates_already_on_the_case(case, manager):
    services.case_update_details(actor=manager, case=case, data={
        "recruited_on": dt.date(2025, 1, 1), "exploitation_started_on": dt.date(2025, 2, 1)})
    with pytest.raises(ValidationError) as exc:
        services.case_update_details(actor=manager, case=case, data={"exploitation_ended_on": dt.date(2025, 1, 15)})
    assert "exploitation_ended_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.case_update_details(actor=manager, case=case, data={"recruited_on": dt.date(2025, 3, 1)})
    assert "exploitation_started_on" in exc.value.message_dict
    case.refresh_from_db()
    assert case.recruited_on == dt.date(2025, 1, 1) and case.exploitation_ended_on is None


def test_intake_officer_cannot_edit_details_and_outsider_gets_not_found(case):
    with pytest.raises(PermissionDenied):
        services.case_update_details(actor=user_with_role(Role.INTAKE_OFFICER, case.lead_agency), case=case,
                                     data={"summary": "x"})
    with pytest.raises(NotFound):
        services.case_update_details(actor=user_with_role(Role.SUPERVISOR), case=case, data={"summary": "x"})


# -- case_open ---------------------------------------------------------------------------------------------


def agency_person(user, agency, name="Siti Aminah"):
    """A person the agency created (a new case may only name a person its agency already sees in full)."""
    from sinergi.people.services import person_create

    return person_create(actor=user, agency_id=agency.pk, data={"full_name": name})


def test_duplicate_external_id_is_a_conflict():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    services.case_open(actor=user, survivor=agency_person(user, agency), lead_agency_id=agency.pk, reported_on=TODAY,
                       external_id="CTDC-1")
    second = agency_person(user, agency, "Dewi Lestari")
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        services.case_open(actor=user, survivor=second, lead_agency_id=agency.pk, reported_on=TODAY,
                           external_id=" CTDC-1 ")
    assert exc.value.field == "external_id"
    assert Case.objects.count() == 1 and AuditEvent.objects.count() == before


def test_case_open_validation_writes_nothing():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    person = agency_person(user, agency)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=user, survivor=person, lead_agency_id=agency.pk, reported_on=TODAY,
                           details={"exploitation_types": ["Nope"], "country_of_exploitation": "QQ"},
                           external_id="e" * 101)
    assert {"exploitation_types", "country_of_exploitation", "external_id"} <= set(exc.value.message_dict)
    assert not Case.objects.exists() and not TimelineEvent.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


def test_references_are_sequential_per_year():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    a = services.case_open(actor=user, survivor=agency_person(user, agency), lead_agency_id=agency.pk, reported_on=TODAY)
    b = services.case_open(actor=user, survivor=agency_person(user, agency, "Dewi Lestari"), lead_agency_id=agency.pk,
                           reported_on=TODAY)
    na, nb = int(a.reference.rsplit("-", 1)[1]), int(b.reference.rsplit("-", 1)[1])
    assert nb == na + 1


# -- re-trafficking and closing ----------------------------------------------------------------------------


def test_retrafficked_case_links_previous_case_with_event_on_the_old_case(case, manager):
    old = services.case_transition(actor=user_with_role(Role.SUPERVISOR, case.lead_agency), case=case,
                                   to_stage=Stage.CLOSED, outcome="reintegrated")
    new = services.case_open(actor=manager, survivor=old.survivor, lead_agency_id=old.lead_agency_id,
                             reported_on=TODAY, previous_case=old)
    assert new.previous_case == old
    assert list(old.later_cases.all()) == [new]
    event = TimelineEvent.objects.get(case=old, kind="outcome_recorded")
    assert event.data["later_case"] == str(new.pk) and new.reference in event.summary
    assert audit_rows(object_type="case", object_id=str(old.pk), action="update").get().detail == {
        "retrafficked_in": str(new.pk)}
    assert audit_rows(object_type="case", object_id=str(new.pk), action="create").get().detail["previous_case"] == \
        str(old.pk)


def test_previous_case_of_another_agency_is_not_found(case):
    other = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, other)
    with pytest.raises(NotFound):
        services.case_open(actor=user, survivor=case.survivor, lead_agency_id=other.pk, reported_on=TODAY,
                           previous_case=case)
    assert not TimelineEvent.objects.filter(case=case).exists()
    assert Case.objects.count() == 1


def test_closing_as_deceased_marks_the_person_deceased_and_audits_it(case):
    supervisor = user_with_role(Role.SUPERVISOR, case.lead_agency)
    services.case_transition(actor=supervisor, case=case, to_stage=Stage.CLOSED, outcome="deceased",
                             note="Meninggal di penampungan")
    case.refresh_from_db()
    case.survivor.refresh_from_db()
    assert case.outcome == "deceased" and case.closed_at is not None and case.survivor.deceased
    assert audit_rows(object_type="person", object_id=str(case.survivor_id), action="update").get().detail[
        "fields"] == ["deceased"]


def test_closing_with_another_outcome_leaves_the_person_alive(case):
    supervisor = user_with_role(Role.SUPERVISOR, case.lead_agency)
    services.case_transition(actor=supervisor, case=case, to_stage=Stage.CLOSED, outcome="stays_abroad")
    case.survivor.refresh_from_db()
    assert not case.survivor.deceased


@pytest.mark.parametrize("outcome, field", [("", "outcome"), ("vanished", "outcome")])
def test_closing_needs_a_known_outcome(case, outcome, field):
    supervisor = user_with_role(Role.SUPERVISOR, case.lead_agency)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=supervisor, case=case, to_stage=Stage.CLOSED, outcome=outcome)
    assert field in exc.value.message_dict


def test_outcome_only_when_closing(case, manager):
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=manager, case=case, to_stage=Stage.LOCATED, outcome="deceased")
    assert "outcome" in exc.value.message_dict
    case.survivor.refresh_from_db()
    assert not case.survivor.deceased


def test_transition_time_cannot_precede_the_current_stage(case, manager):
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=manager, case=case, to_stage=Stage.LOCATED,
                                 at=case.stage_entered_at - dt.timedelta(days=1))
    assert "at" in exc.value.message_dict


def test_identified_needs_a_victim_status(case, manager):
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=manager, case=case, to_stage=Stage.IDENTIFIED)
    assert "victim_status" in exc.value.message_dict


def test_bad_travel_document_number_refused():
    case = CaseFactory(stage=Stage.PROTECTED)
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=manager, case=case, to_stage=Stage.DOCUMENTED,
                                 data={"travel_document_number": "12"})
    assert "travel_document_number" in exc.value.message_dict


def test_stage_durations():
    start = clock.now() - dt.timedelta(days=10)
    case = CaseFactory(stage_entered_at=start)
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    services.case_transition(actor=manager, case=case, to_stage=Stage.LOCATED, at=start + dt.timedelta(days=4))
    clock.set_now(start + dt.timedelta(days=10))
    durations = stage_durations(case)
    assert [d["stage"] for d in durations] == ["reported", "located"]
    assert durations[0]["days"] == 4.0 and durations[0]["left_at"] is not None
    assert durations[1]["days"] == 6.0 and durations[1]["left_at"] is None


# -- victim status -----------------------------------------------------------------------------------------


def test_victim_status_recorded_with_decision_org(case, manager):
    services.case_set_victim_status(actor=manager, case=case, status="PossibleVictimOfTrafficking",
                                    decided_by="NonPoliceGovernmentalOrganization")
    case.refresh_from_db()
    assert case.victim_status_decided_by == "NonPoliceGovernmentalOrganization"
    assert case.victim_status_decided_on == clock.today()
    assert audit_rows(object_type="case", action="update").get().detail["victim_status"] == \
        "PossibleVictimOfTrafficking"
    with pytest.raises(ValidationError) as exc:
        services.case_set_victim_status(actor=manager, case=case, status="Victim", decided_by="Uncle",
                                        decided_on=TODAY + dt.timedelta(days=1))
    assert {"victim_status", "decided_by", "decided_on"} <= set(exc.value.message_dict)


# -- services delivered ------------------------------------------------------------------------------------


def test_service_add_and_update_with_date_order(case, manager):
    shelter = AgencyFactory(code="uptd-ppa-ntt")
    svc = services.service_add(actor=manager, case=case, data={
        "type": "shelter", "provider": "uptd-ppa-ntt", "started_on": TODAY - dt.timedelta(days=5)})
    assert svc.provider == shelter and svc.outcome == "ongoing" and svc.recorded_by == manager
    assert TimelineEvent.objects.filter(case=case, kind="service_added").count() == 1
    assert audit_rows(object_type="service", action="create").get().detail["type"] == "shelter"

    with pytest.raises(ValidationError) as exc:
        services.service_update(actor=manager, service=svc, data={"ended_on": TODAY - dt.timedelta(days=6)})
    assert "ended_on" in exc.value.message_dict

    services.service_update(actor=manager, service=svc, data={"ended_on": TODAY, "outcome": "completed"})
    svc.refresh_from_db()
    assert svc.ended_on == TODAY and svc.outcome == "completed"
    assert audit_rows(object_type="service", action="update").get().detail["fields"] == ["ended_on", "outcome"]
    # The same values again change nothing and write nothing.
    services.service_update(actor=manager, service=svc, data={"outcome": "completed"})
    assert TimelineEvent.objects.filter(case=case, kind="service_updated").count() == 1


@pytest.mark.parametrize("data, field", [
    ({"type": "massage", "provider": None, "started_on": TODAY}, "type"),
    ({"type": "medical", "provider": "no-such-agency", "started_on": TODAY}, "provider"),
    ({"type": "medical", "provider": "00000000-0000-0000-0000-000000000000", "started_on": TODAY}, "provider"),
    ({"type": "medical", "started_on": TODAY}, "provider"),
    ({"type": "medical", "provider": "P", "started_on": None}, "started_on"),
    ({"type": "medical", "provider": "P", "started_on": TODAY + dt.timedelta(days=1)}, "started_on"),
    ({"type": "medical", "provider": "P", "started_on": TODAY, "ended_on": TODAY - dt.timedelta(days=1)}, "ended_on"),
    ({"type": "medical", "provider": "P", "started_on": TODAY, "outcome": "great"}, "outcome"),
])
def test_service_add_validation_writes_nothing(case, manager, data, field):
    provider = AgencyFactory()
    data = {k: (provider if v == "P" else v) for k, v in data.items()}
    with pytest.raises(ValidationError) as exc:
        services.service_add(actor=manager, case=case, data=data)
    assert field in exc.value.message_dict
    assert not ServiceDelivery.objects.exists() and not audit_rows().exists()


# -- notes -------------------------------------------------------------------------------------------------


def test_note_add(case, manager):
    note = services.note_add(actor=manager, case=case, body="  Keluarga sudah dihubungi.  ")
    assert note.body == "Keluarga sudah dihubungi." and note.agency_id == case.lead_agency_id
    assert TimelineEvent.objects.get(case=case, kind="note_added").data["note"] == str(note.pk)
    assert audit_rows(object_type="note", object_id=str(note.pk), action="create").exists()
    for body in ("   ", "x" * 20001):
        with pytest.raises(ValidationError):
            services.note_add(actor=manager, case=case, body=body)
    assert Note.objects.count() == 1


def test_note_by_intake_officer_or_outsider(case):
    with pytest.raises(PermissionDenied):
        services.note_add(actor=user_with_role(Role.INTAKE_OFFICER, case.lead_agency), case=case, body="x")
    with pytest.raises(NotFound):
        services.note_add(actor=user_with_role(Role.CASE_MANAGER), case=case, body="x")
    assert not Note.objects.exists()


def test_a_refused_stage_move_names_the_stages_by_label(case, manager):
    from django.utils import translation

    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=manager, case=case, to_stage="repatriated")
    text = exc.value.message_dict["to_stage"][0]
    assert "reported" not in text and "repatriated" not in text
    assert "Dilaporkan" in text and "Dipulangkan" in text
    with translation.override("en"):
        assert "Reported" in exc.value.message_dict["to_stage"][0]
