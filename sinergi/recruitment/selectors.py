"""Reads for the oversight pages. Cases appear by reference and stage only unless the user may see the case."""

from __future__ import annotations

from django.db.models import Count, Q

from sinergi.access.visibility import cases_visible_to

from .models import CaseLink, PlacementAgency, Recruiter, RiskFlag
from .rules import licence_status_on


def agencies_at_a_glance():
    """Placement agencies with cases against them or open flags first."""
    return (PlacementAgency.objects.annotate(
        cases=Count("case_links__case", distinct=True),
        recruiter_cases=Count("recruiters__case_links__case", distinct=True),
    ).order_by("-cases", "-recruiter_cases", "name"))


def open_flags(subject_type: str, subject_ids) -> list[RiskFlag]:
    return list(RiskFlag.objects.filter(subject_type=subject_type, subject_id__in=list(subject_ids),
                                        resolved_at__isnull=True).select_related("rule"))


def agency_overview(user, agency: PlacementAgency) -> dict:
    from sinergi.core import clock

    links = CaseLink.objects.filter(Q(placement_agency=agency) | Q(recruiter__placement_agency=agency)) \
        .select_related("case").distinct()
    visible = set(cases_visible_to(user).filter(pk__in=[l.case_id for l in links]).values_list("pk", flat=True))
    placements = list(agency.job_orders.values_list("placements__pk", flat=True))
    flags = open_flags("placement_agency", [agency.pk]) + open_flags("placement", [p for p in placements if p])
    flags += open_flags("job_order", agency.job_orders.values_list("pk", flat=True))
    return {
        "agency": agency, "status_today": licence_status_on(agency, clock.today()),
        "licence_events": agency.licence_events.all(), "branches": agency.branches.select_related("region"),
        "directors": agency.directors.all(), "job_orders": agency.job_orders.select_related("destination"),
        "cases": [{"case": l.case, "visible": l.case_id in visible, "role": l.role} for l in links],
        "flags": flags,
    }


def recruiter_overview(user, recruiter: Recruiter) -> dict:
    links = CaseLink.objects.filter(recruiter=recruiter).select_related("case")
    visible = set(cases_visible_to(user).filter(pk__in=[l.case_id for l in links]).values_list("pk", flat=True))
    return {"recruiter": recruiter, "identifiers": recruiter.identifiers.all(),
            "cases": [{"case": l.case, "visible": l.case_id in visible, "role": l.role} for l in links],
            "flags": open_flags("recruiter", [recruiter.pk])}
