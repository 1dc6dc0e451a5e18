"""Recruitment oversight writes: risk flags for placements and job orders and their review, linking cases to
recruiters and agencies, and looking a placement agency up from what the public types."""

from __future__ import annotations

import json
import re

from django.db import IntegrityError, transaction

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require_case, require_recruitment_oversight
from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, audit_log
from sinergi.core import clock
from sinergi.core.validation import Errors

from . import rules
from .enums import FlagResolution, FlagReviewDecision, IdentifierKind
from .models import CaseLink, PlacementAgency, Recruiter, RecruiterIdentifier, RiskFlag, RiskFlagReview
from django.utils.translation import gettext_lazy as _

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


def _stored(evidence: dict) -> dict:
    """The evidence as the JSON column gives it back, so a fresh hit compares equal to the stored one."""
    return json.loads(json.dumps(evidence or {}, default=str))


@transaction.atomic
def flags_refresh(subject_type: str, subject_id, offer: rules.Offer) -> list[RiskFlag]:
    """Raise a flag for every rule the offer breaks (once per rule and subject), with its reason (a message and
    its parameters, rendered in each reader's language) and evidence.

    A flag already raised keeps its review: an open one takes the fresh reason and evidence; a confirmed one stays
    as it was confirmed; a dismissed one stays dismissed unless its evidence changed, and is then reopened for
    review (recorded as a review by the rules and audited). Returns the flags raised or reopened."""
    hits = rules.evaluate(offer)
    existing = {f.rule_id: f for f in RiskFlag.objects.select_for_update().filter(
        subject_type=subject_type, subject_id=subject_id, rule__in=[h.rule.pk for h in hits])}
    raised = []
    for hit in hits:
        evidence = _stored(hit.evidence)
        msgid, params = hit.message.msgid, _stored(hit.message.params)
        flag = existing.get(hit.rule.pk)
        if flag is None:
            try:
                with transaction.atomic():
                    raised.append(RiskFlag.objects.create(rule=hit.rule, subject_type=subject_type,
                                                          subject_id=subject_id, reason_msgid=msgid,
                                                          reason_params=params, evidence=evidence))
            except IntegrityError:
                pass  # raised at the same moment by another run
        elif flag.resolution == FlagResolution.OPEN:
            fresh = (msgid, params, "", evidence)
            if (flag.reason_msgid, flag.reason_params, flag.reason_text, flag.evidence) != fresh:
                flag.reason_msgid, flag.reason_params, flag.reason_text, flag.evidence = msgid, params, "", evidence
                flag.save(update_fields=["reason_msgid", "reason_params", "reason_text", "evidence", "updated_at"])
        elif flag.resolution == FlagResolution.DISMISSED and flag.evidence != evidence:
            before = flag.evidence
            flag.reason_msgid, flag.reason_params, flag.reason_text, flag.evidence = msgid, params, "", evidence
            flag.resolution, flag.resolution_reason, flag.resolved_by, flag.resolved_at = FlagResolution.OPEN, "", None, None
            flag.save(update_fields=["reason_msgid", "reason_params", "reason_text", "evidence", "resolution",
                                     "resolution_reason", "resolved_by", "resolved_at", "updated_at"])
            RiskFlagReview.objects.create(flag=flag, decision=FlagReviewDecision.REOPENED, reviewed_by=None,
                                          reason=_("Dibuka kembali oleh aturan: bukti berubah."))
            audit_log(actor=SYSTEM, action=Action.UPDATE, object_type="risk_flag", object_id=flag.pk,
                      detail={"decision": FlagReviewDecision.REOPENED, "from": FlagResolution.DISMISSED,
                              "rule": hit.rule.code, "evidence_before": before, "evidence": evidence})
            raised.append(flag)
    return raised


def _locked_flag(flag) -> RiskFlag:
    return RiskFlag.objects.select_for_update().select_related("rule").get(pk=flag.pk)


