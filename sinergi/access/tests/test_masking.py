"""Sensitive fields and masking: who may reveal what, and what everyone else sees."""

import pytest

from sinergi.access.masking import MASK, MAY_REVEAL, SENSITIVE_FIELDS, Sensitivity, mask, mask_text, may_reveal, present
from sinergi.agencies.enums import Role

I, M, S, AA, AN, SA = (Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.ANALYST,
                       Role.SYSTEM_ADMIN)

# (role, sensitivity) -> may reveal
TABLE = {
    Sensitivity.IDENTITY: {I: False, M: True, S: True, AA: False, AN: False, SA: False},
    Sensitivity.CONTACT: {I: True, M: True, S: True, AA: False, AN: False, SA: False},
    Sensitivity.ADDRESS: {I: True, M: True, S: True, AA: False, AN: False, SA: False},
}


@pytest.mark.parametrize("sensitivity", list(Sensitivity))
@pytest.mark.parametrize("role", list(Role))
def test_may_reveal_table(sensitivity, role):
    assert may_reveal({role}, sensitivity) is TABLE[sensitivity][role]
    assert (role in MAY_REVEAL[sensitivity]) is TABLE[sensitivity][role]


def test_aggregate_roles_never_reveal_anything():
    for sensitivity in Sensitivity:
        assert not may_reveal({AN, AA, SA}, sensitivity)


def test_sensitive_fields_cover_documents_contacts_and_addresses():
    assert SENSITIVE_FIELDS[("people.IdentityDocument", "number")] is Sensitivity.IDENTITY
    assert SENSITIVE_FIELDS[("cases.Case", "travel_document_number")] is Sensitivity.IDENTITY
    for field in ("phone", "email"):
        assert SENSITIVE_FIELDS[("people.Person", field)] is Sensitivity.CONTACT
    assert SENSITIVE_FIELDS[("people.Person", "address")] is Sensitivity.ADDRESS
    assert SENSITIVE_FIELDS[("intake.Report", "reporter_contact")] is Sensitivity.CONTACT
    assert ("people.Person", "full_name") not in SENSITIVE_FIELDS


@pytest.mark.parametrize("value, expected", [
    ("081234567890", MASK * 9 + "890"),
    ("5301044101990001", MASK * 13 + "001"),
    ("C123456", MASK * 4 + "456"),
    ("12345", MASK * 5),        # short values are masked whole
    ("123456", MASK * 6),
    ("", ""),
    (None, ""),
])
def test_mask(value, expected):
    assert mask(value) == expected


def test_mask_text_hides_length():
    assert mask_text("Jl. Merdeka 1, RT 02/RW 05, Kupang") == MASK * 6
    assert mask_text("x") == MASK * 6
    assert mask_text("") == "" and mask_text(None) == ""


def test_present():
    nik = "5301044101990001"
    # Masked by default, even for a role that may reveal.
    assert present("people.IdentityDocument", "number", nik, roles={S}, revealed=set()) == mask(nik)
    # Revealed only when asked and allowed.
    assert present("people.IdentityDocument", "number", nik, roles={S}, revealed={Sensitivity.IDENTITY}) == nik
    assert present("people.IdentityDocument", "number", nik, roles={I}, revealed={Sensitivity.IDENTITY}) == mask(nik)
    assert present("people.Person", "address", "Jl. Merdeka 1", roles={AN}, revealed={Sensitivity.ADDRESS}) == \
        MASK * 6
    assert present("people.Person", "phone", "081234567890", roles={I}, revealed={Sensitivity.CONTACT}) == \
        "081234567890"
    # A field with another sensitivity revealed stays masked.
    assert present("people.Person", "phone", "081234567890", roles={S}, revealed={Sensitivity.ADDRESS}) != \
        "081234567890"
    # Fields that are not sensitive pass through.
    assert present("people.Person", "full_name", "Siti", roles=set(), revealed=set()) == "Siti"
