"""Need to know: which sections of a case a user may see. The lead agency sees the whole case; an agency a
case is referred to sees only the sections chosen for its active referrals, and only while they are active."""

from __future__ import annotations

from .principal import Principal

ALL = "all"


def case_sections_for(user, case) -> set[str]:
    from sinergi.referrals.enums import ACTIVE
    from sinergi.referrals.models import Referral

    principal = Principal.of(user)
    agency_ids = set(principal.casework_agency_ids)
    if case.lead_agency_id in agency_ids:
        return {ALL}
    sections: set[str] = set()
    for shared in Referral.objects.filter(case=case, to_agency_id__in=agency_ids, status__in=ACTIVE).values_list(
            "sections", flat=True):
        sections.update(shared)
    return sections


def may_see(sections: set[str], section: str) -> bool:
    return ALL in sections or section in sections


def case_sections_for_many(user, cases) -> dict:
    """``case_sections_for`` for a page of cases, in at most one query (list pages)."""
    from sinergi.referrals.enums import ACTIVE
    from sinergi.referrals.models import Referral

    agency_ids = set(Principal.of(user).casework_agency_ids)
    result: dict = {c.pk: {ALL} for c in cases if c.lead_agency_id in agency_ids}
    others = [c.pk for c in cases if c.pk not in result]
    for pk in others:
        result[pk] = set()
    if others:
        for case_id, shared in Referral.objects.filter(case_id__in=others, to_agency_id__in=agency_ids,
                                                       status__in=ACTIVE).values_list("case_id", "sections"):
            result[case_id].update(shared)
    return result
