"""Reports passed on to an agency of a linked partner instance, in one process (this instance peered with itself,
its own keys as the peer's): what leaves (only the chosen sections), the consent it needs, the arrival in the
partner agency's inbox (once, with its deadline, notification and audit row), the receipt, and the plain words the
family reads. The same across two real instances: ``exchange/tests/test_two_instances.py``."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.core import clock
from sinergi.core.errors import PermissionDenied
from sinergi.exchange import crypto
from sinergi.exchange import services as exchange
from sinergi.exchange.models import ExchangeLog, InboxMessage, OutboxMessage, Peer
from sinergi.intake import inbox, remote, services, tracking, triage
from sinergi.intake.models import Report
from sinergi.notifications.models import Notification
from sinergi.people.services import consent_record
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NARRATIVE = "Adik saya ditahan di kompleks penipuan daring di Sihanoukville; paspornya disita."


@pytest.fixture(autouse=True)
def _indonesian():
    from django.utils import translation

    with translation.override("id"):
        yield


@pytest.fixture
def peer(settings):
    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    return Peer.objects.create(code="id", name="Mitra", base_url="http://127.0.0.1:9", jwks=crypto.jwks_public())


@pytest.fixture
def uptd():
    return AgencyFactory(code="uptd-ntt", type=AgencyType.PROVINCIAL_SERVICE, name="UPTD PPA NTT")


@pytest.fixture
def manager(uptd):
    return user_with_role(Role.CASE_MANAGER, uptd)


@pytest.fixture
def partner(peer):
    """The partner's police (an agency of this same instance, since the instance is its own peer) and its local
    stand-in, through which reports leave for it."""
    cnp = AgencyFactory(code="cnp", name="Cambodian National Police", type=AgencyType.FOREIGN_POLICE,
                        country_id="KH", region=None)
    staff = user_with_role(Role.INTAKE_OFFICER, cnp)
    stand_in = AgencyFactory(code="id-cnp", name="Cambodian National Police", type=AgencyType.FOREIGN_POLICE,
                             country_id="KH", region=None, peer=peer, remote_code="cnp")
    return cnp, staff, stand_in


def family_report(agency, subject=None, **data):
    return services.report_create_public(agency_id=agency.pk, subject=subject, data={
        "narrative": NARRATIVE, "reporter_name": "Ibu Seran", "reporter_relation": "ibu",
        "reporter_contact": "081299998888", "country_of_exploitation": "KH",
        "last_known_location": "Sihanoukville, kompleks Jinbei", **data})


def deliver_in_process(monkeypatch):
    """Let the outbox deliver to this very instance: the HTTP POST replaced by the inbox it would reach."""

    def post(url, token):
        status, body = exchange.inbox_receive(token)
        return status, json.dumps(body).encode()

    monkeypatch.setattr(exchange, "_post", post)


def forward(actor, report, to, **kw):
    kw.setdefault("reason", "Korban berada di Kamboja; polisi setempat yang dapat menolong.")
    return triage.report_forward(actor=actor, report=report, to_agency=to, **kw)


def trail(report):
    return [e.detail.get("triage") for e in AuditEvent.objects.filter(object_type="report", object_id=str(report.pk))
            .order_by("seq") if e.detail.get("triage")]


def test_a_report_passed_on_to_a_partner_arrives_once_in_the_partner_agencys_inbox(
        uptd, manager, partner, monkeypatch, django_capture_on_commit_callbacks):
    cnp, staff, stand_in = partner
    rep = family_report(uptd)
    with django_capture_on_commit_callbacks(execute=True):
        forward(manager, rep, stand_in, consent_override_reason="Keluarga melapor; korban tidak dapat dihubungi",
                idempotency_key="p1")
    rep.refresh_from_db()
    assert rep.status == "passed_on" and rep.agency_id == uptd.pk and rep.partner_received_at is None
    assert trail(rep) == ["forwarded"]
    assert [r.pk for r in inbox.inbox_list(manager, state="done")] == [rep.pk]  # the sender still sees it
    assert "sedang dikirim" in str(tracking.plain_status(rep))
    (message,) = OutboxMessage.objects.all()
    assert message.kind == "report.forward" and message.body["to_agency"] == "cnp"

    deliver_in_process(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        assert exchange.outbox_deliver(message.pk) == "delivered"
    arrived = Report.objects.get(channel="partner")
    assert arrived.agency_id == cnp.pk and arrived.status == "new" and arrived.narrative == NARRATIVE
    assert arrived.remote_peer_id and str(arrived.remote_id) == str(rep.pk)
    (move,) = arrived.moves.all()
    assert move.kind == "arrived" and move.from_agency.remote_code == "uptd-ntt"
    assert move.reason.startswith("Korban berada di Kamboja")
    assert arrived.due_at == move.at + dt.timedelta(hours=24)
    assert [r.pk for r in inbox.inbox_list(staff)] == [arrived.pk]
    assert Notification.objects.filter(recipient=staff, key=f"report:{arrived.pk}:arrived:{cnp.pk}").exists()
    created = AuditEvent.objects.get(object_type="report", object_id=str(arrived.pk), action="create")
    assert created.username == "peer:id" and created.detail["peer"] == "id"
    assert created.detail["channel"] == "partner"

    # The receipt: the sender's report now says it is there.
    rep.refresh_from_db()
    assert rep.partner_received_at is not None
    words = str(tracking.plain_status(rep))
    assert "sudah diterima di sana" in words and "kepolisian negara tempat orang tersebut berada" in words

    # The same message again (a worker that died before recording the delivery), and the same report in a new
    # message: still one report.
    OutboxMessage.objects.update(status="queued", next_attempt_at=clock.now())
    assert exchange.outbox_deliver(message.pk) == "delivered"
    exchange.inbox_receive(crypto.seal({"id": str(uuid.uuid4()), "kind": "report.forward", "from": "id", "to": "id",
                                        "sent_at": clock.now().isoformat(), "body": message.body}, stand_in.peer))
    assert Report.objects.filter(channel="partner").count() == 1
    assert ExchangeLog.objects.filter(kind="report.forward", outcome="duplicate").exists()
    assert AuditEvent.objects.filter(object_type="report", object_id=str(arrived.pk), action="create").count() == 1

    # The move repeated with its key changes nothing; without it, the report is already decided.
    forward(manager, rep, stand_in, consent_override_reason="Keluarga melapor; korban tidak dapat dihubungi",
            idempotency_key="p1")
    with pytest.raises(ValidationError) as exc:
        forward(manager, rep, stand_in, consent_override_reason="Keluarga melapor; korban tidak dapat dihubungi")
    assert "report" in exc.value.message_dict
    assert OutboxMessage.objects.count() == 1 and trail(rep) == ["forwarded"]


def test_only_the_chosen_sections_leave_and_the_reporters_contact_only_when_chosen(uptd, manager, partner):
    _cnp, _staff, stand_in = partner
    person = PersonFactory(full_name="Yohana Seran", estimated_age=24, phone="081311112222")
    rep = family_report(uptd, subject=person)
    consent_record(actor=manager, person=person, agency_id=uptd.pk, purpose="cross_border", given=True,
                   method="spoken")
    forward(manager, rep, stand_in)
    body = OutboxMessage.objects.get().body
    assert body["sections"] == ["identity", "exploitation", "location"]
    assert body["narrative"] == NARRATIVE and body["last_known_location"].startswith("Sihanoukville")
    assert body["subject"] == {"full_name": "Yohana Seran", "sex": person.sex, "age": 24,
                               "citizenship": person.citizenship_id or ""}
    sent = json.dumps(body)
    assert "081299998888" not in sent and "Ibu Seran" not in sent and "081311112222" not in sent
    assert "reporter" not in body and "screenings" not in sent

    other = family_report(uptd)
    forward(manager, other, stand_in, sections=["contact"], consent_override_reason="Pelapor minta dihubungi polisi")
    body = OutboxMessage.objects.get(body__report_id=str(other.pk)).body
    assert body["sections"] == ["contact", "exploitation"]  # the story always goes
    assert body["reporter"] == {"name": "Ibu Seran", "relation": "ibu", "contact": "081299998888"}
    assert "subject" not in body and "last_known_location" not in body

    third = family_report(uptd)
    with pytest.raises(ValidationError) as exc:
        forward(manager, third, stand_in, sections=["documents"], consent_override_reason="x" * 20)
    assert "sections" in exc.value.message_dict


def test_without_cross_border_consent_nothing_leaves(uptd, manager, partner):
    _cnp, _staff, stand_in = partner
    person = PersonFactory(full_name="Yohana Seran")
    rep = family_report(uptd, subject=person)
    with pytest.raises(ValidationError) as exc:
        forward(manager, rep, stand_in)
    assert "lintas negara" in exc.value.message_dict["consent_override_reason"][0]
    with pytest.raises(ValidationError):
        forward(manager, rep, stand_in, consent_override_reason="pendek")
    # Consent to share within the country is not consent to share abroad.
    consent_record(actor=manager, person=person, agency_id=uptd.pk, purpose="referral", given=True, method="spoken")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        forward(manager, rep, stand_in)
    rep.refresh_from_db()
    assert rep.status == "new" and not OutboxMessage.objects.exists() and rep.moves.count() == 1
    assert AuditEvent.objects.count() == before

    forward(manager, rep, stand_in, consent_override_reason="Nyawa terancam; keluarga meminta bantuan segera")
    (row,) = [e for e in AuditEvent.objects.filter(object_type="report", object_id=str(rep.pk))
              if e.detail.get("triage") == "forwarded"]
    assert row.detail["consent_override_reason"].startswith("Nyawa terancam")
    assert row.detail["peer"] == "id" and row.detail["sections"] == ["identity", "exploitation", "location"]


def test_an_english_reader_gets_the_consent_message_in_english(uptd, manager, partner):
    from django.utils import translation

    rep = family_report(uptd)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        forward(manager, rep, partner[2])
    assert "cross-border" in exc.value.message_dict["consent_override_reason"][0]


def test_sending_a_report_to_a_partner_needs_the_referral_right(uptd, partner):
    officer = user_with_role(Role.INTAKE_OFFICER, uptd)
    rep = family_report(uptd)
    with pytest.raises(PermissionDenied):
        forward(officer, rep, partner[2], consent_override_reason="Keluarga melapor; korban tidak dapat dihubungi")
    assert not OutboxMessage.objects.exists()
    rep.refresh_from_db()
    assert rep.status == "new"


def test_a_partner_that_is_switched_off_is_not_a_target(uptd, manager, partner):
    stand_in = partner[2]
    Peer.objects.filter(pk=stand_in.peer_id).update(is_active=False)
    with pytest.raises(ValidationError) as exc:
        forward(manager, family_report(uptd), stand_in, consent_override_reason="x" * 20)
    assert "to_agency" in exc.value.message_dict
    assert stand_in not in list(triage.routing.partner_targets(uptd))


def _arrive(peer, **body):
    payload = {"report_id": str(uuid.uuid4()), "to_agency": "cnp", "narrative": NARRATIVE, "sections": ["exploitation"],
               "from_agency": {"code": "uptd-ntt", "name": "UPTD PPA NTT", "type": "provincial_service",
                               "country": "ID"}, **body}
    return exchange.inbox_receive(crypto.seal({"id": str(uuid.uuid4()), "kind": "report.forward", "from": peer.code,
                                               "to": "id", "sent_at": clock.now().isoformat(), "body": payload}, peer))


@pytest.mark.parametrize("body, words", [
    ({"to_agency": "nobody"}, "unknown agency"),
    ({"narrative": "  "}, "invalid report"),
    ({"report_id": "not-an-id"}, "no id"),
    ({"country_of_exploitation": "XX"}, "invalid report"),
    ({"from_agency": {"code": "x", "country": "ZZ"}}, "unknown country"),
    ({"to_agency": "desa-uji"}, "does not take reports"),
])
def test_an_arrival_that_can_never_apply_is_refused_and_writes_nothing(peer, partner, body, words):
    from sinergi.agencies.enums import Level

    AgencyFactory(code="desa-uji", type=AgencyType.VILLAGE, level=Level.VILLAGE, region_id="53.01.04.2003")
    before = (Report.objects.count(), AuditEvent.objects.count(), InboxMessage.objects.count())
    status, answer = _arrive(peer, **body)
    assert status == 422 and words in answer["error"]
    assert (Report.objects.count(), AuditEvent.objects.count(), InboxMessage.objects.count()) == before


def test_an_arrival_naming_the_person_creates_them_audited_as_the_partner(peer, partner):
    cnp, _staff, _stand_in = partner
    status, _answer = _arrive(peer, sections=["exploitation", "identity"],
                              subject={"full_name": "Yohana Seran", "sex": "Feminine", "age": 24,
                                       "citizenship": "ID"})
    assert status == 200
    arrived = Report.objects.get(channel="partner")
    assert arrived.subject.full_name == "Yohana Seran" and arrived.subject.estimated_age == 24
    created = AuditEvent.objects.get(object_type="person", object_id=str(arrived.subject_id), action="create")
    assert created.username == f"peer:{peer.code}" and created.agency_id == cnp.pk


def test_the_handler_is_registered_by_intake():
    from sinergi.exchange import handlers

    assert handlers.HANDLERS["report.forward"] is remote.on_report_forward
    assert handlers.DELIVERED["report.forward"] is remote.on_report_forward_delivered

