"""Reads the API needs beyond the apps' selectors: a person or a report by id, each starting from the
visibility filter, and the audit rows for a page of reports."""

from __future__ import annotations

from django.db import transaction

from sinergi.access.principal import Principal
from sinergi.access.visibility import agency_of_person_for, persons_visible_to, reports_visible_to
from sinergi.audit.enums import Action
from sinergi.audit.services import Entry, audit_log_many
from sinergi.core.errors import NotFound
from sinergi.intake.models import Report
from sinergi.people.models import Person

from .common import as_uuid, get_visible


def person_get(user, person_id) -> tuple[Person, object]:
    """A visible person and the agency the user sees them through (for masking and audit).

    A person seen only through a referral is not found here: the referred case shows exactly the sections
    that were shared, and this endpoint would show more."""
    person = get_visible(
        persons_visible_to(user).prefetch_related("aliases", "documents", "family_contacts"), person_id, "person")
    agency_id = agency_of_person_for(user, person)
    if agency_id is None:
        raise NotFound("person")
    return person, agency_id


def person_lookup(user, person_id) -> Person | None:
    """A visible person by id for a reference in a request body (``survivor``, ``subject``), else None."""
    key = as_uuid(person_id)
    return persons_visible_to(user).filter(pk=key).first() if key else None


def report_queryset(user):
    return reports_visible_to(user).select_related("agency", "subject", "case", "received_by")


def report_get(user, report_id) -> Report:
    return get_visible(report_queryset(user), report_id, "report")


def audit_reports_read(user, reports: list[Report], *, filters: dict | None = None) -> None:
    """One READ row per report shown on a list page (reporters' names and narratives are personal data)."""
    principal = Principal.of(user)
    by_agency: dict = {}
    for r in reports:
        by_agency.setdefault(r.agency_id, []).append(r)
    with transaction.atomic():
        for agency_id, group in by_agency.items():
            audit_log_many(actor=principal.actor(agency_id), entries=[
                Entry(Action.READ, "report", str(r.pk), "", {"via": "api list", "filters": filters or {}})
                for r in group
            ])
