"""Reads: referrals for a user's agencies."""

from __future__ import annotations

from django.db.models import QuerySet

from sinergi.access.visibility import referrals_visible_to
from sinergi.core import clock

from .enums import ReferralStatus
from .models import Referral


def referrals_for(user, *, incoming: bool = True) -> QuerySet:
    """Referrals made to (or by) the user's agencies (``access.visibility.referrals_visible_to``)."""
    return referrals_visible_to(user, direction="incoming" if incoming else "outgoing").select_related(
        "case", "from_agency", "to_agency")


def referrals_awaiting(user, limit: int = 20) -> list[Referral]:
    """Referrals to the user's agencies that wait for them: not yet acknowledged, or accepted and not completed.
    Earliest deadline first, each with ``due`` (the deadline that applies) and ``late``."""
    from .enums import ACTIVE

    now = clock.now()
    rows = list(referrals_for(user).filter(status__in=ACTIVE).order_by("ack_due_at")[: limit * 3])
    for r in rows:
        r.due = r.ack_due_at if r.status == ReferralStatus.SENT else r.complete_due_at
        r.late = r.due < now
    return sorted(rows, key=lambda r: r.due)[:limit]
