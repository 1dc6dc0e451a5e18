"""Field sensitivity and masking.

Identity documents, contacts and addresses are shown masked to every role by default. Roles that need them
may reveal them with a stated purpose, which is audited (``Action.REVEAL``); other roles never see them.
"""

from __future__ import annotations

from enum import StrEnum

from sinergi.agencies.enums import Role


class Sensitivity(StrEnum):
    IDENTITY = "identity"   # NIK, passport and travel document numbers
    CONTACT = "contact"     # phone numbers, e-mail addresses
    ADDRESS = "address"     # street addresses


MAY_REVEAL: dict[Sensitivity, frozenset[str]] = {
    Sensitivity.IDENTITY: frozenset({Role.CASE_MANAGER, Role.SUPERVISOR}),
    Sensitivity.CONTACT: frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.INTAKE_OFFICER}),
    Sensitivity.ADDRESS: frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.INTAKE_OFFICER}),
}

# (model label, field) -> sensitivity. Serializers and pages consult this, never their own lists.
SENSITIVE_FIELDS: dict[tuple[str, str], Sensitivity] = {
    ("people.Person", "phone"): Sensitivity.CONTACT,
    ("people.Person", "email"): Sensitivity.CONTACT,
    ("people.Person", "address"): Sensitivity.ADDRESS,
    ("people.IdentityDocument", "number"): Sensitivity.IDENTITY,
    ("people.FamilyContact", "phone"): Sensitivity.CONTACT,
    ("people.FamilyContact", "address"): Sensitivity.ADDRESS,
    ("cases.Case", "travel_document_number"): Sensitivity.IDENTITY,
    ("intake.Report", "reporter_contact"): Sensitivity.CONTACT,
}

MASK = "•"


def may_reveal(roles: set[str], sensitivity: Sensitivity) -> bool:
    return bool(roles & MAY_REVEAL[sensitivity])


def mask(value: str | None, keep_last: int = 3) -> str:
    """``081234567890`` -> ``•••••••••890``; short values are masked whole."""
    if not value:
        return value or ""
    value = str(value)
    if len(value) <= keep_last + 3:
        return MASK * len(value)
    return MASK * (len(value) - keep_last) + value[-keep_last:]


def mask_text(value: str | None) -> str:
    return MASK * 6 if value else ""


def present(model_label: str, field: str, value, *, roles: set[str], revealed: set[Sensitivity]) -> object:
    """The value as this viewer may see it."""
    sensitivity = SENSITIVE_FIELDS.get((model_label, field))
    if sensitivity is None:
        return value
    if sensitivity in revealed and may_reveal(roles, sensitivity):
        return value
    if sensitivity is Sensitivity.ADDRESS:
        return mask_text(value)
    return mask(value)
