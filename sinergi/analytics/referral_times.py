"""How fast agencies answer the referrals they receive: a figure over every referral, with no personal data (the
referrals are ``referrals``'s; this reads them for the performance page)."""

from __future__ import annotations

import datetime as dt
import statistics

from sinergi.core import clock
from sinergi.referrals.enums import ReferralStatus
from sinergi.referrals.models import Referral


def referral_response_times(since: dt.datetime | None = None) -> list[dict]:
    """Per receiving agency: referrals received, median and 90th-percentile hours to acknowledge, median days to
    complete, and the share acknowledged on time. Contains no personal data."""
    since = since or clock.now() - dt.timedelta(days=365)
    # A partner instance's times count from its receipt; a referral still queued for it (the partner down) has
    # not reached it and is left out.
    rows = Referral.objects.filter(sent_at__gte=since).exclude(
        to_agency__peer__isnull=False, delivered_at__isnull=True).values_list(
        "to_agency_id", "to_agency__name", "status", "sent_at", "ack_due_at", "acknowledged_at", "completed_at",
        "delivered_at")
    per: dict = {}
    for agency_id, name, status, sent, ack_due, acked, completed, delivered in rows:
        sent = delivered or sent
        a = per.setdefault(agency_id, {"agency": name, "received": 0, "ack_hours": [], "complete_days": [],
                                       "on_time": 0, "declined": 0, "expired": 0})
        a["received"] += 1
        if acked:
            a["ack_hours"].append((acked - sent).total_seconds() / 3600)
            if acked <= ack_due:
                a["on_time"] += 1
        if completed:
            a["complete_days"].append((completed - sent).total_seconds() / 86400)
        if status == ReferralStatus.DECLINED:
            a["declined"] += 1
        if status == ReferralStatus.EXPIRED:
            a["expired"] += 1
    table = []
    for a in per.values():
        hours, days = sorted(a["ack_hours"]), sorted(a["complete_days"])
        table.append({
            "agency": a["agency"], "received": a["received"],
            "ack_median_hours": round(statistics.median(hours), 1) if hours else None,
            "ack_p90_hours": round(hours[min(len(hours) - 1, int(len(hours) * 0.9))], 1) if hours else None,
            "complete_median_days": round(statistics.median(days), 1) if days else None,
            "on_time_share": round(a["on_time"] / a["received"], 2),
            "declined": a["declined"], "expired": a["expired"],
        })
    return sorted(table, key=lambda r: r["agency"])


def referral_performance(*, years: int = 2) -> dict:
    """The performance page's table from the read models (never the referral table): per receiving agency, over
    this year and the ``years - 1`` before it (by the year the referral was sent): referrals received,
    acknowledged in time and late, hours to acknowledge (median, 90th percentile), days to complete (median),
    expired. Small counts are hidden as on every dashboard; the freshness of the figures comes with them."""
    from .figures import Filters, referral_figures
    from .tables import Labels

    this_year = clock.today().year
    f = Filters(year_from=this_year - years + 1, year_to=this_year)
    labels = Labels()
    rows = [{**r, "agency": labels.agency(r["key"])} for r in referral_figures(f)["agency"]["rows"]]
    return {"rows": sorted(rows, key=lambda r: str(r["agency"])), "year_from": f.year_from, "year_to": f.year_to}
