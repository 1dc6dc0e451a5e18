"""Reads for the oversight pages. Cases appear by reference and stage only unless the user may see the case."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import get_language

from sinergi.access.visibility import cases_visible_to

from .enums import FlagResolution, LicenceStatus
from .models import CaseLink, Hotline, JobOrder, Placement, PlacementAgency, Recruiter, RiskFlag
from .rules import licence_status_on


def agencies_at_a_glance():
    """Placement agencies with cases against them or open flags first."""
    return (PlacementAgency.objects.annotate(
        cases=Count("case_links__case", distinct=True),
        recruiter_cases=Count("recruiters__case_links__case", distinct=True),
    ).order_by("-cases", "-recruiter_cases", "name"))


def open_flags(subject_type: str, subject_ids) -> list[RiskFlag]:
    return list(RiskFlag.objects.filter(subject_type=subject_type, subject_id__in=list(subject_ids),
                                        resolution=FlagResolution.OPEN).select_related("rule"))


def flags_for_review(resolution: str = "", limit: int = 200) -> list[RiskFlag]:
    """Flags for the review list, open ones first and then the newest, optionally of one resolution. Each flag
    carries ``subject_label`` and, where the subject has a page, ``subject_agency_id`` or ``subject_recruiter_id``
    (placements and job orders lead to their agency's page)."""
    qs = RiskFlag.objects.select_related("rule", "resolved_by")
    if resolution:
        qs = qs.filter(resolution=resolution)
    qs = qs.annotate(open_first=Case(When(resolution=FlagResolution.OPEN, then=Value(0)), default=Value(1),
                                     output_field=IntegerField())).order_by("open_first", "-created_at", "id")
    flags = list(qs[:limit])
    attach_subjects(flags)
    return flags


def flag_counts() -> dict[str, int]:
    counts = dict(RiskFlag.objects.values_list("resolution").annotate(n=Count("id")).order_by())
    return {r: counts.get(r, 0) for r in FlagResolution.values}


def attach_subjects(flags: list[RiskFlag]) -> None:
    """Label each flag's subject and point it to the page that shows it, with one query per subject type."""
    ids: dict[str, set] = {}
    for f in flags:
        ids.setdefault(f.subject_type, set()).add(f.subject_id)
    placements = Placement.objects.select_related("job_order__agency").in_bulk(list(ids.get("placement", ())))
    job_orders = JobOrder.objects.select_related("agency").in_bulk(list(ids.get("job_order", ())))
    agencies = PlacementAgency.objects.in_bulk(list(ids.get("placement_agency", ())))
    recruiters = Recruiter.objects.in_bulk(list(ids.get("recruiter", ())))
    for f in flags:
        f.subject_label, f.subject_agency_id, f.subject_recruiter_id = "", None, None
        if f.subject_type == "placement" and f.subject_id in placements:
            p = placements[f.subject_id]
            f.subject_label = f"{p.worker_reference} · {p.job_order.reference} · {p.job_order.agency.name}"
            f.subject_agency_id = p.job_order.agency_id
        elif f.subject_type == "job_order" and f.subject_id in job_orders:
            jo = job_orders[f.subject_id]
            f.subject_label, f.subject_agency_id = f"{jo.reference} · {jo.agency.name}", jo.agency_id
        elif f.subject_type == "placement_agency" and f.subject_id in agencies:
            f.subject_label, f.subject_agency_id = agencies[f.subject_id].name, f.subject_id
        elif f.subject_type == "recruiter" and f.subject_id in recruiters:
            f.subject_label, f.subject_recruiter_id = recruiters[f.subject_id].name, f.subject_id


def agency_overview(user, agency: PlacementAgency) -> dict:
    from sinergi.core import clock

    links = CaseLink.objects.filter(Q(placement_agency=agency) | Q(recruiter__placement_agency=agency)) \
        .select_related("case").distinct()
    visible = set(cases_visible_to(user).filter(pk__in=[l.case_id for l in links]).values_list("pk", flat=True))
    placements = list(agency.job_orders.values_list("placements__pk", flat=True))
    flags = open_flags("placement_agency", [agency.pk]) + open_flags("placement", [p for p in placements if p])
    flags += open_flags("job_order", agency.job_orders.values_list("pk", flat=True))
    attach_subjects(flags)
    today = licence_status_on(agency, clock.today())
    return {
        "agency": agency, "status_today": today,
        "status_today_label": LicenceStatus(today).label if today in LicenceStatus.values else "",
        "licence_events": agency.licence_events.all(),
        "branches": agency.branches.select_related("region__parent").order_by("region__name", "address"),
        "directors": agency.directors.order_by("name"), "job_orders": agency.job_orders.select_related("destination"),
        "cases": [{"case": l.case, "visible": l.case_id in visible, "role": l.role} for l in links],
        "flags": flags,
    }


def recruiter_overview(user, recruiter: Recruiter) -> dict:
    links = CaseLink.objects.filter(recruiter=recruiter).select_related("case")
    visible = set(cases_visible_to(user).filter(pk__in=[l.case_id for l in links]).values_list("pk", flat=True))
    flags = open_flags("recruiter", [recruiter.pk])
    attach_subjects(flags)
    return {"recruiter": recruiter, "identifiers": recruiter.identifiers.all(),
            "cases": [{"case": l.case, "visible": l.case_id in visible, "role": l.role} for l in links],
            "flags": flags}


def hotline_directory(province: str | None = None) -> dict:
    """The whole hotline directory for its page: national lines, then provincial services by province (the
    reader's ``province`` first) and the Indonesian missions by destination country, each group in name order."""
    national, provinces, missions = [], {}, {}
    for h in Hotline.objects.select_related("province", "country").order_by("name"):
        if h.national:
            national.append(h)
        elif h.province_id:
            provinces.setdefault(h.province_id, (h.province, []))[1].append(h)
        elif h.country_id:
            missions.setdefault(h.country_id, (h.country, []))[1].append(h)
    by_province = sorted(provinces.values(), key=lambda g: (g[0].code != province, g[0].name))
    national.sort(key=lambda h: h.created_at)  # in the directory's own order: the agency's line, then the police
    return {"national": national, "provinces": by_province,
            "missions": sorted(missions.values(), key=lambda g: _country_sort(g[0]))}


def _country_sort(country) -> str:
    indonesian = (get_language() or "id").startswith("id")
    return (country.name_id if indonesian and country.name_id else country.name).lower()


def national_hotlines() -> list[Hotline]:
    """The national lines in the directory's own order (the migrant-worker agency's line, the police, ...)."""
    return list(Hotline.objects.filter(national=True).order_by("created_at", "name"))
