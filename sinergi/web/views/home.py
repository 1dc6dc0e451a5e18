from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sinergi.access.ui import menu_flags
from sinergi.analytics.selectors import overview
from sinergi.cases import worklist
from sinergi.cases.enums import Stage
from sinergi.referrals.notices import notices_open_received
from sinergi.referrals.selectors import referrals_awaiting


@login_required
def home(request):
    flags = menu_flags(request.user)
    context = {"nav": "home", "flags": flags}
    if flags.get("casework"):
        context.update(
            waiting=worklist.cases_waiting(request.user),
            overdue=worklist.cases_overdue(request.user),
            activity=worklist.recent_activity(request.user),
            expected=worklist.EXPECTED_DAYS,
            referrals=referrals_awaiting(request.user),
            notices=notices_open_received(request.user),
        )
    if flags.get("aggregates") and not flags.get("casework"):
        figures = overview(request.user)
        labels = dict(Stage.choices)
        for row in figures["by_stage"]:
            row["label"] = labels.get(row["key"], row["key"])
        context["figures"] = figures
    return render(request, "web/home.html", context)