def _reason(errors: Errors, reason: str) -> str:
    reason = (reason or "").strip()
    errors.required("reason", reason)
    if len(reason) > 2000:
        errors.add("reason", _("Terlalu panjang (maks. 2000 huruf)."))
    return reason


@transaction.atomic
def risk_flag_resolve(*, actor, flag: RiskFlag, decision: str, reason: str) -> RiskFlag:
    """Close an open flag as ``confirmed`` (a true concern, to act on) or ``dismissed`` (a false positive), with
    the reviewer's written reason. Oversight users only (PermissionDenied otherwise); ValidationError on
    ``decision`` or ``reason``. Records who, when, the decision and the reason, a review row and an audit row."""
    principal, agency_id = require_recruitment_oversight(actor)
    flag = _locked_flag(flag)
    errors = Errors()
    errors.required("decision", decision)
    errors.in_choices("decision", decision, [FlagResolution.CONFIRMED, FlagResolution.DISMISSED])
    reason = _reason(errors, reason)
    if decision in (FlagResolution.CONFIRMED, FlagResolution.DISMISSED) and not flag.is_open:
        errors.add("decision", _("Tanda risiko ini sudah ditinjau; buka kembali dulu."))
    errors.raise_if_any()
    flag.resolution, flag.resolution_reason, flag.resolved_by, flag.resolved_at = decision, reason, actor, clock.now()
    flag.save(update_fields=["resolution", "resolution_reason", "resolved_by", "resolved_at", "updated_at"])
    RiskFlagReview.objects.create(flag=flag, decision=decision, reason=reason, reviewed_by=actor)
    audit_log(actor=principal.actor(agency_id), action=Action.UPDATE, object_type="risk_flag", object_id=flag.pk,
              detail={"decision": decision, "from": FlagResolution.OPEN, "reason": reason, "rule": flag.rule.code,
                      "subject_type": flag.subject_type, "subject_id": str(flag.subject_id)})
    return flag


@transaction.atomic
def risk_flag_reopen(*, actor, flag: RiskFlag, reason: str) -> RiskFlag:
    """Reopen a confirmed or dismissed flag for review, with a written reason. Same permission, errors and records
    as ``risk_flag_resolve``; the earlier decision stays in the review history and the audit log."""
    principal, agency_id = require_recruitment_oversight(actor)
    flag = _locked_flag(flag)
    errors = Errors()
    reason = _reason(errors, reason)
    if flag.is_open:
        errors.add("decision", _("Tanda risiko ini masih terbuka."))
    errors.raise_if_any()
    before = flag.resolution
    flag.resolution, flag.resolution_reason, flag.resolved_by, flag.resolved_at = FlagResolution.OPEN, "", None, None
    flag.save(update_fields=["resolution", "resolution_reason", "resolved_by", "resolved_at", "updated_at"])
    RiskFlagReview.objects.create(flag=flag, decision=FlagReviewDecision.REOPENED, reason=reason, reviewed_by=actor)
    audit_log(actor=principal.actor(agency_id), action=Action.UPDATE, object_type="risk_flag", object_id=flag.pk,
              detail={"decision": FlagReviewDecision.REOPENED, "from": before, "reason": reason,
                      "rule": flag.rule.code, "subject_type": flag.subject_type, "subject_id": str(flag.subject_id)})
    return flag


@transaction.atomic
def case_link_recruiter(*, actor, case, recruiter_name: str = "", placement_agency=None,
                        identifiers: list[tuple[str, str]] | None = None, role: str = "") -> CaseLink:
    """Link a case to the recruiter (created if new, matched by identifier) and/or the placement agency."""
    principal = require_case(actor, case, Cap.CASE_EDIT)
    errors = Errors()
    identifiers = [(k, rules.normalise_identifier(k, v)) for k, v in (identifiers or []) if v]
    errors.in_choices("identifiers", [k for k, _ in identifiers], IdentifierKind.values)
    if not recruiter_name.strip() and placement_agency is None and not identifiers:
        errors.add("recruiter_name", _("Isi nama perekrut atau pilih perusahaan."))
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
