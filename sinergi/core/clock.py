"""One place for "now", so tests and deadline checks can move time."""

import datetime as dt

from django.utils import timezone

_override: dt.datetime | None = None


def now() -> dt.datetime:
    return _override if _override is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


def set_now(value: dt.datetime | None) -> None:
    """Freeze the clock (tests only). ``None`` returns to real time."""
    global _override
    _override = value


def localdate_of(value: dt.datetime) -> dt.date:
    return timezone.localdate(value)
