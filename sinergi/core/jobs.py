"""Periodic jobs the worker runs between tasks. Each is idempotent: running it twice, or on two workers at
once, does no harm (they lock the rows they change)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def _escalate():
    from sinergi.referrals.services import referrals_escalate_due

    return referrals_escalate_due()


def _retry_deliveries():
    from sinergi.notifications.services import deliveries_retry_due

    return deliveries_retry_due()


def _refresh_peer_keys():
    from sinergi.exchange.services import peers_refresh_keys

    return peers_refresh_keys()


def _deliver_outbox():
    from sinergi.exchange.services import outbox_deliver_due

    return outbox_deliver_due()


def _recover_imports():
    from sinergi.transfer.uploads import imports_recover_stalled

    return imports_recover_stalled()


def _analytics_refresh():
    from sinergi.analytics.refresh import analytics_refresh

    return analytics_refresh()


PERIODIC = [("peer keys", _refresh_peer_keys), ("exchange outbox", _deliver_outbox),
            ("referral escalation", _escalate), ("notification retries", _retry_deliveries),
            ("stalled imports", _recover_imports), ("analytics figures", _analytics_refresh)]


def register(name: str, job) -> None:
    """Add a periodic job from an app's ``AppConfig.ready()`` (an app above core owns the job)."""
    if all(n != name for n, _ in PERIODIC):
        PERIODIC.append((name, job))


def run_periodic() -> dict[str, object]:
    results = {}
    for name, job in PERIODIC:
        try:
            results[name] = job()
        except Exception:  # noqa: BLE001 - one failing job must not stop the others; it runs again next round
            logger.exception("periodic job %s failed", name)
            results[name] = "error"
    return results
