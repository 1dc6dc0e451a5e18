"""What the inbox checks before it trusts a message, and how it records what it refused.

Freshness and replays work together. A message carries ``sent_at``, stamped when the sender seals it for this
attempt (a message queued while we were down is re-sealed, so it is fresh when it finally arrives). We refuse
it when ``sent_at`` is older than ``SINERGI_EXCHANGE_MAX_AGE_SECONDS`` (default 15 minutes) or ahead of our
clock, each with ``SINERGI_EXCHANGE_CLOCK_SKEW_SECONDS`` of tolerance (default 2 minutes). Inside that window
a replayed copy meets the inbox's record of applied message ids and changes nothing (answered "duplicate"); a
copy replayed later is refused as stale before its id is even looked up. So a captured message cannot be
applied twice, and cannot be applied late.

Refusals of senders we cannot identify (the envelope does not open, the signer is unknown) are logged at most
``SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE`` times per source address (IPv6: per /64) and
``SINERGI_EXCHANGE_REJECT_LOG_TOTAL`` times in all per ``SINERGI_EXCHANGE_REJECT_LOG_WINDOW_SECONDS``; beyond
that they are only counted (``ExchangeLogDropped``), so junk cannot fill the log table.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from sinergi.core import clock

from .crypto import Rejected
from .models import ExchangeLog, ExchangeLogDropped

REASON_MAX = 300


class NotFresh(Rejected):
    """A message outside the freshness window; ``code`` is ``stale`` or ``future``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_fresh(sent_at, now: dt.datetime | None = None) -> None:
    """Raise ``NotFresh`` (or ``Rejected`` for a missing or unreadable time) unless ``sent_at`` is in the window."""
    now = now or clock.now()
    try:
        sent = dt.datetime.fromisoformat(str(sent_at))
    except ValueError:
        raise Rejected("malformed: sent_at is not an ISO 8601 time") from None
    if sent.tzinfo is None:
        raise Rejected("malformed: sent_at has no time zone")
    skew = dt.timedelta(seconds=settings.SINERGI_EXCHANGE_CLOCK_SKEW_SECONDS)
    max_age = dt.timedelta(seconds=settings.SINERGI_EXCHANGE_MAX_AGE_SECONDS)
    if sent > now + skew:
        raise NotFresh("future", f"future: sent_at {sent.isoformat()} is ahead of our clock by more than "
                                 f"{int(skew.total_seconds())} s (check both clocks)")
    if sent < now - max_age - skew:
        raise NotFresh("stale", f"stale: sent {sent.isoformat()}, too old (more than "
                                f"{int(max_age.total_seconds() // 60)} minutes); a replay, or a clock far behind")


def source_key(address: str | None) -> str:
    """The bucket of a source address: the address itself, or its /64 for IPv6 (one host holds many)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "")[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def truncate(text, limit: int = REASON_MAX) -> str:
    text = str(text or "").replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def log_refused_stranger(source: str | None, reason: str) -> bool:
    """Log the refusal of an unidentified sender unless its source, or everyone, is over the limit; a refusal
    not logged is counted. Returns whether a log row was written."""
    now = clock.now()
    window = dt.timedelta(seconds=settings.SINERGI_EXCHANGE_REJECT_LOG_WINDOW_SECONDS)
    key = source_key(source)
    recent = ExchangeLog.objects.filter(direction=ExchangeLog.Direction.IN, outcome="rejected", peer_code="",
                                        at__gte=now - window)
    over = (recent.count() >= settings.SINERGI_EXCHANGE_REJECT_LOG_TOTAL
            or recent.filter(source=key).count() >= settings.SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE)
    if over:
        _count_dropped(now, window)
        return False
    ExchangeLog.objects.create(at=now, direction=ExchangeLog.Direction.IN, outcome="rejected", source=key,
                               reason=truncate(reason))
    return True


def _count_dropped(now: dt.datetime, window: dt.timedelta) -> None:
    seconds = max(1, int(window.total_seconds()))
    start = dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)
    if ExchangeLogDropped.objects.filter(window_start=start).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ExchangeLogDropped.objects.create(window_start=start, count=1)
    except IntegrityError:  # another request counted the window's first drop at the same moment
        ExchangeLogDropped.objects.filter(window_start=start).update(count=F("count") + 1)
