"""Roles to capabilities: the only place that says what a role may do."""

from enum import StrEnum

from sinergi.agencies.enums import Role


class Cap(StrEnum):
    CASE_VIEW = "case.view"              # see cases of the user's agency (personal data, masked by field)
    CASE_CREATE = "case.create"          # take reports, open cases
    CASE_EDIT = "case.edit"              # exploitation details, services, notes, attachments
    CASE_TRANSITION = "case.transition"  # move a case along the pathway
    CASE_CLOSE = "case.close"            # close a case with an outcome
    SCREEN = "screen"                    # screen a person against indicators, decide victim status
    PERSON_EDIT = "person.edit"          # edit survivor details, documents, contacts, consent
    CASE_IMPORT = "case.import"
    CASE_EXPORT = "case.export"          # identified export of the agency's cases
    AUDIT_VIEW = "audit.view"
    AGENCY_USERS = "agency.users"        # manage the agency's users and their roles
    REFERENCE_ADMIN = "reference.admin"  # agencies, regions, system settings
    AGGREGATES = "aggregates"            # de-identified figures only
    AGENCY_FIGURES = "analytics.agency"  # the aggregated figures of the user's own agency (its performance page)
    RELEASE = "analytics.release"        # the k-anonymous record-level release (CTDC shape)
    REFER = "referral.send"              # ask another agency to act on a case; withdraw the request
    REFERRAL_RESPOND = "referral.respond"  # acknowledge, accept, decline, complete a referral to the agency
    LINK_REVIEW = "linkage.review"       # review possible duplicates of the agency's persons; merge and unmerge


ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.INTAKE_OFFICER: frozenset({Cap.CASE_VIEW, Cap.CASE_CREATE, Cap.SCREEN, Cap.PERSON_EDIT, Cap.REFERRAL_RESPOND,
                                    Cap.AGENCY_FIGURES}),
    Role.CASE_MANAGER: frozenset({
        Cap.CASE_VIEW, Cap.CASE_CREATE, Cap.CASE_EDIT, Cap.CASE_TRANSITION, Cap.SCREEN, Cap.PERSON_EDIT,
        Cap.CASE_IMPORT, Cap.REFER, Cap.REFERRAL_RESPOND, Cap.AGENCY_FIGURES, Cap.LINK_REVIEW,
    }),
    Role.SUPERVISOR: frozenset({
        Cap.CASE_VIEW, Cap.CASE_CREATE, Cap.CASE_EDIT, Cap.CASE_TRANSITION, Cap.CASE_CLOSE, Cap.SCREEN,
        Cap.PERSON_EDIT, Cap.CASE_IMPORT, Cap.CASE_EXPORT, Cap.AUDIT_VIEW, Cap.AGGREGATES, Cap.REFER,
        Cap.REFERRAL_RESPOND, Cap.AGENCY_FIGURES, Cap.LINK_REVIEW,
    }),
    Role.AGENCY_ADMIN: frozenset({Cap.AGENCY_USERS, Cap.AUDIT_VIEW}),
    Role.ANALYST: frozenset({Cap.AGGREGATES, Cap.RELEASE}),
    Role.SYSTEM_ADMIN: frozenset({Cap.REFERENCE_ADMIN, Cap.AGENCY_USERS, Cap.AUDIT_VIEW}),
}

# Roles that work with personal data at all. Everyone else sees aggregates or nothing.
CASEWORK_ROLES = frozenset(r for r, caps in ROLE_CAPS.items() if Cap.CASE_VIEW in caps)
