"""Peers registered before they were up: their keys are fetched later by the worker, or at once when a delivery
needs them or a message arrives signed by a key we do not know yet."""

import pytest

from sinergi.core import clock
from sinergi.exchange import crypto, services
from sinergi.exchange.models import Peer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_backoff_between_tests(monkeypatch):
    monkeypatch.setattr(services, "_keys_failures", {})


@pytest.fixture
def fetches(monkeypatch):
    """Fetching answers with this instance's own keys (the peer is ourselves), or fails while ``down``."""
    calls = []

    def fetch(peer, *, timeout=services.TIMEOUT_SECONDS):
        calls.append(peer.code)
        if fetch.down:
            raise OSError("connection refused")
        peer.jwks, peer.jwks_updated_at = crypto.jwks_public(), clock.now()
        peer.save(update_fields=["jwks", "jwks_updated_at", "updated_at"])

    fetch.down = False
    fetch.calls = calls
    monkeypatch.setattr(services, "peer_fetch_jwks", fetch)
    return fetch


def test_peer_ensure_creates_and_updates(settings):
    peer, created = services.peer_ensure(code="kh", name="Cambodia", base_url="http://127.0.0.1:8001")
    assert created and peer.jwks == {}
    peer.jwks, peer.jwks_updated_at = {"keys": [{"kid": "x"}]}, clock.now()
    peer.save()
    same, created = services.peer_ensure(code="kh", name="Cambodia", base_url="http://127.0.0.1:8001")
    assert not created and same.jwks == {"keys": [{"kid": "x"}]}
    moved, _ = services.peer_ensure(code="kh", name="Cambodia", base_url="http://127.0.0.1:8002")
    assert moved.jwks == {} and moved.jwks_updated_at is None  # keys from the old address are dropped
    with pytest.raises(crypto.Rejected):
        services.peer_ensure(code="xx", name="X", base_url="http://example.org")  # HTTPS only off loopback


def test_worker_fetches_missing_keys_with_backoff(fetches, settings):
    crypto.keys_ensure()
    Peer.objects.create(code="kh", name="Cambodia", base_url="http://127.0.0.1:8001")
    fetches.down = True
    assert services.peers_refresh_keys() == 0
    assert services.peers_refresh_keys() == 0  # backing off: not asked again at once
    assert fetches.calls == ["kh"]
    services._keys_failures.clear()  # the wait is over
    fetches.down = False
    assert services.peers_refresh_keys() == 1
    assert services.peers_refresh_keys() == 0  # fresh keys are not fetched again
    assert Peer.objects.get(code="kh").jwks["keys"]


def test_delivery_fetches_the_keys_it_needs(fetches, settings, monkeypatch):
    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    peer = Peer.objects.create(code="id", name="Self", base_url="http://127.0.0.1:8001")
    msg = services.outbox_enqueue(peer=peer, kind="referral.status", body={})
    monkeypatch.setattr(services, "_post", lambda url, token: (503, b"busy"))
    assert services.outbox_deliver(msg.pk) == "retry"
    msg.refresh_from_db()
    assert fetches.calls == ["id"] and "busy" in msg.last_error  # sealed with the fetched keys, then posted


def test_message_from_a_peer_whose_keys_we_lack_is_accepted_after_a_fetch(fetches, settings, monkeypatch):
    from sinergi.exchange import handlers

    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    peer = Peer.objects.create(code="id", name="Self", base_url="http://127.0.0.1:8001", jwks=crypto.jwks_public())
    token = crypto.seal({"id": "8f0c1f5e-2c7b-4a86-9a7b-6d3f0a1b2c3d", "kind": "noop", "from": "id", "to": "id",
                         "sent_at": clock.now().isoformat(), "body": {}}, peer)
    Peer.objects.filter(pk=peer.pk).update(jwks={})  # as if registered before the sender was up
    monkeypatch.setitem(handlers.HANDLERS, "noop", lambda peer, body: None)
    status, body = services.inbox_receive(token)
    assert status == 200 and fetches.calls == ["id"]
    # Fresh keys and still an unknown signer: refused without asking the peer again.
    stranger = token
    Peer.objects.filter(pk=peer.pk).update(jwks={"keys": []}, jwks_updated_at=clock.now())
    status, body = services.inbox_receive(stranger)
    assert status == 400 and "unknown" in body["error"] and fetches.calls == ["id"]
