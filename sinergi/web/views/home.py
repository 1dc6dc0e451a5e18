from django.shortcuts import redirect, render

from sinergi.access.audit_reads import audit_list
from sinergi.access.projection import project_activity, project_case_rows
from sinergi.access.projection_parts import project_notices
from sinergi.access.ui import menu_flags
from sinergi.analytics.selectors import overview
from sinergi.cases import worklist
from sinergi.cases.enums import Stage
from sinergi.cases.selectors import audit_list_read
from sinergi.intake import tracking
from sinergi.intake.inbox import inbox_count, reports_filed_by
from sinergi.recruitment.selectors import national_hotlines
from sinergi.referrals.notices import notices_open_received
from sinergi.referrals.selectors import referrals_awaiting

FILED_ON_HOME = 5


def home(request):
    if not request.user.is_authenticated:
        # A visitor who is not signed in is most likely a job seeker or a worried family: the public door
        # (check an offer, report, follow a code, the hotlines), with the staff sign-in one link away.
        return redirect("public_home")
    flags = menu_flags(request.user)
    context = {"nav": "home", "flags": flags}
    if flags.get("inbox"):
        context["inbox_count"] = inbox_count(request.user)
    if flags.get("my_reports"):
        # What happened to the office's latest reports, in plain words (the same rows as "my reports").
        context["filed"] = [{"report": r, "plain": tracking.plain_status(r)}
                            for r in reports_filed_by(request.user, limit=FILED_ON_HOME, via="home")]
        context["national_hotlines"] = national_hotlines()
    if flags.get("casework"):
        # Rendered from the projection: a case referred to the user's agency shows only what was shared.
        waiting, overdue = worklist.cases_waiting(request.user), worklist.cases_overdue(request.user)
        received = notices_open_received(request.user)
        # The work lists name survivors: one audit row for the cases shown, one for the notices.
        shown = list({c.pk: c for c in waiting + overdue}.values())
        audit_list_read(request.user, shown, via="home")
        audit_list(request.user, object_type="notice", groups={None: [n.pk for n in received]}, via="home")
        context.update(
            waiting=project_case_rows(request.user, waiting),
            overdue=project_case_rows(request.user, overdue),
            activity=project_activity(request.user, worklist.recent_activity(request.user)),
            expected=worklist.EXPECTED_DAYS,
            referrals=referrals_awaiting(request.user),
            notices=project_notices(request.user, received),
        )
    if flags.get("aggregates") and not flags.get("casework"):
        figures = overview(request.user)
        labels = dict(Stage.choices)
        for row in figures["by_stage"]:
            row["label"] = labels.get(row["key"], row["key"])
        context["figures"] = figures
        from .analytics import freshness

        context.update(freshness())
    return render(request, "web/home.html", context)
