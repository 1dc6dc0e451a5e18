"""Need to know: which sections of a case a user may see, and through which agency. The one decision.

The lead agency sees the whole case (``ALL``); an agency the case is referred to sees only the sections chosen for
its active referrals, and only while they are active; everyone else (aggregate roles, other agencies, agency and
system administrators) sees nothing of it. ``access.projection`` turns a case into exactly what a ``Sight``
allows; nothing else decides what a reader is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import sources
from .masking import Sensitivity, may_reveal
from .principal import Principal

ALL = "all"
# The sections a referral can share. The names are ``referrals.enums.Section``'s values (a test keeps the two
# equal): ``access`` decides on them, the referrals app labels them for people.
IDENTITY = "identity"          # name, aliases, sex, age, citizenship, origin (village, regency, province)
CONTACT = "contact"            # the survivor's phone, e-mail and address; family contacts
DOCUMENTS = "documents"        # identity document numbers, the travel document number
EXPLOITATION = "exploitation"  # victim status, HTCDS exploitation details, summary
LOCATION = "location"          # country and city of exploitation
SERVICES = "services"
NOTES = "notes"
ATTACHMENTS = "attachments"
SECTIONS = (IDENTITY, CONTACT, DOCUMENTS, EXPLOITATION, LOCATION, SERVICES, NOTES, ATTACHMENTS)

# Which section a masked field belongs to: a reader may reveal only what was shared with them.
SENSITIVITY_SECTION: dict[Sensitivity, str] = {
    Sensitivity.IDENTITY: DOCUMENTS,
    Sensitivity.CONTACT: CONTACT,
    Sensitivity.ADDRESS: CONTACT,
}


@dataclass(frozen=True)
class Sight:
    """How one user sees one case: the agency they see it through (the lead agency, or the agency it was referred
    to), their roles there, and the sections they may see. ``visible`` is False for a case they may not know of."""

    agency_id: Any = None
    sections: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def visible(self) -> bool:
        return self.agency_id is not None

    @property
    def full(self) -> bool:
        return ALL in self.sections

    def may(self, section: str) -> bool:
        return may_see(self.sections, section)

    def may_reveal(self, sensitivity: Sensitivity) -> bool:
        """Masked fields of this sensitivity may be revealed: the role may, and their section was shared."""
        return self.may(SENSITIVITY_SECTION[sensitivity]) and may_reveal(set(self.roles), sensitivity)

    def effective(self, revealed) -> frozenset[Sensitivity]:
        """What of ``revealed`` (asked for, e.g. kept in the session) this reader really gets unmasked."""
        return frozenset(s for s in (Sensitivity(r) for r in revealed or ()) if self.may_reveal(s))


NOTHING = Sight()


def may_see(sections, section: str) -> bool:
    return ALL in sections or section in sections


def _active_shares(case_ids, agency_ids) -> list[tuple[Any, Any, list]]:
    """(case id, receiving agency id, sections) of the active referrals of ``case_ids`` to ``agency_ids``."""
    ACTIVE, Referral = sources.get("referral_active"), sources.get("referral")

    return list(Referral.objects.filter(case_id__in=list(case_ids), to_agency_id__in=list(agency_ids),
                                        status__in=ACTIVE).values_list("case_id", "to_agency_id", "sections"))


def sights_of(user, cases) -> dict[Any, Sight]:
    """``case.pk -> Sight`` for a page of cases, in at most one query (none when the user leads them all)."""
    principal = Principal.of(user)
    agency_ids = set(principal.casework_agency_ids)
    result: dict[Any, Sight] = {}
    others = []
    for c in cases:
        if c.lead_agency_id in agency_ids:
            result[c.pk] = Sight(c.lead_agency_id, frozenset({ALL}), frozenset(principal.roles_in(c.lead_agency_id)))
        else:
            result[c.pk] = NOTHING
            others.append(c.pk)
    if others and agency_ids:
        shared: dict[Any, tuple[set, set]] = {}
        for case_id, agency_id, sections in _active_shares(others, agency_ids):
            agencies, seen = shared.setdefault(case_id, (set(), set()))
            agencies.add(agency_id)
            seen.update(s for s in sections or () if s in SECTIONS)
        for case_id, (agencies, seen) in shared.items():
            # Several of the user's agencies may have been asked: the case is seen through one of them, always the
            # same one, so that masking and the audit trail name one agency.
            through = min(agencies, key=str)
            result[case_id] = Sight(through, frozenset(seen), frozenset(principal.roles_in(through)))
    return result


def sight_of(user, case) -> Sight:
    """The ``Sight`` of one case (at most one query)."""
    return sights_of(user, [case])[case.pk]


def case_sections_for(user, case) -> set[str]:
    """The sections ``user`` may see of ``case`` (``{ALL}`` for its lead agency, empty for a stranger)."""
    return set(sight_of(user, case).sections)


def case_sections_for_many(user, cases) -> dict:
    """``case_sections_for`` for a page of cases, in at most one query (list pages)."""
    return {pk: set(s.sections) for pk, s in sights_of(user, cases).items()}
