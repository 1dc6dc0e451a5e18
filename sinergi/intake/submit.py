"""One intake, start to finish, in one transaction: the report, the person it is about, the screening, and
opening a case or linking it to an existing one. Used by the intake page; each step is the ordinary service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from sinergi.access.visibility import cases_visible_to
from sinergi.core.errors import NotFound
from sinergi.core.validation import field_error
from sinergi.people.services import consent_record, person_create

from .routing import is_reporting_office
from .services import report_create, report_link_case, report_open_case, screening_record
from .triage import report_file_onward
from django.utils.translation import gettext_lazy as _

OPEN, LINK, NONE = "open", "link", "none"


@dataclass
class IntakeResult:
    report: Any
    person: Any
    screening: Any
    case: Any


@transaction.atomic
def intake_submit(*, actor, agency_id, report: dict[str, Any], person: dict[str, Any], aliases: list[str],
                  screening: dict[str, Any] | None, decision: str, link_reference: str = "",
                  case_details: dict[str, Any] | None = None,
                  consents: list[dict[str, Any]] | None = None) -> IntakeResult:
    """Report, person, screening and the decision in one transaction. Linking to a case the agency may not see
    in full (another agency's, or one only referred to it) raises NotFound("link_reference"), and nothing is
    written. ``consents``: the survivor's answers taken at intake (``people.services.consent_record``'s
    arguments), recorded for the new person."""
    if decision not in (OPEN, LINK, NONE):
        raise field_error("decision", _("Pilihan tidak dikenal."))
    from sinergi.agencies.models import Agency

    if is_reporting_office(Agency.objects.filter(pk=agency_id).first()):
        # A village or district office files the report onward; the receiving services screen and decide.
        subject = person_create(actor=actor, agency_id=agency_id, data=person, aliases=aliases)
        rep = report_file_onward(actor=actor, office_id=agency_id, data=report, subject=subject)
        return IntakeResult(rep, subject, None, None)
    linked = None
    if decision == LINK:
        ref = (link_reference or "").strip().upper()
        linked = cases_visible_to(actor).filter(reference=ref).first()
        if linked is None:
            raise NotFound("link_reference")
    subject = person_create(actor=actor, agency_id=agency_id, data=person, aliases=aliases)
    for answer in consents or ():
        consent_record(actor=actor, person=subject, agency_id=agency_id, **answer)
    rep = report_create(actor=actor, agency_id=agency_id, data=report, subject=subject)
    scr = None
    if screening and (screening.get("ilo_indicators") or screening.get("delphi_items") or screening.get("victim_status")):
        scr = screening_record(actor=actor, agency_id=agency_id, report=rep, **screening)
    case = None
    if decision == OPEN:
        case = report_open_case(actor=actor, report=rep, survivor=subject, details=case_details or {})
    elif decision == LINK:
        try:
            report_link_case(actor=actor, report=rep, case=linked)
        except NotFound:
            # Not the agency's case to link (e.g. one only referred to it): the report names its survivor.
            raise NotFound("link_reference") from None
        case = linked
    return IntakeResult(rep, subject, scr, case)
