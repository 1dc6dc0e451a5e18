"""What the interface may offer a user: menu entries and actions, derived from capabilities (never from roles
in templates)."""

from __future__ import annotations

from .capabilities import Cap
from .masking import Sensitivity
from .principal import Principal


def menu_flags(user) -> dict[str, bool]:
    if not getattr(user, "is_authenticated", False):
        return {}
    p = Principal.of(user)
    casework = has_case_list(user)
    filing_only = files_reports_only(user)
    return {
        "casework": casework,
        "intake": p.can(Cap.CASE_CREATE),
        "import": p.can(Cap.CASE_IMPORT),
        "export": p.can(Cap.CASE_EXPORT),
        "users": p.can(Cap.AGENCY_USERS),
        "aggregates": p.can(Cap.AGGREGATES),
        "reference": p.can(Cap.REFERENCE_ADMIN),
        "exchange": p.can(Cap.AUDIT_VIEW) or p.can(Cap.REFERENCE_ADMIN),
        "performance": p.can(Cap.AGGREGATES) or p.can(Cap.AUDIT_VIEW),
        "analytics": p.can(Cap.AGGREGATES),
        # A village office's own figures would be empty: it receives no referrals and leads no case.
        "agency_figures": p.can(Cap.AGGREGATES) or (p.can(Cap.AGENCY_FIGURES) and not filing_only),
        "release": p.can(Cap.RELEASE),
        "recruitment": _oversees_recruitment(user),
        "notices": casework or (filing_only and _received_notices(user)),
        "notice_issue": bool(notice_issuing_agencies(user)),
        **_report_flags(user, p),
        "link_review": p.can(Cap.LINK_REVIEW),
    }


def _report_flags(user, p: Principal) -> dict[str, bool]:
    """Who triages reports (an inbox) and who files them onward (a village or district office: "my reports", and
    the hotlines to give residents)."""
    from .reporting import filing_office_ids, triage_agency_ids

    if not p.can(Cap.CASE_CREATE):
        return {"inbox": False, "my_reports": False, "hotlines": False}
    filing = bool(filing_office_ids(user))
    return {"inbox": bool(triage_agency_ids(user)), "my_reports": filing, "hotlines": filing}


def files_reports_only(user) -> bool:
    """Whether every agency where the user does casework is a village or district office: one that files reports
    onward to the regency's services and follows them, and leads no case."""
    p = Principal.of(user)
    casework = set(p.casework_agency_ids)
    return bool(casework) and casework <= set(p.reporting_office_ids)


def has_case_list(user) -> bool:
    """Whether the interface offers the user a case list: a casework role in an agency that leads cases; in a
    village or district office only when cases reach it anyway (a referral to it, or a case it led before its
    reports went onward), so that its menu never leads to an empty list."""
    p = Principal.of(user)
    if not p.casework_agency_ids:
        return False
    if not files_reports_only(user):
        return True
    cached = getattr(p, "_has_cases", None)
    if cached is None:
        from .visibility import cases_visible_to

        cached = p._has_cases = cases_visible_to(user).exists()
    return cached


def _received_notices(user) -> bool:
    from . import sources

    recipients = sources.get("notice_recipient").objects
    return recipients.filter(agency_id__in=Principal.of(user).casework_agency_ids).exists()


def notice_issuing_agencies(user) -> list:
    """Agencies in whose name the user may issue a notice (``notice_issue`` requires this capability there)."""
    p = Principal.of(user)
    casework = set(p.casework_agency_ids)
    return [a for a in p.agencies_with(Cap.REFER) if a in casework]


def notice_actions(user, notice) -> dict[str, bool]:
    """What the user may do on a notice they can see: recipients answer; the issuing agency opens referrals from
    answers (only when the notice is about one of its cases) and closes the notice."""
    p = Principal.of(user)
    ids = set(p.casework_agency_ids)
    issuer_caps = p.caps_in(notice.issued_by_id)
    is_open = notice.status == "open"
    recipient = notice.issued_by_id not in ids and notice.recipients.filter(pk__in=ids).exists()
    return {
        "issuer": notice.issued_by_id in ids,
        "answer": recipient,  # the page offers the form while the notice is open; the service refuses afterwards
        "refer": Cap.REFER in issuer_caps and notice.case_id is not None,
        "close": Cap.REFER in issuer_caps and is_open,
    }


def _oversees_recruitment(user) -> bool:
    from sinergi.core.errors import PermissionDenied

    from .policy import require_recruitment_oversight

    try:
        require_recruitment_oversight(user)
        return True
    except PermissionDenied:
        return False


def case_actions(user, case, sight=None) -> dict[str, bool]:
    """What the case page offers: writes need the capability in the case's lead agency; revealing masked fields
    needs a role that may, in the agency the case is seen through, and the section shared (``Sight.may_reveal``)."""
    from .sections import sight_of

    sight = sight if sight is not None else sight_of(user, case)
    p = Principal.of(user)
    caps = p.caps_in(case.lead_agency_id)
    return {
        "caps": frozenset(caps),  # what the rules of other apps check against (e.g. the case's possible moves)
        "edit": Cap.CASE_EDIT in caps,
        "transition": Cap.CASE_TRANSITION in caps,
        "close": Cap.CASE_CLOSE in caps,
        "screen": Cap.SCREEN in caps,
        "refer": Cap.REFER in caps,
        "consent": Cap.PERSON_EDIT in caps,
        "reveal_identity": sight.may_reveal(Sensitivity.IDENTITY),
        "reveal_contact": sight.may_reveal(Sensitivity.CONTACT),
        "reveal_address": sight.may_reveal(Sensitivity.ADDRESS),
    }
