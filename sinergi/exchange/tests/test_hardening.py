"""Issue 9, finding 4 (and issue 11, item 9): the exchange's keys at rest, message freshness with the replay
store, bounded logging of refused messages, and backoffs that stay bounded while a peer is down."""

import datetime as dt
import json
import logging
import uuid

import pytest
from django.db import connection

from sinergi.core import clock
from sinergi.exchange import crypto, handlers, services
from sinergi.exchange.models import ExchangeLog, InboxMessage, InstanceKey, Peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def self_peer(settings):
    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    return Peer.objects.create(code="id", name="Self", base_url="http://127.0.0.1:9", jwks=crypto.jwks_public())


@pytest.fixture
def applied(monkeypatch):
    seen = []
    monkeypatch.setitem(handlers.HANDLERS, "noop", lambda peer, body: seen.append(body))
    return seen


def token(peer, *, sent_at, message_id=None, body=None):
    sent = sent_at.isoformat() if isinstance(sent_at, dt.datetime) else sent_at
    return crypto.seal({"id": message_id or str(uuid.uuid4()), "kind": "noop", "from": peer.code, "to": "id",
                        "sent_at": sent, "body": body or {}}, peer)


# --- private keys at rest -----------------------------------------------------------------------------------

def test_instance_private_keys_are_not_stored_in_plain_text(self_peer):
    with connection.cursor() as cur:
        cur.execute("SELECT private_jwk FROM exchange_instancekey")
        stored = [row[0] for row in cur.fetchall()]
    assert stored
    for raw in stored:
        text = raw if isinstance(raw, str) else json.dumps(raw)
        assert '"d"' not in text and '"kty"' not in text  # no JSON at all: neither the private scalar nor the key
        assert text.startswith("sng1:")
    # ... and the instance still signs, publishes and opens messages with them.
    assert all("d" not in k for k in crypto.jwks_public()["keys"])
    peer, payload = crypto.unseal(token(self_peer, sent_at=clock.now()))
    assert peer == self_peer and payload["kind"] == "noop"


def test_a_value_sealed_for_another_column_does_not_open_as_a_private_key(self_peer):
    """A sealed value is bound to its column: one encrypted elsewhere under the same key does not open here."""
    from sinergi.core.sealing import SealError, seal

    elsewhere = seal('{"kty": "EC"}', context="exchange.Peer.jwks", purpose="exchange")
    with connection.cursor() as cur:
        cur.execute("UPDATE exchange_instancekey SET private_jwk = %s", [elsewhere])
    with pytest.raises(SealError):
        list(InstanceKey.objects.all())


def test_existing_plain_keys_are_encrypted_by_the_migration(self_peer):
    import importlib

    from django.apps import apps

    key = InstanceKey.objects.filter(use="sig").first()
    with connection.cursor() as cur:
        cur.execute("UPDATE exchange_instancekey SET private_jwk = %s WHERE kid = %s",
                    [json.dumps(key.private_jwk), key.kid])
    migration = importlib.import_module("sinergi.exchange.migrations.0002_private_keys_encrypted")
    migration.encrypt_private_keys(apps, connection.schema_editor())
    assert InstanceKey.objects.get(kid=key.kid).private_jwk == key.private_jwk
    with connection.cursor() as cur:
        cur.execute("SELECT private_jwk FROM exchange_instancekey WHERE kid = %s", [key.kid])
        assert cur.fetchone()[0].startswith("sng1:")


# --- freshness and replays ----------------------------------------------------------------------------------

def test_a_validly_signed_message_from_years_ago_is_refused_and_not_applied(self_peer, applied):
    status, body = services.inbox_receive(token(self_peer, sent_at=clock.now() - dt.timedelta(days=3 * 365)))
    assert status == 400 and body["code"] == "stale" and "old" in body["error"]
    assert applied == [] and InboxMessage.objects.count() == 0
    assert ExchangeLog.objects.filter(outcome="rejected", reason__contains="stale").exists()


def test_a_message_from_the_future_is_refused(self_peer, applied):
    status, body = services.inbox_receive(token(self_peer, sent_at=clock.now() + dt.timedelta(hours=1)))
    assert status == 400 and body["code"] == "future"
    assert applied == []


def test_clock_skew_within_the_tolerance_is_accepted(self_peer, applied, settings):
    skew = dt.timedelta(seconds=settings.SINERGI_EXCHANGE_CLOCK_SKEW_SECONDS - 5)
    assert services.inbox_receive(token(self_peer, sent_at=clock.now() + skew))[0] == 200
    old = dt.timedelta(seconds=settings.SINERGI_EXCHANGE_MAX_AGE_SECONDS) + skew
    assert services.inbox_receive(token(self_peer, sent_at=clock.now() - old))[0] == 200
    assert len(applied) == 2


