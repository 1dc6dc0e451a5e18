"""Recruitment oversight writes: risk flags for placements and job orders, linking cases to recruiters and
agencies, and looking a placement agency up from what the public types."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require_case
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core import clock
from sinergi.core.validation import Errors

from . import rules
from .enums import IdentifierKind
from .models import CaseLink, PlacementAgency, Recruiter, RecruiterIdentifier, RiskFlag

_NOISE = re.compile(r"\b(pt|cv|tbk|persero)\b|[^a-z0-9 ]")


def name_key(name: str) -> str:
    return " ".join(_NOISE.sub(" ", (name or "").lower()).split())


def agency_lookup(text: str) -> PlacementAgency | None:
    """A registered placement agency by licence number or (normalised) name."""
    text = (text or "").strip()
    if not text:
        return None
    by_licence = PlacementAgency.objects.filter(licence_number__iexact=text).prefetch_related("licence_events").first()
    if by_licence:
        return by_licence
    key = name_key(text)
    return PlacementAgency.objects.filter(name_key=key).prefetch_related("licence_events").first() if key else None


def offer_for_placement(placement) -> rules.Offer:
    jo = placement.job_order
    return rules.Offer(on=placement.departure_date or clock.today(), agency=jo.agency, agency_given=jo.agency.licence_number,
                       destination=jo.destination_id, position=jo.position, visa=placement.visa_type, job_order=jo)


@transaction.atomic
def flags_refresh(subject_type: str, subject_id, offer: rules.Offer) -> list[RiskFlag]:
    """Raise a flag for every rule the offer breaks (once per rule and subject), with reason and evidence."""
    created = []
    for hit in rules.evaluate(offer):
        try:
            with transaction.atomic():
                created.append(RiskFlag.objects.create(rule=hit.rule, subject_type=subject_type, subject_id=subject_id,
                                                       reason=hit.reason, evidence=hit.evidence))
        except IntegrityError:
            pass  # already flagged for this rule
    return created


@transaction.atomic
def case_link_recruiter(*, actor, case, recruiter_name: str = "", placement_agency=None,
                        identifiers: list[tuple[str, str]] | None = None, role: str = "") -> CaseLink:
    """Link a case to the recruiter (created if new, matched by identifier) and/or the placement agency."""
    principal = require_case(actor, case, Cap.CASE_EDIT)
    errors = Errors()
    identifiers = [(k, rules.normalise_identifier(k, v)) for k, v in (identifiers or []) if v]
    errors.in_choices("identifiers", [k for k, _ in identifiers], IdentifierKind.values)
    if not recruiter_name.strip() and placement_agency is None and not identifiers:
        errors.add("recruiter_name", "Isi nama perekrut atau pilih perusahaan / give a recruiter or an agency.")
    errors.raise_if_any()
    recruiter = None
    if recruiter_name.strip() or identifiers:
        for kind, value in identifiers:
            match = RecruiterIdentifier.objects.filter(kind=kind, value=value).select_related("recruiter").first()
            if match:
                recruiter = match.recruiter
                break
        if recruiter is None:
            recruiter = Recruiter.objects.create(name=recruiter_name.strip() or "(tanpa nama)",
                                                 placement_agency=placement_agency)
        for kind, value in identifiers:
            RecruiterIdentifier.objects.get_or_create(recruiter=recruiter, kind=kind, value=value)
    link = CaseLink.objects.create(case=case, recruiter=recruiter, placement_agency=placement_agency, role=role[:60],
                                   linked_by=actor)
    audit_log(actor=principal.actor(case.lead_agency_id), action=Action.CREATE, object_type="case_link",
              object_id=link.pk, detail={"case": str(case.pk), "recruiter": str(recruiter.pk) if recruiter else None,
                                         "placement_agency": str(placement_agency.pk) if placement_agency else None})
    if recruiter is not None:
        flags_refresh("recruiter", recruiter.pk, rules.Offer(on=clock.today(), agency=placement_agency,
                                                               identifiers=identifiers))
    return link
