"""Reads for the review queue: the pairs a user may review, one pair, and each pair as the user may see it.
Everything starts from ``pairs_visible_to`` (the filter of ``access.linkage.pair_visibility``); each side is projected by ``access.linkage``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sinergi.access.audit_reads import audit_list
from sinergi.access.linkage import (
    PossibleMatch,
    pair_visibility,
    project_possible_match,
    review_agency_ids,
    reviewing_agency_for,
)
from sinergi.access.principal import Principal
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core.errors import NotFound
from sinergi.core.ids import as_uuid

from .enums import PairStatus
from .labels import explained
from .models import MatchPair, Merge


def pairs_visible_to(user):
    """Candidate pairs the user may see (``access.linkage.pair_visibility``); none for anyone else."""
    visible = pair_visibility(user)
    return MatchPair.objects.none() if visible is None else MatchPair.objects.filter(visible)


def pairs_for_review(user, *, status: str = PairStatus.PENDING):
    """The user's pairs with this status, most likely first. A pending pair with a person merged away since is
    left out (that person's records live on the survivor, which the next run compares afresh)."""
    from .merging import merged_away_ids

    pairs = pairs_visible_to(user).filter(status=status)
    if status == PairStatus.PENDING:
        pairs = pairs.exclude(person_l__in=merged_away_ids()).exclude(person_r__in=merged_away_ids())
    return pairs.select_related("person_l", "person_r").order_by("-probability", "created_at")


def pair_for(user, pair_id) -> MatchPair:
    pair_id = as_uuid(pair_id)
    if pair_id is None:
        raise NotFound("pair")
    pair = pairs_visible_to(user).select_related("person_l", "person_r").filter(pk=pair_id).first()
    if pair is None:
        raise NotFound("pair")
    return pair


@dataclass(frozen=True)
class PairView:
    id: Any
    probability: float
    status: str
    status_label: str
    left: PossibleMatch
    right: PossibleMatch
    explanation: list[dict]       # which fields agreed, how much each weighed (levels, never values)
    confirmed_by_agencies: tuple[str, ...]  # names of the agencies that have said "same person" so far
    merge_id: Any | None          # the active merge of this pair, if any


def project_pair(user, pair: MatchPair) -> PairView:
    """The pair as the user may see it: each side in full only through an agency of theirs that holds it (masked
    by their role there), else as "held by <agency>". The explanation names which fields agreed and how strongly
    (levels such as "day and month swapped", never a value): what a reviewer needs to decide, and no more than a
    possible match already says about the other record."""
    ids = review_agency_ids(user)
    left = project_possible_match(user, pair.person_l, probability=pair.probability, agency_ids=ids)
    right = project_possible_match(user, pair.person_r, probability=pair.probability, agency_ids=ids)
    merge = Merge.objects.filter(pair=pair, unmerged_at__isnull=True).values_list("pk", flat=True).first()
    return PairView(pair.pk, pair.probability, pair.status, pair.get_status_display(), left, right,
                    explained(pair.explanation),
                    _names([pair.confirmed_l_agency_id, pair.confirmed_r_agency_id]), merge)


def _names(agency_ids) -> tuple[str, ...]:
    from sinergi.agencies.models import Agency

    ids = [a for a in agency_ids if a]
    return tuple(Agency.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)) if ids else ()


def merge_for(user, merge_id) -> Merge:
    """A merge whose survivor the user reviews (``access.linkage.reviewing_agency_for``); NotFound otherwise, as
    for a merge that does not exist."""
    key = as_uuid(merge_id)
    merge = Merge.objects.select_related("survivor").filter(pk=key).first() if key else None
    if merge is None or reviewing_agency_for(user, merge.survivor) is None:
        raise NotFound("merge")
    return merge


def _held(views) -> dict:
    """The persons shown in full on these pairs, by the agency they were seen through."""
    groups: dict = {}
    for view in views:
        for side in (view.left, view.right):
            if side.person is not None:
                groups.setdefault(side.person.agency_id, set()).add(str(side.person.id))
    return {a: sorted(ids) for a, ids in groups.items()}


def audit_pairs_read(user, views: list[PairView], *, via: str, filters: dict | None = None,
                     single: bool = False) -> None:
    """ONE read row for what was shown: one pair (``single``: a row of its own) or a page of pairs (one row naming
    every pair, ``access.audit_reads.audit_list``), each with the persons shown in full (only the sides the
    user's agencies hold)."""
    held = _held(views)
    persons = sorted({p for ids in held.values() for p in ids})
    if single:
        ids = review_agency_ids(user)
        agency_id = next(iter(held)) if held else (ids[0] if ids else None)
        for view in views:
            audit_log(actor=Principal.of(user).actor(agency_id), action=Action.READ, object_type="person_pair",
                      object_id=view.id, detail={"via": via, "persons": persons})
        return
    ids = review_agency_ids(user)
    groups: dict = {}
    for view in views:
        seen_through = next((s.person.agency_id for s in (view.left, view.right) if s.person is not None),
                            ids[0] if ids else None)
        groups.setdefault(seen_through, []).append(view.id)
    audit_list(user, object_type="person_pair", groups=groups, via=via, filters=filters,
               structured=set(filters or {}), detail={"persons": persons} if persons else None)
