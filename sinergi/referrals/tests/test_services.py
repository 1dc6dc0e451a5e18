import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.access.sections import ALL, case_sections_for
from sinergi.access.visibility import cases_visible_to
from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import TimelineEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.notifications.models import Notification
from sinergi.people.models import Consent
from sinergi.referrals import services
from sinergi.referrals.enums import ReferralStatus as S
from sinergi.referrals.models import Agreement, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    lead = AgencyFactory(name="UPTD PPA NTT")
    embassy = AgencyFactory(name="KBRI Phnom Penh", type=AgencyType.FOREIGN_MINISTRY)
    case = CaseFactory(lead_agency=lead)
    manager = user_with_role(Role.CASE_MANAGER, lead)
    receiver = user_with_role(Role.CASE_MANAGER, embassy)
    Consent.objects.create(person=case.survivor, purpose="referral", given=True, recorded_at=clock.now(),
                           recorded_by=manager)
    return lead, embassy, case, manager, receiver


def test_send_shares_only_chosen_sections_while_active(scene, django_capture_on_commit_callbacks):
    lead, embassy, case, manager, receiver = scene
    assert not cases_visible_to(receiver).filter(pk=case.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = services.referral_send(actor=manager, case=case, type="verify_citizenship", to_agency=embassy)
    assert r.status == S.SENT and r.sections == ["identity", "documents"]
    assert r.ack_due_at == r.sent_at + dt.timedelta(hours=48)
    assert cases_visible_to(receiver).filter(pk=case.pk).exists()
    assert case_sections_for(receiver, case) == {"identity", "documents"}
    assert case_sections_for(manager, case) == {ALL}
    assert Notification.objects.filter(recipient=receiver).count() == 1
    assert TimelineEvent.objects.filter(case=case, kind="referral").count() == 1
    assert AuditEvent.objects.filter(object_type="referral", object_id=str(r.pk), action="create").exists()
    services.referral_respond(actor=receiver, referral=r, to_status=S.ACKNOWLEDGED)
    services.referral_respond(actor=receiver, referral=r, to_status=S.ACCEPTED)
    r = services.referral_respond(actor=receiver, referral=r, to_status=S.COMPLETED, outcome="WNI terverifikasi")
    assert r.completed_at and r.closed_at
    assert not cases_visible_to(receiver).filter(pk=case.pk).exists()  # only while active


def test_receiver_cannot_act_on_the_case_itself(scene):
    lead, embassy, case, manager, receiver = scene
    services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy)
    from sinergi.cases.services import case_transition

    with pytest.raises(PermissionDenied):
        case_transition(actor=receiver, case=case, to_stage="located")


def test_consent_or_override_reason_required(scene):
    lead, embassy, case, manager, receiver = scene
    Consent.objects.create(person=case.survivor, purpose="referral", given=False,
                           recorded_at=clock.now() + dt.timedelta(seconds=1), recorded_by=manager)
    with pytest.raises(ValidationError) as exc:
        services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy)
    assert "consent_override_reason" in exc.value.message_dict
    assert not Referral.objects.exists()
    r = services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy,
                               consent_override_reason="Nyawa korban terancam, harus segera dicari")
    assert r.consent_override_reason
    row = AuditEvent.objects.get(object_type="referral", object_id=str(r.pk))
    assert row.detail["consent_override_reason"].startswith("Nyawa")


def test_decline_needs_reason_and_bad_moves_refused(scene):
    lead, embassy, case, manager, receiver = scene
    r = services.referral_send(actor=manager, case=case, type="shelter", to_agency=embassy)
    with pytest.raises(ValidationError):
        services.referral_respond(actor=receiver, referral=r, to_status=S.DECLINED)
    with pytest.raises(ValidationError):
        services.referral_respond(actor=receiver, referral=r, to_status=S.COMPLETED, outcome="x")
    r = services.referral_respond(actor=receiver, referral=r, to_status=S.DECLINED, reason="Penampungan penuh")
    assert r.status == S.DECLINED and r.decline_reason == "Penampungan penuh"


def test_outsider_gets_not_found_and_sender_withdraws(scene):
    lead, embassy, case, manager, receiver = scene
    r = services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy)
    outsider = user_with_role(Role.SUPERVISOR)
    with pytest.raises(NotFound):
        services.referral_respond(actor=outsider, referral=r, to_status=S.ACKNOWLEDGED)
    r = services.referral_withdraw(actor=manager, referral=r, reason="Korban sudah ditemukan")
    assert r.status == S.WITHDRAWN
    assert services.referral_withdraw(actor=manager, referral=r).status == S.WITHDRAWN  # idempotent


def test_send_is_idempotent_by_key(scene):
    lead, embassy, case, manager, receiver = scene
    a = services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy, idempotency_key="abc")
    b = services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy, idempotency_key="abc")
    assert a.pk == b.pk and Referral.objects.count() == 1


