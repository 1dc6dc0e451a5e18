"""Moving a person's aliases, identity documents, family contacts and consent answers to another person when
linkage merges two records of one person (and back on unmerge). Called by ``linkage.merging`` inside its
transaction; the caller checks permission and audits. The person rows themselves are never deleted."""

from __future__ import annotations

from .models import Consent, FamilyContact, IdentityDocument, PersonAlias

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
    from .models import Person

    for person in [to_person, *Person.objects.filter(pk__in=from_ids - {to_person.pk})]:
        person_refresh_name_keys(person)
    return moved
