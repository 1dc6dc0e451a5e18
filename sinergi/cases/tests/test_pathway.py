import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases import services
from sinergi.cases.enums import ALLOWED_TRANSITIONS, Stage
from sinergi.cases.models import StageEntry, TimelineEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.people.services import person_create

pytestmark = pytest.mark.django_db


def test_case_open_writes_stage_timeline_and_audit():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    person = person_create(actor=user, agency_id=agency.pk, data={"full_name": "Siti Aminah"})
    case = services.case_open(actor=user, survivor=person, lead_agency_id=agency.pk, reported_on=clock.today(),
                              details={"exploitation_types": ["ForcedLabour"], "country_of_exploitation": "KHM"})
    assert case.stage == Stage.REPORTED
    assert case.country_of_exploitation_id == "KH"
    assert case.reference.startswith(f"SNG-{clock.today().year}-")
    assert StageEntry.objects.filter(case=case, stage=Stage.REPORTED).count() == 1
    assert TimelineEvent.objects.filter(case=case, kind="case_opened").exists()
    row = AuditEvent.objects.get(object_type="case", object_id=str(case.pk), action="create")
    assert row.user_id == user.pk and row.agency_id == agency.pk and row.role == Role.CASE_MANAGER


def test_full_pathway_to_reintegration_and_close():
    case = CaseFactory()
    user = user_with_role(Role.SUPERVISOR, case.lead_agency)
    services.case_set_victim_status(actor=user, case=case, status="ActualVictimOfTrafficking", decided_by="Police")
    for stage, data in [
        (Stage.LOCATED, {}), (Stage.IDENTIFIED, {}), (Stage.PROTECTED, {}),
        (Stage.DOCUMENTED, {"travel_document_number": "X1234567"}),
        (Stage.REPATRIATED, {"port_of_entry": "Bandara Soekarno-Hatta"}), (Stage.RECEIVED, {}),
        (Stage.RECOVERING, {}), (Stage.REINTEGRATED, {}),
    ]:
        case = services.case_transition(actor=user, case=case, to_stage=stage, data=data)
        assert case.stage == stage
    case = services.case_transition(actor=user, case=case, to_stage=Stage.CLOSED, outcome="reintegrated")
    assert case.closed_at is not None
    assert StageEntry.objects.filter(case=case).count() == 10
    assert StageEntry.objects.filter(case=case, left_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="transition").count() == 9


@pytest.mark.parametrize("source", list(Stage))
@pytest.mark.parametrize("target", list(Stage))
def test_every_transition_allowed_or_refused(source, target):
    case = CaseFactory(stage=source, victim_status="PossibleVictimOfTrafficking",
                       travel_document_number="X1234567", port_of_entry="Tanjung Priok")
    user = user_with_role(Role.SUPERVISOR, case.lead_agency)
    outcome = "declined_help" if target == Stage.CLOSED else ""
    if target in ALLOWED_TRANSITIONS[source]:
        moved = services.case_transition(actor=user, case=case, to_stage=target, outcome=outcome)
        assert moved.stage == target
    elif source == target:
        # Repeating the current stage is an idempotent no-op only after a recorded move; from a fresh case it is refused.
        with pytest.raises(ValidationError):
            services.case_transition(actor=user, case=case, to_stage=target, outcome=outcome)
    else:
        with pytest.raises(ValidationError) as exc:
            services.case_transition(actor=user, case=case, to_stage=target, outcome=outcome)
        assert "to_stage" in exc.value.message_dict
        case.refresh_from_db()
        assert case.stage == source


def test_transition_is_idempotent():
    case = CaseFactory()
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    services.case_transition(actor=user, case=case, to_stage=Stage.LOCATED, idempotency_key="k1")
    services.case_transition(actor=user, case=case, to_stage=Stage.LOCATED, idempotency_key="k1")
    assert TimelineEvent.objects.filter(case=case, kind="stage_changed").count() == 1
    assert StageEntry.objects.filter(case=case).count() == 2


def test_documented_requires_travel_document():
    case = CaseFactory(stage=Stage.PROTECTED)
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=user, case=case, to_stage=Stage.DOCUMENTED)
    assert "travel_document_number" in exc.value.message_dict
    assert not AuditEvent.objects.filter(action="transition").exists()


def test_other_agency_gets_not_found_and_case_manager_cannot_close():
    case = CaseFactory()
    outsider = user_with_role(Role.SUPERVISOR)
    with pytest.raises(NotFound):
        services.case_transition(actor=outsider, case=case, to_stage=Stage.LOCATED)
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    with pytest.raises(PermissionDenied):
        services.case_transition(actor=manager, case=case, to_stage=Stage.CLOSED, outcome="deceased")


def test_future_dates_refused():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=user, survivor=person_create(actor=user, agency_id=agency.pk,
                                                              data={"full_name": "Siti Aminah"}),
                           lead_agency_id=agency.pk, reported_on=clock.today() + dt.timedelta(days=2))
    assert "reported_on" in exc.value.message_dict


def test_one_table_says_which_moves_a_holder_of_which_capabilities_may_make():
    from sinergi.access.capabilities import Cap
    from sinergi.cases.enums import MOVE_CAPABILITY, capability_for, moves_from

    assert capability_for(Stage.CLOSED) == Cap.CASE_CLOSE == MOVE_CAPABILITY[Stage.CLOSED]
    assert capability_for(Stage.LOCATED) == Cap.CASE_TRANSITION
    every = moves_from(Stage.REPORTED)
    assert every == [s for s in Stage if s in ALLOWED_TRANSITIONS[Stage.REPORTED]]
    assert Stage.CLOSED in every
    assert moves_from(Stage.REPORTED, caps={Cap.CASE_TRANSITION}) == [s for s in every if s != Stage.CLOSED]
    assert moves_from(Stage.REPORTED, caps={Cap.CASE_CLOSE}) == [Stage.CLOSED]
    assert moves_from(Stage.CLOSED) == []
