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


FIELD_NOTES = {
    "filled": gettext_noop("Saat penggabungan, kolom ini diisi dari catatan lain dari orang yang sama: %(fields)s"),
    "conflicts": gettext_noop("Saat penggabungan, kolom ini berbeda di kedua catatan; nilai catatan yang "
                              "bertahan tetap dipakai: %(fields)s"),
    "restored": gettext_noop("Penggabungan dibatalkan; kolom ini kembali seperti sebelum penggabungan: "
                             "%(fields)s"),
    "kept": gettext_noop("Penggabungan dibatalkan; kolom ini tidak dikembalikan karena sudah diubah sesudah "
                         "penggabungan: %(fields)s"),
}


def cases_note_person_fields(*, person, note: str, fields, actor, agency_id, merge_id) -> int:
    """One timeline event on each case of ``person`` naming the survivor's fields a merge filled, found in
    conflict, restored or kept (``FIELD_NOTES``): the names of the fields, never their values."""
    from sinergi.people.enums import PersonField

    names = [PersonField(f) for f in fields if f in PersonField.values]
    if not names:
        return 0
    cases = list(Case.objects.filter(survivor=person).order_by("created_at"))
    for case in cases:
        _event(case, EventKind.DETAILS_UPDATED, actor=actor, agency_id=agency_id,
               summary=msg(FIELD_NOTES[note], fields=names),
               data={"linkage": f"fields_{note}", "fields": [n.value for n in names], "merge": str(merge_id)})
    return len(cases)
