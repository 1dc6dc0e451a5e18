"""The outbox (what must leave), delivery with retries, and the inbox (what arrives, applied exactly once).

Outbox rows are written in the same transaction as the change they report, so nothing is lost: a worker killed
mid-delivery leaves the row queued and the next round sends it again; the receiver applies each message id once.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlparse

from django.conf import settings
from django.db import IntegrityError, transaction

from sinergi.core import backoff, clock
from sinergi.core.ids import as_uuid

from . import crypto, guard
from .guard import REASON_MAX, truncate
from .models import ExchangeLog, ExchangeLogDropped, InboxMessage, OutboxMessage, Peer

logger = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(minutes=5)
TIMEOUT_SECONDS = 10
MAX_BODY_BYTES = 512 * 1024
# Peers' keys are refreshed this often, and at most this often when a message arrives signed by an unknown key (a
# stranger sending junk must not make us call our peers on every request).
KEYS_MAX_AGE = dt.timedelta(hours=6)
KEYS_MIN_REFRESH = dt.timedelta(seconds=30)
KEYS_LAZY_TIMEOUT_SECONDS = 3
# A peer whose keys could not be fetched is tried again after 5 s, 10 s, 20 s ... up to a minute (per process).
_KEYS_RETRY_CAP = dt.timedelta(minutes=1)
_keys_failures: dict[str, tuple[int, dt.datetime]] = {}
# A peer that is down or answers with garbage: expected, retried, logged without a traceback.
PEER_ERRORS = (OSError, ValueError, http.client.HTTPException, crypto.Rejected)


def _log(direction, peer_code, message_id, kind, outcome, reason=""):
    # Every value may come from a message's sender: cut to the columns (and the reason to a readable length).
    ExchangeLog.objects.create(at=clock.now(), direction=direction, peer_code=truncate(peer_code, 32),
                               message_id=truncate(message_id, 64), kind=truncate(kind, 40), outcome=outcome,
                               reason=truncate(reason, REASON_MAX if direction == "in" else 1000))


def outbox_enqueue(*, peer: Peer, kind: str, body: dict) -> OutboxMessage:
    """Queue a message for ``peer``. Call inside the transaction of the change it reports."""
    return OutboxMessage.objects.create(peer=peer, kind=kind, body=body, next_attempt_at=clock.now())


# How long a message the peer answered "too early" (425: it refers to a message that has not arrived there yet)
# is tried again before it counts as failed.
NOT_YET_PATIENCE = dt.timedelta(hours=24)


def _backoff(attempts: int) -> dt.timedelta:
    # 1 s, 2 s, 4 s ... capped, so a peer down for an hour is retried every few minutes and catches up.
    return backoff.exponential(attempts, base=dt.timedelta(seconds=1), cap=MAX_BACKOFF)


def _check_url(url: str) -> None:
    parsed = urlparse(url)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (loopback and settings.SINERGI_EXCHANGE_ALLOW_HTTP_LOOPBACK):
        raise crypto.Rejected("peers are reached over HTTPS only")


def _post(url: str, token: str) -> tuple[int, bytes]:
    _check_url(url)
    req = urllib.request.Request(url, data=token.encode(), method="POST",
                                 headers={"Content-Type": "application/jose", "User-Agent": "sinergi-exchange"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310 - scheme checked above
            return resp.status, resp.read(MAX_BODY_BYTES)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(MAX_BODY_BYTES)


# A worker that claims a message has this long to deliver it; one killed in the middle leaves it to be sent
# again after the lease (the receiver applies a message once, whatever it receives twice).
LEASE = dt.timedelta(seconds=2 * TIMEOUT_SECONDS + 10)


def outbox_deliver(message_id, now: dt.datetime | None = None) -> str:
    """Try to deliver one queued message.

    The message is claimed with one short UPDATE (its next attempt moved a lease ahead), so no other worker
    takes it meanwhile, and no transaction stays open while the peer answers: on SQLite an open write
    transaction would stop every other write of this instance for that long."""
    from django.db.models import F

    now = now or clock.now()
    claimed = OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.QUEUED,
                                           next_attempt_at__lte=now).update(
        next_attempt_at=now + LEASE, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return "skipped"
    msg = OutboxMessage.objects.select_related("peer").get(pk=message_id)
    peer = msg.peer
    # sent_at is this attempt's time, not the queueing time: the receiver refuses stale envelopes (replays),
    # and a message that waited a day for its peer must still arrive. The id stays: it is applied once.
    payload = {"id": str(msg.pk), "kind": msg.kind, "from": settings.SINERGI_INSTANCE, "to": peer.code,
               "sent_at": clock.now().isoformat(), "queued_at": msg.created_at.isoformat(), "body": msg.body}
    try:
        if not peer.jwks.get("keys"):
            # Peered before the peer was up (the demo's two instances): fetch its keys now, else retry later.
            peer_fetch_jwks(peer, timeout=KEYS_LAZY_TIMEOUT_SECONDS)
        token = crypto.seal(payload, peer)
        status, content = _post(peer.base_url.rstrip("/") + "/exchange/inbox/", token)
    except PEER_ERRORS as exc:
        status, content = 0, str(exc).encode()
    if status == 200:
        try:
            receipt = crypto.verify_receipt(json.loads(content)["receipt"], peer)
            if receipt.get("id") != str(msg.pk):
                raise crypto.Rejected("receipt for another message")
        except (ValueError, KeyError, crypto.Rejected) as exc:
            status, content = 0, f"bad receipt: {exc}".encode()
        else:
            from .handlers import DELIVERED

            at = clock.now()
            with transaction.atomic():
                OutboxMessage.objects.filter(pk=msg.pk).update(
                    status=OutboxMessage.Status.DELIVERED, delivered_at=at, receipt=receipt, last_error="",
                    updated_at=at)
                if msg.kind in DELIVERED:
                    DELIVERED[msg.kind](peer, msg.body, at)
            _log("out", peer.code, msg.pk, msg.kind, "delivered")
            return "delivered"
    reason = content.decode("utf-8", "replace")[:1000]
    # 425: it overtook the message it refers to; a clock refusal: the next attempt is sealed anew (and a clock
    # may be fixed meanwhile). Both are tried again for a while.
    waiting = status == 425 or (status == 400 and _refusal_code(content) in ("stale", "future"))
    too_early = waiting and clock.now() - msg.created_at < NOT_YET_PATIENCE
    last_error = f"HTTP {status}: {reason}" if status else reason
    if 400 <= status < 500 and status not in (408, 429) and not too_early:
        # The peer refused it: retrying the same bytes cannot help.
        fields, outcome = {"status": OutboxMessage.Status.FAILED}, "failed"
    else:
        fields, outcome = {"next_attempt_at": clock.now() + _backoff(msg.attempts)}, "retry"
    OutboxMessage.objects.filter(pk=msg.pk, status=OutboxMessage.Status.QUEUED).update(
        last_error=last_error, updated_at=clock.now(), **fields)
    _log("out", peer.code, msg.pk, msg.kind, outcome, last_error)
    return outcome


def _refusal_code(content: bytes) -> str:
    try:
        answer = json.loads(content)
    except ValueError:
        return ""
    return str(answer.get("code", "")) if isinstance(answer, dict) else ""


def _subject_key(pk, body) -> str:
    """The record a message is about: messages about one record are delivered in the order they were written."""
    body = body if isinstance(body, dict) else {}
    return str(body.get("origin_referral_id") or body.get("referral_id") or body.get("notice_id")
               or body.get("report_id") or pk)


def outbox_deliver_due(now: dt.datetime | None = None, limit: int = 500, concurrency: int | None = None) -> int:
    """Deliver every due message, a few at a time in parallel (each in its own thread and connection).

    Messages about one record (a referral, a notice) go one after the other in the order they were written, so
    that the peer sees a referral acknowledged before it is completed; messages about different records go in
    parallel. Should one still overtake another (a retry), the peer answers 425 and it is tried again, for up to
    ``NOT_YET_PATIENCE``.
    """
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    now = now or clock.now()
    rows = list(OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
                .order_by("created_at", "pk").values_list("pk", "body")[:limit])
    chains: dict[str, list] = {}
    for pk, body in rows:
        chains.setdefault(_subject_key(pk, body), []).append(pk)
    workers = concurrency or settings.SINERGI_EXCHANGE_CONCURRENCY
    if workers <= 1 or len(chains) <= 1:
        for pk, _body in rows:
            outbox_deliver(pk, now)
        return len(rows)

    def one(chain):
        try:
            for pk in chain:
                outbox_deliver(pk, now)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, chains.values()))
    return len(rows)


def inbox_receive(token: str, source: str | None = None) -> tuple[int, dict]:
    """Open, check and apply one arriving message from address ``source``. Returns (HTTP status, response
    body). No side effect unless the message is valid, fresh, from a known peer, for a known agency, and new
    (``guard`` explains freshness and replays)."""
    from .handlers import HANDLERS, UnknownAgency

    try:
        try:
            peer, payload = crypto.unseal(token)
        except crypto.UnknownSigner:
            # A peer we have no keys for yet, or one that rotated its keys: refresh and look again, once.
            if not peers_refresh_keys(max_age=KEYS_MIN_REFRESH, timeout=KEYS_LAZY_TIMEOUT_SECONDS):
                raise
            peer, payload = crypto.unseal(token)
    except crypto.Rejected as exc:
        # Anyone can send this: logging is rate-limited per source.
        guard.log_refused_stranger(source, str(exc))
        return 400, {"error": truncate(exc)}
    try:
        message_id = as_uuid(payload.get("id"))
        if message_id is None:
            raise crypto.Rejected("message id is not a record key")
        kind = str(payload["kind"])
        body = payload["body"]
        if payload.get("from") != peer.code or payload.get("to") != settings.SINERGI_INSTANCE:
            raise crypto.Rejected("addressed from/to the wrong instance")
        if kind not in HANDLERS or not isinstance(body, dict):
            raise crypto.Rejected(f"unknown message kind {kind!r}")
    except (KeyError, ValueError, TypeError, crypto.Rejected) as exc:
        _log("in", peer.code, payload.get("id"), payload.get("kind"), "rejected", f"malformed: {exc}")
        return 400, {"error": truncate(f"malformed: {exc}")}
    try:
        guard.check_fresh(payload.get("sent_at"))
    except crypto.Rejected as exc:
        _log("in", peer.code, message_id, kind, "rejected", str(exc))
        return 400, {"error": str(exc), "code": getattr(exc, "code", "malformed")}
    if InboxMessage.objects.filter(pk=message_id).exists():
        _log("in", peer.code, message_id, kind, "duplicate")
        return 200, {"receipt": crypto.sign_receipt({"id": str(message_id), "status": "duplicate"})}
    try:
        with transaction.atomic():
            HANDLERS[kind](peer, body)
            InboxMessage.objects.create(id=message_id, peer=peer, kind=kind, body=body, received_at=clock.now(),
                                        applied_at=clock.now())
    except IntegrityError:
        # The same message arrived twice at the same moment; the other copy was applied.
        _log("in", peer.code, message_id, kind, "duplicate")
        return 200, {"receipt": crypto.sign_receipt({"id": str(message_id), "status": "duplicate"})}
    except crypto.NotYetKnown as exc:
        # Overtaken by a message still on its way (a status before its referral): not applied, not recorded as
        # received, so the same message is applied when the sender tries again.
        _log("in", peer.code, message_id, kind, "deferred", str(exc))
        return 425, {"error": str(exc)}
    except (UnknownAgency, crypto.Rejected) as exc:
        _log("in", peer.code, message_id, kind, "rejected", str(exc))
        return 422, {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - answer 500 so the sender retries; nothing was applied
        logger.exception("applying %s %s failed", kind, message_id)
        _log("in", peer.code, message_id, kind, "error", str(exc))
        return 500, {"error": "temporary failure"}
    _log("in", peer.code, message_id, kind, "applied")
    return 200, {"receipt": crypto.sign_receipt({"id": str(message_id), "status": "applied"})}


def peer_ensure(*, code: str, name: str, base_url: str) -> tuple[Peer, bool]:
    """Register a peer, or update its name and address; returns (peer, created). Its keys are fetched over HTTP
    (``peer_fetch_jwks``; the worker's ``peers_refresh_keys`` for peers not up yet)."""
    _check_url(base_url)
    peer = Peer.objects.filter(code=code).first()
    if peer is None:
        peer = Peer(code=code, name=name, base_url=base_url)
        peer.full_clean(exclude=["jwks"])
        peer.save()
        return peer, True
    changed = [f for f, v in (("name", name), ("base_url", base_url), ("is_active", True)) if getattr(peer, f) != v]
    if "base_url" in changed:
        # Keys from another address are not this address's keys.
        peer.jwks, peer.jwks_updated_at = {}, None
        changed += ["jwks", "jwks_updated_at"]
    for f, v in (("name", name), ("base_url", base_url), ("is_active", True)):
        setattr(peer, f, v)
    if changed:
        peer.save(update_fields=[*changed, "updated_at"])
    return peer, False


def peers_refresh_keys(*, max_age: dt.timedelta = KEYS_MAX_AGE, timeout: float = TIMEOUT_SECONDS) -> int:
    """Fetch the keys of every active peer that has none or whose keys are older than ``max_age``; a peer that
    cannot be reached is tried again later (backoff), never fatal. Returns how many peers got fresh keys.
    Run by the worker (``core.jobs``) and on a message signed by an unknown key."""
    from django.db.models import Q

    now = clock.now()
    due = Peer.objects.filter(is_active=True).filter(Q(jwks_updated_at__isnull=True)
                                                     | Q(jwks_updated_at__lt=now - max_age))
    refreshed = 0
    for peer in due:
        failures, next_try = _keys_failures.get(peer.code, (0, now))
        if next_try > now:
            continue
        try:
            peer_fetch_jwks(peer, timeout=timeout)
        except PEER_ERRORS as exc:
            failures += 1
            wait = backoff.exponential(failures, base=dt.timedelta(seconds=5), cap=_KEYS_RETRY_CAP)
            _keys_failures[peer.code] = (failures, now + wait)
            logger.info("keys of peer %s not fetched (%s); next try in %s", peer.code, exc, wait)
            continue
        _keys_failures.pop(peer.code, None)
        refreshed += 1
    return refreshed


def peer_fetch_jwks(peer: Peer, *, timeout: float = TIMEOUT_SECONDS) -> None:
    """Refresh the peer's public keys from its /.well-known/jwks.json."""
    url = peer.base_url.rstrip("/") + "/.well-known/jwks.json"
    _check_url(url)
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - scheme checked
        jwks = json.loads(resp.read(MAX_BODY_BYTES))
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise crypto.Rejected("not a JWKS document")
    peer.jwks, peer.jwks_updated_at = jwks, clock.now()
    peer.save(update_fields=["jwks", "jwks_updated_at", "updated_at"])


def exchange_status() -> dict:
    from django.db.models import Count, Sum

    rows = OutboxMessage.objects.values("peer__code", "status").annotate(n=Count("pk"))
    per_peer: dict = {p.code: {"name": p.name, "url": p.base_url, "queued": 0, "delivered": 0, "failed": 0,
                              "keys_updated": p.jwks_updated_at} for p in Peer.objects.all()}
    for r in rows:
        per_peer.setdefault(r["peer__code"], {"queued": 0, "delivered": 0, "failed": 0})[r["status"]] = r["n"]
    return {"instance": settings.SINERGI_INSTANCE, "peers": per_peer,
            "received": InboxMessage.objects.count(),
            "rejected": ExchangeLog.objects.filter(direction="in", outcome="rejected").count(),
            "rejected_unlogged": ExchangeLogDropped.objects.aggregate(n=Sum("count"))["n"] or 0}
