"""Who may review possible duplicates, and what a reviewer or an intake officer may learn of a person found by
linkage. A person is *held* by the agencies that see them in full (``visibility.person_agency_in_full``): those
leading a case of theirs or that received a report about them (or created the record while it is attached to
nothing). A pair is visible to a user who holds ``Cap.LINK_REVIEW`` in an agency holding one of its two persons;
every other pair is "not found". Each side of a pair is shown in full (masked by role) only to a holder of that
side; to anyone else it is "a possible match held by <agency>; ask them", never its data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from sinergi.core.errors import NotFound, PermissionDenied

from . import sources
from .capabilities import Cap
from .principal import Principal


def _held_person_ids(agency_ids):
    """A subquery-able union of person ids held by ``agency_ids`` through a case or a report."""
    Case, Report = sources.get("case"), sources.get("report")
    return (Case.objects.filter(lead_agency_id__in=agency_ids).values("survivor_id"),
            Report.objects.filter(agency_id__in=agency_ids, subject__isnull=False).values("subject_id"))


def review_agency_ids(user) -> list:
    return Principal.of(user).agencies_with(Cap.LINK_REVIEW)


def require_reviewer(user) -> list:
    """The review queue, its merges and the partner queries as a whole: the agencies where the user reviews
    duplicates. PermissionDenied for a user who reviews nowhere (the pages answer 404, the API 403); a pair or a
    merge the user may not see is NotFound (``pair_visibility``, ``require_pair``, ``reviewing_agency_for``)."""
    ids = review_agency_ids(user)
    if not ids:
        raise PermissionDenied(f"missing capability {Cap.LINK_REVIEW}")
    return ids


def pair_visibility(user) -> Q | None:
    """The filter on candidate pairs (``linkage.MatchPair``: ``person_l``, ``person_r``) that the user may see:
    at least one person held by an agency where they review duplicates. None: no pair at all."""
    ids = review_agency_ids(user)
    if not ids:
        return None
    cases, reports = _held_person_ids(ids)
    return Q(person_l__in=cases) | Q(person_l__in=reports) | Q(person_r__in=cases) | Q(person_r__in=reports)


def holders_of(person_ids) -> dict[Any, list]:
    """The agencies holding each person (case lead agencies first, then report receivers), by person id."""
    Case, Report = sources.get("case"), sources.get("report")
    out: dict[Any, list] = {pk: [] for pk in person_ids}
    rows = list(Case.objects.filter(survivor_id__in=list(person_ids)).order_by("created_at")
                .values_list("survivor_id", "lead_agency_id"))
    rows += list(Report.objects.filter(subject_id__in=list(person_ids)).order_by("received_at")
                 .values_list("subject_id", "agency_id"))
    for person_id, agency_id in rows:
        if agency_id not in out[person_id]:
            out[person_id].append(agency_id)
    return out


def reviewing_agency_for(user, person):
    """The agency through which the user reviews ``person`` (holds it in full and may review), or None."""
    from .visibility import person_agency_in_full

    for agency_id in review_agency_ids(user):
        if person_agency_in_full(user, person, agency_id) is not None:
            return agency_id
    return None


def require_pair(user, pair) -> dict[str, Any]:
    """The pair must be visible to the user (NotFound otherwise). Returns, per side ("l", "r"), the agency through
    which the user holds that side, or None."""
    sides = {"l": reviewing_agency_for(user, pair.person_l), "r": reviewing_agency_for(user, pair.person_r)}
    if sides["l"] is None and sides["r"] is None:
        raise NotFound("pair")
    return sides


@dataclass(frozen=True)
class PossibleMatch:
    """One person found by linkage, as a user may know them: in full (``person`` is a ``PersonView``) when one of
    their agencies holds them, otherwise only the names of the agencies that do (``held_by``)."""

    probability: float
    person: Any | None
    held_by: tuple[str, ...]
    explanation: dict | None


def project_possible_match(user, person, *, probability: float, explanation: dict | None = None,
                           agency_ids=None) -> PossibleMatch:
    """``person`` as ``user`` may know them. ``agency_ids``: the user's agencies to see through (default: those
    where they do casework). The explanation (which fields agreed) is given only with the person in full."""
    from sinergi.agencies.models import Agency

    from .projection import project_person
    from .visibility import person_agency_in_full

    ids = list(agency_ids) if agency_ids is not None else Principal.of(user).casework_agency_ids
    for agency_id in ids:
        if person_agency_in_full(user, person, agency_id) is not None:
            return PossibleMatch(probability, project_person(user, person, agency_id=agency_id), (), explanation)
    holders = holders_of([person.pk])[person.pk]
    names = tuple(Agency.objects.filter(pk__in=holders).order_by("name").values_list("name", flat=True))
    return PossibleMatch(probability, None, names, None)