def test_the_window_is_configurable(self_peer, applied, settings):
    settings.SINERGI_EXCHANGE_MAX_AGE_SECONDS = 60
    settings.SINERGI_EXCHANGE_CLOCK_SKEW_SECONDS = 0
    assert services.inbox_receive(token(self_peer, sent_at=clock.now() - dt.timedelta(minutes=2)))[0] == 400
    assert services.inbox_receive(token(self_peer, sent_at=clock.now() - dt.timedelta(seconds=30)))[0] == 200


def test_missing_or_malformed_sent_at_is_refused(self_peer, applied):
    for sent in ("x", "", "2026-13-45T00:00:00"):
        status, body = services.inbox_receive(token(self_peer, sent_at=sent))
        assert status == 400, sent
    assert applied == []


def test_a_replay_inside_the_window_is_a_duplicate_and_outside_it_is_refused(self_peer, applied):
    captured = token(self_peer, sent_at=clock.now(), message_id="3f2a8b1c-0d4e-4f5a-9b6c-7d8e9f0a1b2c")
    assert services.inbox_receive(captured)[0] == 200
    status, body = services.inbox_receive(captured)  # replayed at once: the inbox knows the id
    assert status == 200 and crypto.verify_receipt(body["receipt"], self_peer)["status"] == "duplicate"
    clock.set_now(clock.now() + dt.timedelta(hours=2))  # replayed later: stale before the id is even looked up
    status, body = services.inbox_receive(captured)
    assert status == 400 and body["code"] == "stale"
    assert applied == [{}]


def test_delivery_seals_with_the_time_of_sending_so_a_queued_message_is_not_stale(self_peer, applied, monkeypatch):
    """A message queued while the peer was down for a day still arrives: sent_at is the time of this attempt."""
    def post(url, token):
        status, body = services.inbox_receive(token)
        return status, json.dumps(body).encode()

    monkeypatch.setattr(services, "_post", post)
    msg = services.outbox_enqueue(peer=self_peer, kind="noop", body={"n": 1})
    clock.set_now(clock.now() + dt.timedelta(days=1))
    assert services.outbox_deliver(msg.pk) == "delivered"
    assert applied == [{"n": 1}]


def test_sender_retries_a_message_refused_for_its_clock(self_peer, monkeypatch):
    from sinergi.exchange.models import OutboxMessage

    monkeypatch.setattr(services, "_post", lambda url, token: (400, b'{"error": "stale", "code": "stale"}'))
    msg = services.outbox_enqueue(peer=self_peer, kind="noop", body={})
    assert services.outbox_deliver(msg.pk) == "retry"  # fixing a clock makes the next attempt pass
    assert OutboxMessage.objects.get(pk=msg.pk).status == OutboxMessage.Status.QUEUED


# --- refused messages from strangers: bounded logging -----------------------------------------------------

def test_rejections_from_one_address_are_rate_limited_and_counted(self_peer, settings):
    from sinergi.exchange.models import ExchangeLogDropped

    settings.SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE = 5
    junk = "x" * 5000
    for _ in range(40):
        status, _body = services.inbox_receive(junk, source="203.0.113.9")
        assert status == 400
    rows = ExchangeLog.objects.filter(outcome="rejected")
    assert rows.count() == 5
    assert all(len(r.reason) <= services.REASON_MAX for r in rows)
    assert rows.first().source == "203.0.113.9"
    assert sum(ExchangeLogDropped.objects.values_list("count", flat=True)) == 35
    # Another address still gets its rows.
    services.inbox_receive(junk, source="198.51.100.7")
    assert ExchangeLog.objects.filter(outcome="rejected", source="198.51.100.7").count() == 1
    assert services.exchange_status()["rejected_unlogged"] == 35


def test_ipv6_senders_are_limited_per_network(self_peer, settings):
    settings.SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE = 3
    for i in range(10):
        services.inbox_receive("junk", source=f"2001:db8:1:2::{i + 1:x}")
    assert ExchangeLog.objects.filter(outcome="rejected").count() == 3


def test_rejections_from_everyone_are_capped_in_total(self_peer, settings):
    settings.SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE = 100
    settings.SINERGI_EXCHANGE_REJECT_LOG_TOTAL = 10
    for i in range(30):
        services.inbox_receive("junk", source=f"192.0.2.{i}")
    assert ExchangeLog.objects.filter(outcome="rejected").count() == 10


