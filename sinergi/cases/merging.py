"""Moving cases from one person to another when linkage merges two persons into one (and back on unmerge).

Called by ``linkage.merging`` inside its transaction; the caller checks permission and audits. Each moved case
gets a timeline event, so the case's history says that its survivor was merged (or separated again)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from .enums import EventKind
from .models import Case
from .services import _event, cases_sync_origin
from .timeline import msg


def cases_of_person(person) -> list[str]:
    return [str(pk) for pk in Case.objects.filter(survivor=person).order_by("created_at").values_list("pk", flat=True)]


def cases_move_survivor(*, case_ids, to_person, actor, agency_id, merged: bool, merge_id) -> int:
    """Make ``to_person`` the survivor of the cases ``case_ids``; one timeline event on each (``merged``: the
    survivor was merged with another record of the same person; otherwise a merge was undone)."""
    cases = list(Case.objects.select_for_update().filter(pk__in=list(case_ids)))
    text = (gettext_noop("Data penyintas digabung dengan catatan lain dari orang yang sama") if merged
            else gettext_noop("Penggabungan data penyintas dibatalkan"))
    for case in cases:
        case.survivor = to_person
        case.save(update_fields=["survivor", "updated_at"])
        _event(case, EventKind.DETAILS_UPDATED, actor=actor, agency_id=agency_id, summary=msg(text),
               data={"linkage": "merged" if merged else "unmerged", "merge": str(merge_id)})
    cases_sync_origin(to_person)
    return len(cases)
