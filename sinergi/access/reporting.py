"""Who triages reports and who files them onward. Village and district offices take reports from residents but do
not lead cases: their reports go on to the regency's services (``intake.routing``) and they follow them on
"my reports". Every other agency where a user may take reports has an inbox."""

from __future__ import annotations

from sinergi.agencies.enums import AgencyType, Level

from .capabilities import Cap
from .principal import Principal

REPORTING_TYPES = frozenset({AgencyType.VILLAGE})
REPORTING_LEVELS = frozenset({Level.VILLAGE, Level.DISTRICT})


def is_reporting_office(agency) -> bool:
    if agency is None:
        return False
    return agency.type in REPORTING_TYPES or agency.level in REPORTING_LEVELS


def reporting_office_ids(agency_ids) -> set:
    from sinergi.agencies.models import Agency

    ids = list(agency_ids)
    if not ids:
        return set()
    return {a.pk for a in Agency.objects.filter(pk__in=ids).only("pk", "type", "level") if is_reporting_office(a)}


def _offices(user) -> tuple[list, set]:
    p = Principal.of(user)
    cached = getattr(p, "_report_offices", None)
    if cached is None:
        casework = set(p.casework_agency_ids)
        ids = [a for a in p.agencies_with(Cap.CASE_CREATE) if a in casework]
        cached = (ids, {a for a in ids if a in p.reporting_office_ids})
        p._report_offices = cached
    return cached


def triage_agency_ids(user) -> list:
    """Agencies whose report inbox the user works."""
    ids, offices = _offices(user)
    return [a for a in ids if a not in offices]


def filing_office_ids(user) -> list:
    """Village and district offices in whose name the user files reports."""
    ids, offices = _offices(user)
    return [a for a in ids if a in offices]
