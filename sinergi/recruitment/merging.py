"""Moving placements in the registry from one person to another when linkage merges two persons (and back on
unmerge). Called by ``linkage.merging`` inside its transaction; the caller checks permission and audits."""

from __future__ import annotations

from .models import Placement


def placements_of_person(person) -> list[str]:
    return [str(pk) for pk in Placement.objects.filter(worker=person).order_by("created_at").values_list("pk", flat=True)]


def placements_move_worker(*, placement_ids, to_person) -> int:
    return Placement.objects.filter(pk__in=list(placement_ids)).update(worker=to_person)
