"""Periodic jobs the worker runs between tasks. Each is idempotent: running it twice, or on two workers at
once, does no harm (they lock the rows they change)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


# Filled by each app's ``AppConfig.ready()`` (``register``): core knows no domain app.
PERIODIC: list[tuple[str, object]] = []


def register(name: str, job) -> None:
    """Add a periodic job from an app's ``AppConfig.ready()`` (an app above core owns the job); a name is added
    once."""
    if all(n != name for n, _ in PERIODIC):
        PERIODIC.append((name, job))


def run_periodic() -> dict[str, object]:
    from django.conf import settings
    from django.utils import translation

    results = {}
    for name, job in PERIODIC:
        try:
            # Background work has no reader: what it writes down speaks the instance's language.
            with translation.override(settings.LANGUAGE_CODE):
                results[name] = job()
        except Exception:  # noqa: BLE001 - one failing job must not stop the others; it runs again next round
            logger.exception("periodic job %s failed", name)
            results[name] = "error"
    return results
