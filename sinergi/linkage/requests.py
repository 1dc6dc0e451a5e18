"""Idempotency keys of the review decisions, unmerges and partner queries (``RequestKey``).

A write given a key claims it inside its own transaction, after it has locked what it changes (so two copies of
one request are taken one after the other): the first claim does the work; the same key again, by the same user,
for the same action on the same object, is a replay and changes nothing; a key used for anything else is a field
error. A write without a key behaves as before."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from sinergi.core.validation import field_error

from .models import RequestKey

MAX_KEY = 80


def key_of(idempotency_key) -> str | None:
    return str(idempotency_key or "").strip()[:MAX_KEY] or None


def replayed(key: str | None, *, action: str, actor) -> RequestKey | None:
    """The earlier use of ``key`` for this action by this user (a replay), or None for a new key. A key used by
    someone else or for another action is refused."""
    if not key:
        return None
    earlier = RequestKey.objects.filter(key=key).first()
    if earlier is None:
        return None
    if earlier.action != action or earlier.actor_id != getattr(actor, "pk", None):
        raise field_error("idempotency_key", _("Kunci ini sudah dipakai untuk tindakan lain."))
    return earlier


def claim(key: str | None, *, action: str, object_id, actor) -> None:
    """Record that ``key`` did this action on ``object_id`` (in the caller's transaction)."""
    if not key:
        return
    try:
        with transaction.atomic():
            RequestKey.objects.create(key=key, action=action, object_id=object_id, actor=actor)
    except IntegrityError:
        raise field_error("idempotency_key", _("Kunci ini sudah dipakai untuk tindakan lain.")) from None


def same_object(earlier: RequestKey | None, object_id) -> bool:
    """A replay of the request on this object; a key used on another object is refused."""
    if earlier is None:
        return False
    if str(earlier.object_id) != str(object_id):
        raise field_error("idempotency_key", _("Kunci ini sudah dipakai untuk tindakan lain."))
    return True
