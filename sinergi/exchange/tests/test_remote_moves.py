"""A peer moves a referral only as the side it is on (``referrals.enums``): the receiver works a referral we sent it
by the receiver's table, the sender of one we received may only withdraw it, either may expire it. Any other move
is refused (422) with its reason, and nothing is written: no status, no timeline event, no audit row, no inbox row."""

from __future__ import annotations

import uuid

import pytest

from sinergi.agencies.enums import AgencyType
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import TimelineEvent
from sinergi.core import clock
from sinergi.agencies.tests.factories import AgencyFactory
from sinergi.cases.tests.factories import CaseFactory
from sinergi.exchange import crypto, services
from sinergi.exchange.models import ExchangeLog, InboxMessage, Peer
from sinergi.referrals.enums import ReferralStatus as S
from sinergi.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer(settings):
    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    return Peer.objects.create(code="id", name="Self", base_url="http://127.0.0.1:9", jwks=crypto.jwks_public())


def remote_agency(peer):
    return AgencyFactory(code=f"{peer.code}-cnp-{uuid.uuid4().hex[:6]}", name="CNP", type=AgencyType.FOREIGN_POLICE, country_id="KH",
                         region=None, peer=peer, remote_code="cnp")


def referral(peer, *, sent_by_us: bool, status=S.SENT) -> Referral:
    local, other = AgencyFactory(), remote_agency(peer)
    case = CaseFactory(lead_agency=local if sent_by_us else local)
    now = clock.now()
    return Referral.objects.create(
        case=case, type="investigate", from_agency=local if sent_by_us else other,
        to_agency=other if sent_by_us else local, sections=["location"], status=status, sent_at=now,
        ack_due_at=now, complete_due_at=now, remote_peer=peer, remote_id=uuid.uuid4())


def send(peer, r: Referral, status: str):
    body = {"referral_id": str(r.pk), "remote_referral_id": str(r.remote_id), "origin_referral_id": str(r.remote_id),
            "status": status, "reason": "", "outcome": "ok"}
    return services.inbox_receive(crypto.seal({
        "id": str(uuid.uuid4()), "kind": "referral.status", "from": peer.code, "to": "id",
        "sent_at": clock.now().isoformat(), "body": body}, peer))


def written():
    return (AuditEvent.objects.count(), TimelineEvent.objects.count(), InboxMessage.objects.count())


@pytest.mark.parametrize("start,to", [
    (S.SENT, S.WITHDRAWN), (S.ACCEPTED, S.DECLINED), (S.IN_PROGRESS, S.EXPIRED), (S.ACKNOWLEDGED, S.WITHDRAWN),
])
def test_the_receiver_may_not_make_the_senders_moves_or_go_back(peer, start, to):
    r = referral(peer, sent_by_us=True, status=start)
    before = written()
    status, body = send(peer, r, to)
    assert status == 422 and "receiver may not move" in body["error"]
    r.refresh_from_db()
    assert r.status == start and r.completed_at is None and r.outcome == ""
    assert written() == before
    assert ExchangeLog.objects.filter(kind="referral.status", outcome="rejected",
                                      reason__contains="receiver may not").exists()


@pytest.mark.parametrize("start,to", [
    (S.SENT, S.COMPLETED), (S.SENT, S.ACCEPTED), (S.SENT, S.IN_PROGRESS), (S.ACKNOWLEDGED, S.COMPLETED),
])
def test_a_move_ahead_of_one_still_on_its_way_waits_and_then_applies(peer, start, to):
    """Messages to one peer may overtake each other: a later move of the receiver that arrives before the moves
    it follows is answered "not yet" (425, retried by the sender), nothing written, and applies once they have."""
    r = referral(peer, sent_by_us=True, status=start)
    before = written()
    status, _ = send(peer, r, to)
    assert status == 425
    r.refresh_from_db()
    assert r.status == start and written() == before
    path = {S.SENT: [S.ACKNOWLEDGED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED],
            S.ACKNOWLEDGED: [S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED]}[start]
    for step in path[:path.index(to)]:
        assert send(peer, r, step)[0] == 200
    assert send(peer, r, to)[0] == 200
    r.refresh_from_db()
    assert r.status == to


def test_the_receivers_moves_are_applied_in_order(peer):
    r = referral(peer, sent_by_us=True)
    for to in (S.ACKNOWLEDGED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED):
        status, _ = send(peer, r, to)
        assert status == 200, to
        r.refresh_from_db()
        assert r.status == to
    assert r.outcome == "ok" and r.completed_at is not None


@pytest.mark.parametrize("to", [S.ACKNOWLEDGED, S.ACCEPTED, S.COMPLETED, S.DECLINED])
def test_the_sender_of_a_referral_we_received_may_only_withdraw_it(peer, to):
    r = referral(peer, sent_by_us=False)
    before = written()
    status, body = send(peer, r, to)
    assert status == 422 and "sender may not move" in body["error"]
    r.refresh_from_db()
    assert r.status == S.SENT and written() == before
    status, _ = send(peer, r, S.WITHDRAWN)
    assert status == 200
    r.refresh_from_db()
    assert r.status == S.WITHDRAWN and r.closed_at is not None


def test_either_side_may_expire_an_unanswered_referral(peer):
    for sent_by_us in (True, False):
        r = referral(peer, sent_by_us=sent_by_us)
        assert send(peer, r, S.EXPIRED)[0] == 200
        r.refresh_from_db()
        assert r.status == S.EXPIRED
