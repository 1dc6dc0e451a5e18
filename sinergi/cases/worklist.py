"""What a user should look at first: cases waiting for their agency, stages lasting too long, recent activity.

All start from ``cases_visible_to``. The expected stage durations are policy, kept in one table here.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from sinergi.access.visibility import cases_in_full_for, cases_visible_to
from sinergi.core import clock

from .enums import Stage
from .models import TimelineEvent

# How long a case should normally stay in each stage before someone looks at why (days).
EXPECTED_DAYS: dict[str, int] = {
    Stage.REPORTED: 3,
    Stage.LOCATED: 7,
    Stage.IDENTIFIED: 14,
    Stage.PROTECTED: 30,
    Stage.DOCUMENTED: 14,
    Stage.REPATRIATED: 3,
    Stage.RECEIVED: 7,
    Stage.RECOVERING: 180,
    Stage.REINTEGRATED: 365,
}


def overdue_q(now: dt.datetime | None = None) -> Q:
    now = now or clock.now()
    q = Q()
    for stage, days in EXPECTED_DAYS.items():
        q |= Q(stage=stage, stage_entered_at__lt=now - dt.timedelta(days=days))
    return q


def cases_overdue(user, limit: int = 20) -> list:
    """Open cases whose current stage has lasted longer than expected, longest first."""
    qs = cases_visible_to(user).filter(overdue_q()).select_related("survivor", "lead_agency", "country_of_exploitation")
    return list(qs.order_by("stage_entered_at")[:limit])


def cases_waiting(user, limit: int = 20) -> list:
    """New cases (reported, not yet located or identified) for the user's agencies, oldest first."""
    qs = cases_visible_to(user).filter(stage=Stage.REPORTED).select_related("survivor", "lead_agency", "country_of_exploitation")
    return list(qs.order_by("stage_entered_at")[:limit])


def recent_activity(user, limit: int = 15) -> list:
    """The latest timeline events of the cases the user's agencies lead: a case's timeline is its lead agency's
    (an agency it was referred to sees only the shared sections)."""
    visible = cases_in_full_for(user).values("pk")
    return list(
        TimelineEvent.objects.filter(case_id__in=visible).select_related("case", "actor", "agency")
        .order_by("-at", "-created_at")[:limit]
    )


def days_in_stage(case, now: dt.datetime | None = None) -> int:
    now = now or clock.now()
    return max(0, (now - case.stage_entered_at).days)


def is_overdue(case, now: dt.datetime | None = None) -> bool:
    expected = EXPECTED_DAYS.get(case.stage)
    return expected is not None and days_in_stage(case, now) > expected
