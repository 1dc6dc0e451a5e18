"""Moving a person's aliases, identity documents, family contacts and consent answers to another person when
linkage merges two records of one person (and back on unmerge), and filling the survivor's empty fields from the
merged record (and restoring them). Called by ``linkage.merging`` inside its transaction; the caller checks
permission and audits. The person rows themselves are never deleted."""

from __future__ import annotations

import datetime as dt

from sinergi.core import sealing
from sinergi.core.fields import digest_companions

from . import hooks
from .enums import Sex
from .models import Consent, FamilyContact, IdentityDocument, Person, PersonAlias

PARTS = {"aliases": PersonAlias, "documents": IdentityDocument, "family_contacts": FamilyContact,
         "consents": Consent}


def person_parts(person) -> dict[str, list[str]]:
    return {kind: [str(pk) for pk in model.objects.filter(person=person).order_by("created_at")
                   .values_list("pk", flat=True)] for kind, model in PARTS.items()}


def person_parts_move(parts: dict[str, list[str]], *, to_person) -> dict[str, int]:
    """Give the rows listed in ``parts`` (as from ``person_parts``) to ``to_person``; refresh the name keys of
    every person concerned, so that searches find each name under its person."""
    from .services import person_refresh_name_keys

    moved = {}
    from_ids = set()
    for kind, model in PARTS.items():
        ids = list(parts.get(kind) or [])
        from_ids |= set(model.objects.filter(pk__in=ids).values_list("person_id", flat=True))
        moved[kind] = model.objects.filter(pk__in=ids).update(person=to_person)
    for person in [to_person, *Person.objects.filter(pk__in=from_ids - {to_person.pk})]:
        person_refresh_name_keys(person)
    return moved


# The person's own fields a merge may fill: what the survivor lacks comes from the merged record. Origin is one
# field (village, regency, province together), so that a village never sits in another record's province.
FILLED = ("sex", "date_of_birth", "estimated_age", "citizenship", "origin", "phone", "email", "address",
          "primary_language")
_COLUMNS = {"citizenship": ("citizenship_id",), "origin": ("origin_village_id", "origin_regency_id",
                                                           "origin_province_id")}


def _columns(name: str) -> tuple[str, ...]:
    return _COLUMNS.get(name, (name,))


def _value(person, name: str):
    """The field as JSON: dates in ISO form, places and countries by code, origin as one object."""
    if name == "origin":
        return {c: getattr(person, c) for c in _COLUMNS["origin"]}
    value = getattr(person, _columns(name)[0])
    return value.isoformat() if isinstance(value, dt.date) else value


def _set(person, name: str, value) -> None:
    if name == "origin":
        for column in _COLUMNS["origin"]:
            setattr(person, column, (value or {}).get(column))
    elif name == "date_of_birth":
        person.date_of_birth = dt.date.fromisoformat(value) if value else None
    else:
        setattr(person, _columns(name)[0], value)


def _empty(name: str, value) -> bool:
    if name == "origin":
        return not any((value or {}).values())
    if name == "sex":
        return value in (None, "", Sex.UNKNOWN)
    return value in (None, "")


def _same(name: str, a, b) -> bool:
    if name == "phone":
        return sealing.normalise("phone", a) == sealing.normalise("phone", b)
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


def _refines(finer: dict, coarser: dict) -> bool:
    """``finer`` names the same place as ``coarser``, at least as precisely (a village in its regency)."""
    return all(coarser[c] is None or coarser[c] == finer[c] for c in coarser)


def _filled_value(name: str, survivor_value, merged_value):
    """What the survivor's field becomes (``None``: stays as it is), and whether the two records disagree."""
    if _empty(name, merged_value):
        return None, False
    if _empty(name, survivor_value):
        return merged_value, False
    if name == "origin":
        if _refines(merged_value, survivor_value) and merged_value != survivor_value:
            return merged_value, False  # the survivor knew the province, the merged record the village
        return None, not (_refines(merged_value, survivor_value) or _refines(survivor_value, merged_value))
    return None, not _same(name, survivor_value, merged_value)


def _save(person, names) -> None:
    columns = [c for n in names for c in _columns(n)]
    person.save(update_fields=[*columns, *digest_companions(Person, columns), "updated_at"])
    if "origin" in names:
        hooks.origin_changed(person)


def person_fields_fill(*, survivor, merged) -> dict:
    """Fill the survivor's empty fields (``FILLED``) from the merged person; where both hold a value the
    survivor's wins and the field is named a conflict. Returns the record the merge keeps (encrypted: it holds
    contacts): ``{"filled": {field: {"before", "after"}}, "conflicts": [field, ...]}``, values as JSON. Called by
    ``linkage.merging`` inside its transaction; the caller audits. The merged person is left as it was."""
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    filled, conflicts = {}, []
    for name in FILLED:
        before, offered = _value(survivor, name), _value(merged, name)
        after, conflict = _filled_value(name, before, offered)
        if conflict:
            conflicts.append(name)
        elif after is not None:
            filled[name] = {"before": before, "after": after}
            _set(survivor, name, after)
    if survivor.deceased != merged.deceased:
        conflicts.append("deceased")  # never copied: a death is recorded by its own service, with its cases
    if filled:
        _save(survivor, list(filled))
    return {"filled": filled, "conflicts": conflicts}


def person_fields_restore(*, survivor, record: dict | None) -> dict[str, list[str]]:
    """Undo ``person_fields_fill``: each field the merge filled goes back to what it was before, unless it was
    changed since (then the later value stays, like everything added to the survivor after the merge). Returns
    ``{"restored": [...], "kept": [...]}``."""
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    restored, kept = [], []
    for name, change in ((record or {}).get("filled") or {}).items():
        if name not in FILLED:
            continue
        if _value(survivor, name) == change.get("after"):
            _set(survivor, name, change.get("before"))
            restored.append(name)
        else:
            kept.append(name)
    if restored:
        _save(survivor, restored)
    return {"restored": restored, "kept": kept}
