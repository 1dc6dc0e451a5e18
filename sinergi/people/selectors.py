"""Finding persons by a phone number, an e-mail address or an identity document without decrypting anything.

Those values are encrypted at rest; each has a keyed digest column (``core.fields.DigestField``) that these
lookups compare, under every index key (so rows written before an index-key rotation are found too). Start
from what the reader may see (``access.visibility.persons_visible_to``) and narrow it here.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sinergi.core.fields import lookup_digests

from .models import FamilyContact, IdentityDocument, Person


def persons_with_phone(persons: QuerySet, phone: str, *, family: bool = False) -> QuerySet:
    """Those of ``persons`` with this phone number (0812... and +62 812... match), or with a family contact
    who has it when ``family``."""
    digests = lookup_digests(Person, "phone", phone)
    if not digests:
        return persons.none()
    match = Q(phone_digest__in=digests)
    if family:
        match |= Q(pk__in=FamilyContact.objects.filter(phone_digest__in=digests).values("person_id"))
    return persons.filter(match)


def persons_with_email(persons: QuerySet, email: str) -> QuerySet:
    digests = lookup_digests(Person, "email", email)
    return persons.filter(email_digest__in=digests) if digests else persons.none()


def persons_with_document(persons: QuerySet, number: str, type: str | None = None) -> QuerySet:
    """Those of ``persons`` holding an identity document with this number (spaces, dashes and case ignored),
    of this type when given."""
    digests = lookup_digests(IdentityDocument, "number", number)
    if not digests:
        return persons.none()
    docs = IdentityDocument.objects.filter(number_digest__in=digests)
    if type:
        docs = docs.filter(type=type)
    return persons.filter(pk__in=docs.values("person_id"))
