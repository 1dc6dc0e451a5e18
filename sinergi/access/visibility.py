"""Record visibility: which cases and persons a user may know exist. Everything else is "not found"."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from .capabilities import Cap
from .principal import Principal


def cases_visible_to(user) -> QuerySet:
    """Cases whose lead agency the user works in with a casework role, and cases referred to such an agency
    while the referral is active (the receiver then sees only the shared sections: ``sections.case_sections_for``).
    """
    from django.db.models import Q

    from sinergi.cases.models import Case
    from sinergi.referrals.enums import ACTIVE
    from sinergi.referrals.models import Referral

    principal = Principal.of(user)
    agency_ids = principal.casework_agency_ids
    if not agency_ids:
        return Case.objects.none()
    referred = Referral.objects.filter(to_agency_id__in=agency_ids, status__in=ACTIVE).values("case_id")
    return Case.objects.filter(Q(lead_agency_id__in=agency_ids) | Q(pk__in=referred))


def case_visibility_parts(user) -> list[QuerySet]:
    """``cases_visible_to(user)`` as disjoint parts (the agencies' own cases; cases referred to them and led by
    another agency). A page of a list ordered by an index is fetched from each part on its own and merged: one
    query with the OR cannot walk the index in order and reads every matching row before sorting."""
    from sinergi.cases.models import Case
    from sinergi.referrals.enums import ACTIVE
    from sinergi.referrals.models import Referral

    agency_ids = Principal.of(user).casework_agency_ids
    if not agency_ids:
        return []
    own = (Case.objects.filter(lead_agency_id=next(iter(agency_ids))) if len(agency_ids) == 1
           else Case.objects.filter(lead_agency_id__in=agency_ids))
    referred = Referral.objects.filter(to_agency_id__in=agency_ids, status__in=ACTIVE).values("case_id")
    return [own, Case.objects.filter(pk__in=referred).exclude(lead_agency_id__in=agency_ids)]


def persons_visible_to(user) -> QuerySet:
    """Persons who are the survivor of a visible case, or the subject of a report to the user's agency."""
    from sinergi.intake.models import Report
    from sinergi.people.models import Person

    principal = Principal.of(user)
    agency_ids = principal.casework_agency_ids
    if not agency_ids:
        return Person.objects.none()
    visible_cases = cases_visible_to(user).filter(survivor_id=OuterRef("pk"))
    reports = Report.objects.filter(agency_id__in=agency_ids, subject_id=OuterRef("pk"))
    return Person.objects.filter(Exists(visible_cases) | Exists(reports))


def reports_visible_to(user) -> QuerySet:
    from sinergi.intake.models import Report

    principal = Principal.of(user)
    agency_ids = principal.casework_agency_ids
    if not agency_ids:
        return Report.objects.none()
    return Report.objects.filter(agency_id__in=agency_ids)


def agency_of_person_for(user, person) -> object | None:
    """The agency through which the user sees this person (for masking and audit), or None."""
    principal = Principal.of(user)
    ids = set(principal.casework_agency_ids)
    from sinergi.cases.models import Case
    from sinergi.intake.models import Report

    lead = Case.objects.filter(survivor=person, lead_agency_id__in=ids).values_list("lead_agency_id", flat=True).first()
    if lead:
        return lead
    return Report.objects.filter(subject=person, agency_id__in=ids).values_list("agency_id", flat=True).first()


def import_jobs_visible_to(user, cap: Cap | None = None) -> QuerySet:
    """Import jobs of the agencies the user works in (any active membership): their error lists name lines
    and fields of the agency's files. With ``cap``, only those of agencies where the user holds it (the web
    pages show the rejected rows, with their original values, to importers only)."""
    from sinergi.transfer.models import ImportJob

    principal = Principal.of(user)
    if cap is None:
        agency_ids = sorted({a for a, _ in principal.memberships}, key=str)
    else:
        agency_ids = principal.agencies_with(cap)
    if not agency_ids:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(agency_id__in=agency_ids)