def test_agreement_overrides_default_deadlines(scene):
    lead, embassy, case, manager, receiver = scene
    Agreement.objects.create(name="Handling steps ID-KH", from_country_id="ID", to_country_id="ID",
                             referral_type="locate", ack_hours=6, complete_days=3, valid_from=dt.date(2024, 1, 1))
    r = services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy)
    assert r.ack_due_at - r.sent_at == dt.timedelta(hours=6)
    assert r.agreement is not None


def test_escalation_with_controllable_clock(scene, django_capture_on_commit_callbacks):
    lead, embassy, case, manager, receiver = scene
    lead_supervisor = user_with_role(Role.SUPERVISOR, lead)
    task_force = AgencyFactory(name="Gugus Tugas TPPO NTT", type=AgencyType.TASK_FORCE, region_id="53")
    tf_user = user_with_role(Role.SUPERVISOR, task_force)
    start = clock.now()
    r = services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy)  # ack 24 h, done 14 d
    with django_capture_on_commit_callbacks(execute=True):
        assert services.referrals_escalate_due(start + dt.timedelta(hours=23)) == {"level1": 0, "level2": 0, "expired": 0}
        assert services.referrals_escalate_due(start + dt.timedelta(hours=25))["level1"] == 1
        assert services.referrals_escalate_due(start + dt.timedelta(hours=26))["level1"] == 0  # once
    assert Notification.objects.filter(recipient=lead_supervisor, key__endswith="escalated1").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.referrals_escalate_due(start + dt.timedelta(hours=49))["level2"] == 1
    assert Notification.objects.filter(recipient=tf_user, key__endswith="escalated2").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.referrals_escalate_due(start + dt.timedelta(days=15))["expired"] == 1
    r.refresh_from_db()
    assert r.status == S.EXPIRED and r.escalation_level == 2


def test_only_the_sending_agency_withdraws(scene):
    lead, embassy, case, manager, receiver = scene
    # A referral that came to the lead agency from elsewhere (as one from a partner instance does).
    incoming = Referral.objects.create(case=case, type="shelter", from_agency=embassy, to_agency=lead,
                                       sections=["identity"], sent_at=clock.now(), ack_due_at=clock.now(),
                                       complete_due_at=clock.now())
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(actor=manager, referral=incoming, reason="bukan milik kami")
    incoming.refresh_from_db()
    assert incoming.status == S.SENT


def test_notifications_are_written_in_each_recipients_language(scene, django_capture_on_commit_callbacks):
    from django.utils import translation

    lead, embassy, case, manager, receiver = scene
    english = user_with_role(Role.CASE_MANAGER, embassy, preferred_language="en")
    with translation.override("id"), django_capture_on_commit_callbacks(execute=True):
        r = services.referral_send(actor=manager, case=case, type="verify_citizenship", to_agency=embassy)
    indonesian_title = Notification.objects.get(recipient=receiver).title
    english_title = Notification.objects.get(recipient=english).title
    assert indonesian_title.startswith("Rujukan baru dari UPTD PPA NTT")
    assert english_title.startswith("New referral from UPTD PPA NTT")
    assert "Verify citizenship" in english_title or "citizenship" in english_title.lower()
    manager.preferred_language = "en"
    manager.save(update_fields=["preferred_language"])
    with translation.override("id"), django_capture_on_commit_callbacks(execute=True):
        services.referral_respond(actor=receiver, referral=r, to_status=S.ACKNOWLEDGED)
    answer = Notification.objects.get(recipient=manager, key__endswith="acknowledged")
    assert "KBRI Phnom Penh" in answer.title and "Rujukan" not in answer.title


def test_consent_naming_agency_types_covers_only_those(scene):
    """A consent for sharing that names the kinds of agency covers a referral to one of them (no override reason),
    and not to another kind; its withdrawal ends it."""
    from sinergi.people.services import consent_record

    lead, embassy, case, manager, receiver = scene
    police = AgencyFactory(name="Polda NTT", type=AgencyType.POLICE)
    consent_record(actor=manager, person=case.survivor, agency_id=lead.pk, purpose="referral", given=True,
                   method="signed", agency_types=[AgencyType.FOREIGN_MINISTRY])
    r = services.referral_send(actor=manager, case=case, type="verify_citizenship", to_agency=embassy)
    assert r.consent_override_reason == ""
    with pytest.raises(ValidationError) as exc:
        services.referral_send(actor=manager, case=case, type="investigate", to_agency=police)
    assert "consent_override_reason" in exc.value.message_dict
    consent_record(actor=manager, person=case.survivor, agency_id=lead.pk, purpose="referral", given=False,
                   method="spoken")
    with pytest.raises(ValidationError):
        services.referral_send(actor=manager, case=case, type="locate", to_agency=embassy)
