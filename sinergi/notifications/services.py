"""Creating notifications and delivering them. Call ``notify`` after commit (``transaction.on_commit``): a
notification about a change that rolled back must never go out."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from sinergi.core import clock

from . import channels
from .models import Delivery, Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BACKOFF_SECONDS = [30, 120, 600, 1800, 7200]


def _in_language(text, language: str) -> str:
    """``text`` (a plain string, a lazy gettext message or a function of no arguments) in ``language``."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(text() if callable(text) else text)


def notify(*, user_ids, title, body="", url: str = "", key: str) -> list[Notification]:
    """One in-app notification per user (idempotent by ``key``), and a delivery per enabled channel.

    ``title`` and ``body`` are written in each recipient's own language (their saved ``preferred_language``):
    pass gettext_lazy messages (``core.i18n.message`` for parameters) or a function that builds the text, never
    a string already translated for whoever caused the event."""
    from sinergi.agencies.models import User

    created = []
    now = clock.now()
    users = User.objects.filter(pk__in=set(user_ids), is_active=True)
    for user in users:
        language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
        user_title, user_body = _in_language(title, language), _in_language(body, language)
        try:
            with transaction.atomic():
                n = Notification.objects.create(recipient=user, title=user_title[:200], body=user_body,
                                                url=url[:300], key=key[:200])
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


# A worker that claims a delivery has this long to send it before another may try (a killed worker's delivery
# is sent again: at least once, as e-mail and SMS are).
LEASE = dt.timedelta(minutes=2)


def delivery_attempt(delivery_id, now: dt.datetime | None = None) -> str:
    """Try one delivery. On failure schedule the next attempt with backoff; give up after MAX_ATTEMPTS.

    The delivery is claimed with one short UPDATE and sent outside any transaction: a slow mail server must not
    hold a write transaction open (on SQLite that would stop every other write)."""
    from django.db.models import F

    now = now or clock.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now).update(
        next_attempt_at=now + LEASE, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return "skipped"
    d = Delivery.objects.select_related("notification").get(pk=delivery_id)
    n = d.notification
    try:
        channels.channel(d.channel)(d.address, n.title, n.body, absolute_url(n.url))
    except Exception as exc:  # noqa: BLE001 - any channel failure is retried
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if d.attempts >= MAX_ATTEMPTS:
            fields = {"status": Delivery.Status.FAILED}
            logger.error("delivery %s failed for good: %s", d.pk, error)
        else:
            fields = {"next_attempt_at": clock.now() + _wait(d.attempts)}
        Delivery.objects.filter(pk=d.pk).update(last_error=error, updated_at=clock.now(), **fields)
        return "failed" if "status" in fields else "retry"
    Delivery.objects.filter(pk=d.pk).update(status=Delivery.Status.SENT, sent_at=clock.now(), updated_at=clock.now())
    return "sent"


def absolute_url(url: str) -> str:
    """A notification's link as the recipient opens it outside the application (an e-mail, a text message):
    a page's path joined to the configured site address (``SINERGI_SITE_URL``); full addresses stay as they are."""
    from django.conf import settings

    if not url or "://" in url:
        return url
    base = (getattr(settings, "SINERGI_SITE_URL", "") or getattr(settings, "SINERGI_BASE_URL", "")).rstrip("/")
    return f"{base}/{url.lstrip('/')}"


def _wait(attempts: int) -> dt.timedelta:
    """The wait after ``attempts`` failed attempts: the table's steps, its last step for ever after."""
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])


def deliveries_retry_due(now: dt.datetime | None = None) -> int:
    """Attempt every pending delivery whose time has come (run by the worker loop)."""
    now = now or clock.now()
    due = list(Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).values_list("pk", flat=True)[:500])
    for pk in due:
        delivery_attempt(pk, now)
    return len(due)


def mark_read(*, actor, notification_id) -> None:
    Notification.objects.filter(pk=notification_id, recipient=actor, read_at__isnull=True).update(read_at=clock.now())
