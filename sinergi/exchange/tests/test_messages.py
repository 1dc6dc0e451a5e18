"""Message-level checks in one process: this instance peered with itself (its own keys as the peer's)."""

import json

import pytest
from joserfc import jwe, jws
from joserfc.jwk import ECKey

from sinergi.core import clock
from sinergi.exchange import crypto, services
from sinergi.exchange.models import ExchangeLog, InboxMessage, Peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def self_peer(settings):
    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    return Peer.objects.create(code="id", name="Self", base_url="http://127.0.0.1:9", jwks=crypto.jwks_public())


def token(peer, kind="noop", body=None, message_id="8f0c1f5e-2c7b-4a86-9a7b-6d3f0a1b2c3d"):
    return crypto.seal({"id": message_id, "kind": kind, "from": peer.code, "to": "id", "sent_at": clock.now().isoformat(),
                        "body": body or {}}, peer)


def test_round_trip_and_replay_applied_once(self_peer, monkeypatch):
    from sinergi.exchange import handlers

    applied = []
    monkeypatch.setitem(handlers.HANDLERS, "noop", lambda peer, body: applied.append(body))
    t = token(self_peer, body={"x": 1})
    status, body = services.inbox_receive(t)
    assert status == 200 and crypto.verify_receipt(body["receipt"], self_peer)["status"] == "applied"
    status, body = services.inbox_receive(t)  # the same message again (a retry or a replay)
    assert status == 200 and crypto.verify_receipt(body["receipt"], self_peer)["status"] == "duplicate"
    assert applied == [{"x": 1}] and InboxMessage.objects.count() == 1


def test_tampered_message_rejected_without_side_effect(self_peer):
    t = token(self_peer)
    parts = t.split(".")
    parts[3] = parts[3][:-4] + ("AAAA" if not parts[3].endswith("AAAA") else "BBBB")
    status, body = services.inbox_receive(".".join(parts))
    assert status == 400 and InboxMessage.objects.count() == 0
    assert ExchangeLog.objects.filter(outcome="rejected").exists()


def test_unknown_signer_rejected(self_peer):
    stranger = ECKey.generate_key("P-256", parameters={"kid": "stranger"})
    signed = jws.serialize_compact({"alg": "ES256", "kid": "stranger"}, json.dumps({"id": "x"}), stranger,
                                   algorithms=["ES256"])
    enc = next(k for k in self_peer.jwks["keys"] if k["use"] == "enc")
    t = jwe.encrypt_compact({"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": enc["kid"]}, signed.encode(),
                            ECKey.import_key(enc), algorithms=["ECDH-ES+A256KW", "A256GCM"])
    status, body = services.inbox_receive(t)
    assert status == 400 and "unknown" in body["error"]


def test_malformed_and_wrong_kind_rejected(self_peer):
    assert services.inbox_receive("not-a-token")[0] == 400
    status, body = services.inbox_receive(token(self_peer, kind="drop.tables"))
    assert status == 400 and "unknown message kind" in body["error"]


def test_unknown_agency_rejected(self_peer):
    status, body = services.inbox_receive(token(self_peer, kind="referral.create", body={
        "referral_id": "5b7e8f2a-7c1d-4f4e-9b8a-1c2d3e4f5a6b", "type": "locate", "to_agency": "no-such-agency",
        "from_agency": {"code": "ncb", "name": "NCB", "type": "police", "country": "ID"}, "sections": []}))
    assert status == 422 and "unknown agency" in body["error"]
    assert InboxMessage.objects.count() == 0


def test_key_rotation_keeps_old_key_valid_for_overlap(self_peer):
    old_token = token(self_peer, kind="referral.status", body={})
    crypto.keys_rotate()
    published = {k["kid"] for k in crypto.jwks_public()["keys"]}
    assert len(published) == 4  # two new, two old still published
    # a message sealed to the old encryption key still opens
    peer, payload = crypto.unseal(old_token)
    assert payload["kind"] == "referral.status"


def test_jwks_endpoint(client, self_peer):
    r = client.get("/.well-known/jwks.json")
    assert r.status_code == 200 and all("d" not in k for k in r.json()["keys"])


def test_message_that_overtook_its_referral_is_deferred_not_applied(self_peer):
    body = {"referral_id": "5b7e8f2a-7c1d-4f4e-9b8a-1c2d3e4f5a6b", "status": "acknowledged"}
    status, answer = services.inbox_receive(token(self_peer, kind="referral.status", body=body))
    assert status == 425 and "unknown referral" in answer["error"]
    # Not recorded as received: the same message is applied when it comes again after its referral.
    assert InboxMessage.objects.count() == 0
    assert ExchangeLog.objects.filter(kind="referral.status", outcome="deferred").exists()


def test_sender_retries_a_too_early_answer_for_a_while_then_gives_up(self_peer, monkeypatch):
    import datetime as dt

    from sinergi.core import clock
    from sinergi.exchange.models import OutboxMessage

    monkeypatch.setattr(services, "_post", lambda url, token: (425, b'{"error": "unknown referral"}'))
    msg = services.outbox_enqueue(peer=self_peer, kind="referral.status", body={"status": "acknowledged"})
    assert services.outbox_deliver(msg.pk) == "retry"
    msg.refresh_from_db()
    assert msg.status == OutboxMessage.Status.QUEUED and msg.next_attempt_at > clock.now()
    OutboxMessage.objects.filter(pk=msg.pk).update(
        created_at=clock.now() - services.NOT_YET_PATIENCE - dt.timedelta(minutes=1), next_attempt_at=clock.now())
    assert services.outbox_deliver(msg.pk) == "failed"
    msg.refresh_from_db()
    assert msg.status == OutboxMessage.Status.FAILED and "425" in msg.last_error


def test_worker_killed_in_the_middle_loses_nothing_and_applies_once(self_peer, monkeypatch):
    import datetime as dt

    from sinergi.core import clock
    from sinergi.exchange import handlers
    from sinergi.exchange.models import OutboxMessage

    applied = []
    monkeypatch.setitem(handlers.HANDLERS, "noop", lambda peer, body: applied.append(body))
    posted = []

    def post(url, token):  # the peer is this instance: deliver into our own inbox
        posted.append(token)
        status, body = services.inbox_receive(token)
        return status, json.dumps(body).encode()

    monkeypatch.setattr(services, "_post", post)
    msg = services.outbox_enqueue(peer=self_peer, kind="noop", body={"n": 1})
    # A worker claimed it, its request reached the peer and was applied, then the worker was killed before it
    # could write "delivered": the message stays queued with the claim's lease.
    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=clock.now() + services.LEASE, attempts=1)
    services.inbox_receive(crypto.seal({"id": str(msg.pk), "kind": "noop", "from": "id", "to": "id",
                                        "sent_at": clock.now().isoformat(), "body": {"n": 1}}, self_peer))
    assert services.outbox_deliver(msg.pk) == "skipped"  # claimed: no second worker sends it meanwhile
    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=clock.now() - dt.timedelta(seconds=1))
    assert services.outbox_deliver(msg.pk) == "delivered"  # after the lease: sent again, answered "duplicate"
    msg.refresh_from_db()
    assert msg.status == OutboxMessage.Status.DELIVERED and msg.receipt["status"] == "duplicate"
    assert msg.attempts == 2 and len(posted) == 1 and applied == [{"n": 1}]
    assert InboxMessage.objects.count() == 1
