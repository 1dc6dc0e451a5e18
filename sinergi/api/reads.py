"""Reads the API needs beyond the apps' selectors: a person or a report by id, each starting from the
visibility filter, and the audit rows for a page of reports."""

from __future__ import annotations

from sinergi.access.audit_reads import audit_list
from sinergi.access.visibility import person_agency_in_full, reports_visible_to
from sinergi.core.errors import NotFound
from sinergi.intake.models import Report
from sinergi.people.models import Person

from .common import as_uuid, get_visible


def person_get(user, person_id) -> tuple[Person, object]:
    """A person the user sees in full, and the agency through which (for masking and audit): NotFound
    otherwise (``access.visibility.person_agency_in_full``).

    A person seen only through a referral is not found here: the referred case shows exactly the sections
    that were shared, and this endpoint would show more."""
    key = as_uuid(person_id)
    person = (Person.objects.prefetch_related("aliases", "documents", "family_contacts")
              .select_related("citizenship", "origin_village", "origin_regency", "origin_province")
              .filter(pk=key).first() if key else None)
    agency_id = person_agency_in_full(user, person)
    if agency_id is None:
        raise NotFound("person")
    return person, agency_id


def person_lookup(user, person_id) -> Person | None:
    """A person the user sees in full, by id, for a reference in a request body (``survivor``, ``subject``);
    else None. The service checks again for the agency the write is made for."""
    key = as_uuid(person_id)
    person = Person.objects.filter(pk=key).first() if key else None
    return person if person_agency_in_full(user, person) is not None else None


def report_queryset(user):
    return reports_visible_to(user).select_related("agency", "subject", "case", "received_by")


def report_get(user, report_id) -> Report:
    return get_visible(report_queryset(user), report_id, "report")


def audit_reports_read(user, reports: list[Report], *, filters: dict | None = None) -> None:
    """ONE read row for the reports shown on a list page (reporters' names and narratives are personal data)."""
    groups: dict = {}
    for r in reports:
        groups.setdefault(r.agency_id, []).append(r.pk)
    audit_list(user, object_type="report", groups=groups, via="api list", filters=filters,
               structured={"status", "channel", "agency"})