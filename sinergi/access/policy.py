"""Checks that services call: may this user do this to this object? (404 first, then 403.)"""

from __future__ import annotations

from sinergi.core.errors import NotFound, PermissionDenied

from .capabilities import Cap
from .principal import Principal, as_agency_id


def require(user, cap: Cap, agency_id) -> Principal:
    """The user must hold ``cap`` in ``agency_id``. Raises PermissionDenied otherwise."""
    principal = Principal.of(user)
    if not principal.can(cap, agency_id):
        raise PermissionDenied(f"missing capability {cap} in agency")
    return principal


def require_case(user, case, cap: Cap) -> Principal:
    """The case must be visible (else NotFound) and the user must hold ``cap`` in its lead agency."""
    from .visibility import cases_visible_to

    principal = Principal.of(user)
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        raise NotFound("case")
    if not principal.can(cap, case.lead_agency_id):
        raise PermissionDenied(f"missing capability {cap}")
    return principal


def roles_for_case(user, case) -> set[str]:
    return Principal.of(user).roles_in(case.lead_agency_id)


def require_recruitment_oversight(user):
    """One-door oversight belongs to the migrant-worker protection agency and the task forces: their case managers
    and supervisors. Returns (principal, agency_id) for auditing. Raises PermissionDenied otherwise."""
    from sinergi.agencies.enums import AgencyType, Role
    from sinergi.agencies.models import Agency

    principal = Principal.of(user)
    oversight_types = {AgencyType.MIGRANT_WORKER_PROTECTION, AgencyType.TASK_FORCE}
    roles = {Role.CASE_MANAGER, Role.SUPERVISOR}
    candidates = [a for a, role in principal.memberships if role in roles]
    agency = Agency.objects.filter(pk__in=candidates, type__in=oversight_types).order_by("name").first()
    if agency is None:
        raise PermissionDenied("recruitment oversight")
    return principal, agency.pk


def require_person(user, person, cap: Cap, agency_id) -> Principal:
    """The user must see the person in full through ``agency_id`` (``require_person_in_full``; else NotFound),
    then hold ``cap`` there (else PermissionDenied)."""
    principal = Principal.of(user)
    require_person_in_full(user, person, agency_id)
    if not principal.can(cap, agency_id):
        raise PermissionDenied(f"missing capability {cap}")
    return principal


def require_person_in_full(user, person, agency_id) -> None:
    """A write that names an existing person (a case for them, a report about them, a re-trafficking link, an
    update) is made for ``agency_id``, which must already see that person in full: it leads a case of theirs,
    received a report about them, or created their record (``visibility.person_agency_in_full``). Seeing the
    person's case through a referral is not enough: the write would give the agency what the referral did not
    share. NotFound otherwise, as for a person that does not exist."""
    from .visibility import person_agency_in_full

    if person_agency_in_full(user, person, as_agency_id(agency_id)) is None:
        raise NotFound("person")


def require_section(user, case, section: str):
    """The user may see ``section`` of ``case`` (``sections.Sight``); NotFound otherwise. Returns the sight."""
    from .sections import sight_of

    sight = sight_of(user, case)
    if not sight.may(section):
        raise NotFound(section)
    return sight


def require_report(user, report, cap: Cap) -> Principal:
    """The report must have been received by an agency where the user does casework (else NotFound) and the
    user must hold ``cap`` there (else PermissionDenied)."""
    principal = Principal.of(user)
    if report.agency_id not in principal.casework_agency_ids:
        raise NotFound("report")
    if not principal.can(cap, report.agency_id):
        raise PermissionDenied(f"missing capability {cap}")
    return principal


def require_aggregates(user) -> Principal:
    """Dashboards, reports and the analytics API: aggregates only. PermissionDenied otherwise (pages answer 404)."""
    principal = Principal.of(user)
    if not principal.can(Cap.AGGREGATES):
        raise PermissionDenied("aggregates")
    return principal


def require_agency_figures(user, agency_id) -> Principal:
    """An agency's performance page: anyone with aggregates (the task force, analysts), or staff of that agency
    holding ``AGENCY_FIGURES`` there. NotFound otherwise: an agency's figures are not a thing others may probe."""
    principal = Principal.of(user)
    if principal.can(Cap.AGGREGATES) or principal.can(Cap.AGENCY_FIGURES, agency_id):
        return principal
    raise NotFound("agency")


def agencies_with_own_figures(user) -> list:
    return Principal.of(user).agencies_with(Cap.AGENCY_FIGURES)


def require_referral_receiver(user, referral) -> Principal:
    """The user answers ``referral`` for its receiving agency, and the referral is still running: what they add
    goes to what the agency was given. NotFound for anyone else (they may not know of it); PermissionDenied for a
    role that may not answer referrals; a field error once the referral has ended."""
    from django.utils.translation import gettext_lazy as _

    from sinergi.core.validation import field_error

    from . import sources

    principal = Principal.of(user)
    if referral.to_agency_id not in principal.casework_agency_ids:
        raise NotFound("referral")
    require(user, Cap.REFERRAL_RESPOND, referral.to_agency_id)
    if referral.status not in sources.get("referral_active"):
        raise field_error("referral", _("Rujukan ini sudah selesai; tambahan tidak dapat dicatat lagi."))
    return principal