def test_the_limit_opens_again_after_the_window(self_peer, settings):
    settings.SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE = 2
    for _ in range(5):
        services.inbox_receive("junk", source="203.0.113.9")
    clock.set_now(clock.now() + dt.timedelta(seconds=settings.SINERGI_EXCHANGE_REJECT_LOG_WINDOW_SECONDS + 1))
    services.inbox_receive("junk", source="203.0.113.9")
    assert ExchangeLog.objects.filter(outcome="rejected").count() == 3


def test_the_inbox_endpoint_passes_the_senders_address(client, self_peer, settings):
    settings.SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE = 1
    for _ in range(3):
        r = client.post("/exchange/inbox/", data="a.b.c.d.e", content_type="application/jose",
                        REMOTE_ADDR="203.0.113.50")
        assert r.status_code == 400
    assert list(ExchangeLog.objects.values_list("source", flat=True)) == ["203.0.113.50"]


def test_reason_from_a_known_peer_is_truncated(self_peer):
    crazy = "k" * 5000
    t = crypto.seal({"id": str(uuid.uuid4()), "kind": crazy, "from": "id", "to": "id",
                     "sent_at": clock.now().isoformat(), "body": {}}, self_peer)
    assert services.inbox_receive(t)[0] == 400
    row = ExchangeLog.objects.get(outcome="rejected")
    assert len(row.reason) <= services.REASON_MAX and len(row.kind) <= 40


# --- issue 11, item 9: a peer that stays down ---------------------------------------------------------------

def test_backoffs_stay_bounded_however_many_failures():
    for attempts in (0, 1, 10, 64, 1000, 10**6):
        wait = services._backoff(attempts)
        assert dt.timedelta(0) < wait <= services.MAX_BACKOFF


def test_key_refresh_for_a_peer_down_for_days_never_overflows_nor_logs_tracebacks(monkeypatch, caplog):
    monkeypatch.setattr(services, "_keys_failures", {})
    crypto.keys_ensure()
    Peer.objects.create(code="kh", name="Cambodia", base_url="http://127.0.0.1:9")

    def down(peer, *, timeout=services.TIMEOUT_SECONDS):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(services, "peer_fetch_jwks", down)
    start = clock.now()
    caplog.set_level(logging.INFO)
    for minute in range(3 * 24 * 60):  # three days, one worker round a minute
        clock.set_now(start + dt.timedelta(minutes=minute))
        assert services.peers_refresh_keys() == 0
    failures, next_try = services._keys_failures["kh"]
    assert next_try - clock.now() <= services._KEYS_RETRY_CAP
    assert not any(r.exc_info for r in caplog.records)


def test_key_refresh_treats_a_broken_http_answer_as_a_peer_down(monkeypatch, caplog):
    import http.client

    monkeypatch.setattr(services, "_keys_failures", {})
    Peer.objects.create(code="kh", name="Cambodia", base_url="http://127.0.0.1:9")

    def broken(peer, *, timeout=services.TIMEOUT_SECONDS):
        raise http.client.RemoteDisconnected("Remote end closed connection without response")

    monkeypatch.setattr(services, "peer_fetch_jwks", broken)
    assert services.peers_refresh_keys() == 0

    def garbled(peer, *, timeout=services.TIMEOUT_SECONDS):
        raise http.client.IncompleteRead(b"")

    monkeypatch.setattr(services, "_keys_failures", {})
    assert services.peers_refresh_keys() == 0  # an HTTPException, not an OSError: still expected


def test_worker_round_with_a_peer_down_logs_no_error(monkeypatch, caplog):
    from sinergi.core import jobs

    monkeypatch.setattr(services, "_keys_failures", {})
    Peer.objects.create(code="kh", name="Cambodia", base_url="http://127.0.0.1:9")
    monkeypatch.setattr(services, "peer_fetch_jwks", lambda peer, timeout=10: (_ for _ in ()).throw(
        ConnectionRefusedError(111, "refused")))
    start = clock.now()
    for minute in range(0, 600, 7):
        clock.set_now(start + dt.timedelta(minutes=minute))
        results = jobs.run_periodic()
        assert results["peer keys"] == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_notification_backoff_is_bounded_too():
    from sinergi.notifications import services as notifications

    assert max(notifications.BACKOFF_SECONDS) <= 7200
    assert notifications._wait(10**6) == dt.timedelta(seconds=max(notifications.BACKOFF_SECONDS))


def test_behind_a_trusted_proxy_the_clients_address_is_the_source(client, self_peer, settings):
    settings.SINERGI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client.post("/exchange/inbox/", data="a.b.c.d.e", content_type="application/jose", REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert list(ExchangeLog.objects.values_list("source", flat=True)) == ["198.51.100.23"]
