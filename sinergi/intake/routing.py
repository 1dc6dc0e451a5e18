"""Where a report goes when the office that takes it cannot work a case: village and district offices file
reports, the regency's (or province's) responsible services receive them.

The order: the task force's procedure for the office's regency, then its province (``ReportRoute``); then the
regency's own services; then the province's; then the task forces of the regency and the province. Within each
step an agency with active intake staff comes first, so that a report never lands where nobody reads it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from sinergi.access.reporting import REPORTING_LEVELS, REPORTING_TYPES, is_reporting_office, reporting_office_ids
from sinergi.agencies.enums import AgencyType

__all__ = ["forward_targets", "is_reporting_office", "partner_targets", "reporting_office_ids", "route_for"]
# Agency types that may receive a report filed by a village or district office, most specific first.
RECEIVING_TYPES = (AgencyType.DISTRICT_SERVICE, AgencyType.PROVINCIAL_SERVICE, AgencyType.TASK_FORCE)


def _staffed(qs):
    from sinergi.agencies.enums import Role
    from sinergi.agencies.models import Membership

    staff = Membership.objects.filter(agency_id=OuterRef("pk"), is_active=True, user__is_active=True,
                                      role__in=[Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR])
    return qs.annotate(_staffed=Exists(staff)).order_by("-_staffed", "name")


def route_for(office):
    """The agency that receives a report filed by ``office`` (a village or district office), or None."""
    from sinergi.agencies.models import Agency

    from .models import ReportRoute

    region = office.region_id or ""
    regency, province = region[:5], region[:2]
    for code in (regency, province):
        if len(code) in (2, 5):
            route = (ReportRoute.objects.filter(region_id=code, agency__is_active=True, agency__peer__isnull=True)
                     .select_related("agency").first())
            if route:
                return route.agency
    active = Agency.objects.filter(is_active=True, peer__isnull=True, country_id=office.country_id)
    steps = [(AgencyType.DISTRICT_SERVICE, regency), (AgencyType.PROVINCIAL_SERVICE, province),
             (AgencyType.TASK_FORCE, regency), (AgencyType.TASK_FORCE, province)]
    for agency_type, code in steps:
        if not code:
            continue
        found = _staffed(active.filter(type=agency_type, region_id=code)).first()
        if found and found.pk != office.pk:
            return found
    return None


def forward_targets(agency):
    """Agencies a report may be passed on to: active agencies of this instance that work cases."""
    from sinergi.agencies.models import Agency

    qs = Agency.objects.filter(is_active=True, peer__isnull=True).exclude(pk=agency.pk).exclude(
        type__in=list(REPORTING_TYPES)).exclude(level__in=list(REPORTING_LEVELS))
    return qs.order_by("type", "name")


def partner_targets(agency):
    """Agencies of linked partner instances a report may be passed on to: the local stand-ins (``peer`` set) of
    active partners' agencies. What leaves for them is limited by ``intake.remote``."""
    from sinergi.agencies.models import Agency

    return (Agency.objects.filter(is_active=True, peer__isnull=False, peer__is_active=True)
            .exclude(pk=agency.pk).select_related("peer").order_by("peer__name", "name"))
