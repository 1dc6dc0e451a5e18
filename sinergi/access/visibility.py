"""Record visibility: which cases and persons a user may know exist. Everything else is "not found"."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from . import sources
from .capabilities import Cap
from .principal import Principal, as_agency_id


def _referred(agency_ids, needs: frozenset[str]):
    """Ids of the cases referred to ``agency_ids`` by active referrals (a subquery), or, when ``needs`` names
    sections, only of those whose active referrals to these agencies shared all of them (a list)."""
    ACTIVE, Referral = sources.get("referral_active"), sources.get("referral")

    referred = Referral.objects.filter(to_agency_id__in=agency_ids, status__in=ACTIVE)
    if not needs:
        return referred.values("case_id")
    shared: dict = {}
    for case_id, sections in referred.values_list("case_id", "sections"):
        shared.setdefault(case_id, set()).update(sections or ())
    return [case_id for case_id, sections in shared.items() if needs <= sections]


def cases_visible_to(user, *, needs=()) -> QuerySet:
    """Cases whose lead agency the user works in with a casework role, and cases referred to such an agency
    while the referral is active (the receiver then sees only the shared sections: ``sections.sight_of``).

    ``needs``: the sections a filter or a search reads (a name search reads the identity, a country filter the
    location). A referred case is found by it only if those sections were shared with the user's agency: a search
    by name must not find, and so name, a survivor whose identity was not shared."""
    from django.db.models import Q

    Case = sources.get("case")

    principal = Principal.of(user)
    agency_ids = principal.casework_agency_ids
    if not agency_ids:
        return Case.objects.none()
    referred = _referred(agency_ids, frozenset(needs))
    return Case.objects.filter(Q(lead_agency_id__in=agency_ids) | Q(pk__in=referred))


def case_visibility_parts(user, *, needs=()) -> list[QuerySet]:
    """``cases_visible_to(user, needs=needs)`` as disjoint parts (the agencies' own cases; cases referred to them
    and led by another agency). A page of a list ordered by an index is fetched from each part on its own and
    merged: one query with the OR cannot walk the index in order and reads every matching row before sorting."""
    Case = sources.get("case")

    agency_ids = Principal.of(user).casework_agency_ids
    if not agency_ids:
        return []
    own = (Case.objects.filter(lead_agency_id=next(iter(agency_ids))) if len(agency_ids) == 1
           else Case.objects.filter(lead_agency_id__in=agency_ids))
    referred = _referred(agency_ids, frozenset(needs))
    if isinstance(referred, list) and not referred:
        return [own]  # no referral shared these sections: the referred part is empty (and costs no query)
    return [own, Case.objects.filter(pk__in=referred).exclude(lead_agency_id__in=agency_ids)]


def cases_in_full_for(user) -> QuerySet:
    """Cases the user sees in full: those led by an agency where they do casework (``sections.ALL``)."""
    Case = sources.get("case")

    agency_ids = Principal.of(user).casework_agency_ids
    if not agency_ids:
        return Case.objects.none()
    return Case.objects.filter(lead_agency_id__in=agency_ids)


def persons_visible_to(user) -> QuerySet:
    """Persons the user sees in full through a case or a report: the survivor of a case led by one of their
    agencies, or the subject of a report one of them received. A survivor seen only through a referral is not
    here: the referred case shows exactly the sections that were shared. (A person an agency created and has not
    attached to a case or report yet is found by ``person_agency_in_full``.)"""
    Case, Report, Person = sources.get("case"), sources.get("report"), sources.get("person")

    agency_ids = Principal.of(user).casework_agency_ids
    if not agency_ids:
        return Person.objects.none()
    led = Case.objects.filter(lead_agency_id__in=agency_ids, survivor_id=OuterRef("pk"))
    reports = Report.objects.filter(agency_id__in=agency_ids, subject_id=OuterRef("pk"))
    return Person.objects.filter(Exists(led) | Exists(reports))


def person_agency_in_full(user, person, agency_id=None):
    """The agency through which the user sees ``person`` in full, or None: one of their casework agencies (or
    ``agency_id``, if it is one) that leads a case of the person, received a report about them, or created the
    person's record while it is attached to no case or report yet (an intake saved in steps). Every write that
    names an existing person requires this (``policy.require_person_in_full``)."""
    from sinergi.audit.models import AuditEvent

    Case, Report = sources.get("case"), sources.get("report")

    ids = set(Principal.of(user).casework_agency_ids)
    if agency_id is not None:
        agency_id = as_agency_id(agency_id)
        ids &= {agency_id}
    if not ids or person is None or getattr(person, "pk", None) is None:
        return None
    # Ordered, so that a user of several agencies always sees a person through the same one.
    lead = (Case.objects.filter(survivor=person, lead_agency_id__in=ids).order_by("created_at")
            .values_list("lead_agency_id", flat=True).first())
    if lead:
        return lead
    received = (Report.objects.filter(subject=person, agency_id__in=ids).order_by("received_at")
                .values_list("agency_id", flat=True).first())
    if received:
        return received
    if Case.objects.filter(survivor=person).exists() or Report.objects.filter(subject=person).exists():
        return None  # attached to another agency's case or report: the record is theirs now
    return (AuditEvent.objects.filter(action="create", object_type="person", object_id=str(person.pk),
                                      agency_id__in=ids).order_by("seq").values_list("agency_id", flat=True).first())


def reports_visible_to(user) -> QuerySet:
    Report = sources.get("report")

    principal = Principal.of(user)
    agency_ids = principal.casework_agency_ids
    if not agency_ids:
        return Report.objects.none()
    return Report.objects.filter(agency_id__in=agency_ids)


def agency_of_person_for(user, person) -> object | None:
    """The agency through which the user sees this person (for masking and audit), or None."""
    return person_agency_in_full(user, person)


def referrals_visible_to(user, *, direction: str | None = None) -> QuerySet:
    """Referrals made to (``direction="incoming"``), by (``"outgoing"``) or either way (None) one of the agencies
    where the user does casework. A case's lead agency sees every referral of the case through the case
    (``projection_parts.project_case_referrals``); a receiver sees only those made to it."""
    from django.db.models import Q

    Referral = sources.get("referral")

    ids = Principal.of(user).casework_agency_ids
    if not ids:
        return Referral.objects.none()
    if direction == "incoming":
        return Referral.objects.filter(to_agency_id__in=ids)
    if direction == "outgoing":
        return Referral.objects.filter(from_agency_id__in=ids)
    if direction is not None:
        raise ValueError(direction)
    return Referral.objects.filter(Q(to_agency_id__in=ids) | Q(from_agency_id__in=ids))


def notices_visible_to(user) -> QuerySet:
    """Notices issued by, or sent to, an agency where the user does casework."""
    from django.db.models import Q

    Notice, NoticeRecipient = sources.get("notice"), sources.get("notice_recipient")

    ids = Principal.of(user).casework_agency_ids
    if not ids:
        return Notice.objects.none()
    # A subquery rather than a join: no duplicate rows, so callers may annotate and order without DISTINCT.
    received = NoticeRecipient.objects.filter(agency_id__in=ids).values("notice_id")
    return Notice.objects.filter(Q(issued_by_id__in=ids) | Q(pk__in=received))


def notice_agency_for(user_or_agency_ids, notice):
    """The agency through which the user (or a set of their casework agency ids) sees ``notice``: the issuer if
    they work there, else the first of their agencies it was sent to; None if neither."""
    NoticeRecipient = sources.get("notice_recipient")

    ids = (set(user_or_agency_ids) if isinstance(user_or_agency_ids, (set, frozenset, list, tuple))
           else set(Principal.of(user_or_agency_ids).casework_agency_ids))
    if notice.issued_by_id in ids:
        return notice.issued_by_id
    return (NoticeRecipient.objects.filter(notice=notice, agency_id__in=ids).order_by("agency_id")
            .values_list("agency_id", flat=True).first())


def import_jobs_visible_to(user, cap: Cap | None = None) -> QuerySet:
    """Import jobs of the agencies the user works in (any active membership): their error lists name lines
    and fields of the agency's files. With ``cap``, only those of agencies where the user holds it (the web
    pages show the rejected rows, with their original values, to importers only)."""
    ImportJob = sources.get("import_job")

    principal = Principal.of(user)
    if cap is None:
        agency_ids = sorted({a for a, _ in principal.memberships}, key=str)
    else:
        agency_ids = principal.agencies_with(cap)
    if not agency_ids:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(agency_id__in=agency_ids)
