"""Creating notifications and delivering them. Call ``notify`` after commit (``transaction.on_commit``): a
notification about a change that rolled back must never go out."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from sinergi.core import clock

from . import channels
from .models import Delivery, Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BACKOFF_SECONDS = [30, 120, 600, 1800, 7200]


def notify(*, user_ids, title: str, body: str = "", url: str = "", key: str) -> list[Notification]:
    """One in-app notification per user (idempotent by ``key``), and a delivery per enabled channel."""
    from sinergi.agencies.models import User

    created = []
    now = clock.now()
    users = User.objects.filter(pk__in=set(user_ids), is_active=True)
    for user in users:
        try:
            with transaction.atomic():
                n = Notification.objects.create(recipient=user, title=title[:200], body=body, url=url[:300], key=key[:200])
        except IntegrityError:
            continue  # already notified of this event
        created.append(n)
        for name in channels.enabled():
            address = user.email if name == "email" else getattr(user, f"{name}_address", "")
            if address:
                d = Delivery.objects.create(notification=n, channel=name, address=address, next_attempt_at=now)
                _enqueue(d.pk)
    return created


def _enqueue(delivery_id) -> None:
    from .tasks import deliver

    try:
        deliver.enqueue(str(delivery_id))
    except Exception:  # noqa: BLE001 - the sweeper retries anything not enqueued
        logger.exception("could not enqueue delivery %s", delivery_id)


def delivery_attempt(delivery_id) -> str:
    """Try one delivery. On failure schedule the next attempt with backoff; give up after MAX_ATTEMPTS."""
    with transaction.atomic():
        d = Delivery.objects.select_for_update().select_related("notification").filter(pk=delivery_id).first()
        if d is None or d.status != Delivery.Status.PENDING:
            return "skipped"
        d.attempts += 1
        n = d.notification
        try:
            channels.channel(d.channel)(d.address, n.title, n.body, n.url)
        except Exception as exc:  # noqa: BLE001 - any channel failure is retried
            d.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if d.attempts >= MAX_ATTEMPTS:
                d.status = Delivery.Status.FAILED
                logger.error("delivery %s failed for good: %s", d.pk, d.last_error)
            else:
                wait = BACKOFF_SECONDS[min(d.attempts - 1, len(BACKOFF_SECONDS) - 1)]
                d.next_attempt_at = clock.now() + dt.timedelta(seconds=wait)
            d.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])
            return "retry" if d.status == Delivery.Status.PENDING else "failed"
        d.status = Delivery.Status.SENT
        d.sent_at = clock.now()
        d.save(update_fields=["attempts", "status", "sent_at", "updated_at"])
        return "sent"


def deliveries_retry_due(now: dt.datetime | None = None) -> int:
    """Attempt every pending delivery whose time has come (run by the worker loop)."""
    now = now or clock.now()
    due = list(Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).values_list("pk", flat=True)[:500])
    for pk in due:
        delivery_attempt(pk)
    return len(due)


def mark_read(*, actor, notification_id) -> None:
    Notification.objects.filter(pk=notification_id, recipient=actor, read_at__isnull=True).update(read_at=clock.now())
