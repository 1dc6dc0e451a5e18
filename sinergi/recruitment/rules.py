"""Risk rules for recruitment. Each rule row (``RiskRule``) names a kind implemented here and carries the
parameters an administrator tunes; switching a rule off or changing its numbers needs no code.

A rule looks at an ``Offer``: what is known about one recruitment, whether a registered placement, a job order or
what a job seeker typed into the public check. It returns a reason (a message and its parameters, ``reasons``, read
in each reader's language) and evidence, or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import reasons
from .enums import SOCIAL_CHANNELS, LicenceStatus, RiskLevel, VisaType
from .reasons import Reason, reason


@dataclass
class Offer:
    on: dt.date
    agency: object | None = None           # PlacementAgency found in the registry, if any
    agency_given: str = ""                 # what the person typed (name or licence number)
    destination: str = ""                  # ISO alpha-2
    position: str = ""
    monthly_pay_usd: Decimal | None = None
    needs_qualification: bool | None = None
    channels: list[str] = field(default_factory=list)
    visa: str = ""
    fee_idr: Decimal | None = None
    job_order: object | None = None
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (kind, normalised value)


@dataclass
class Hit:
    rule: object
    message: Reason
    evidence: dict

    @property
    def reason(self) -> str:
        """The reason in the active language."""
        return str(self.message)


def normalise_identifier(kind: str, value: str) -> str:
    value = (value or "").strip().lower()
    if kind in ("phone", "bank"):
        digits = re.sub(r"\D", "", value)
        if kind == "phone" and digits.startswith("0"):
            digits = "62" + digits[1:]  # 0812... and +62812... are the same Indonesian number
        return digits
    return value.lstrip("@")


def licence_event_on(agency, day: dt.date):
    """The licence history's entry in force on ``day`` (its status and the date it took effect), or None."""
    current = None
    for event in agency.licence_events.all():
        if event.effective_from <= day:
            current = event
    return current


def licence_status_on(agency, day: dt.date) -> str | None:
    event = licence_event_on(agency, day)
    return event.status if event is not None else None


# --- the checks --------------------------------------------------------------------------------------------

Result = tuple[Reason, dict] | None


def non_official_destination(offer: Offer, params: dict) -> Result:
    official = {c.upper() for c in params.get("official", [])}
    if offer.destination and offer.destination.upper() not in official:
        # The country by its code: its name is written in the reader's language ("Kamboja", "Cambodia").
        return (reason(reasons.NON_OFFICIAL_DESTINATION, country=reasons.country(offer.destination)),
                {"destination": offer.destination})
    return None


def agency_not_licensed(offer: Offer, params: dict) -> Result:
    if offer.agency is None:
        if offer.agency_given or params.get("require_agency", True):
            return reason(reasons.AGENCY_NOT_FOUND), {"given": offer.agency_given}
        return None
    event = licence_event_on(offer.agency, offer.on)
    status = event.status if event is not None else None
    if status != LicenceStatus.ACTIVE:
        # The date is the licence history's own (when the suspension or revocation took effect), never the day
        # of the check or of the departure.
        if event is None:
            return (reason(reasons.LICENCE_NOT_YET, agency=str(offer.agency)),
                    {"agency": str(offer.agency.pk), "status": "none"})
        msgid = {LicenceStatus.SUSPENDED: reasons.LICENCE_SUSPENDED,
                 LicenceStatus.REVOKED: reasons.LICENCE_REVOKED}.get(status, reasons.LICENCE_INACTIVE)
        return (reason(msgid, agency=str(offer.agency), since=reasons.date(event.effective_from)),
                {"agency": str(offer.agency.pk), "status": status, "since": event.effective_from.isoformat()})
    return None


def job_order_not_approved(offer: Offer, params: dict) -> Result:
    jo = offer.job_order
    if jo is None:
        return None
    if not jo.approved:
        return reason(reasons.JOB_ORDER_NOT_APPROVED), {"job_order": jo.reference}
    if jo.valid_until and jo.valid_until < offer.on:
        return (reason(reasons.JOB_ORDER_EXPIRED),
                {"job_order": jo.reference, "valid_until": str(jo.valid_until)})
    placed = jo.placements.count()
    if placed > jo.quota:
        return (reason(reasons.OVER_QUOTA, placed=placed, quota=jo.quota),
                {"job_order": jo.reference, "placed": placed, "quota": jo.quota})
    return None


def tourist_visa(offer: Offer, params: dict) -> Result:
    if offer.visa in (VisaType.TOURIST, VisaType.VISIT):
        return reason(reasons.TOURIST_VISA), {"visa": offer.visa}
    return None


def pay_above_norm(offer: Offer, params: dict) -> Result:
    if offer.monthly_pay_usd is None:
        return None
    limit = Decimal(str(params.get("max_usd_unskilled", 800)))
    words = [w.lower() for w in params.get("unskilled_positions", [])]
    unskilled = offer.needs_qualification is False or any(w in offer.position.lower() for w in words)
    if unskilled and offer.monthly_pay_usd > limit:
        usd = offer.monthly_pay_usd.quantize(Decimal("1"))
        return (reason(reasons.PAY_ABOVE_NORM, pay=reasons.money(usd, "USD"),
                       limit=reasons.money(limit.quantize(Decimal("1")), "USD")),
                {"usd": str(offer.monthly_pay_usd), "limit": str(limit)})
    return None


def social_media_only(offer: Offer, params: dict) -> Result:
    if offer.channels and all(c in SOCIAL_CHANNELS for c in offer.channels):
        return reason(reasons.SOCIAL_MEDIA_ONLY), {"channels": offer.channels}
    return None


def fees_charged(offer: Offer, params: dict) -> Result:
    limit = Decimal(str(params.get("max_idr", 0)))
    if offer.fee_idr is not None and offer.fee_idr > limit:
        return (reason(reasons.FEES_CHARGED, fee=reasons.money(offer.fee_idr.quantize(Decimal("1")), "IDR")),
                {"fee_idr": str(offer.fee_idr)})
    return None


def shared_identifier(offer: Offer, params: dict) -> Result:
    from .models import CaseLink

    minimum = int(params.get("min_cases", 2))
    for kind, value in offer.identifiers:
        if not value:
            continue
        n = CaseLink.objects.filter(recruiter__identifiers__kind=kind, recruiter__identifiers__value=value) \
            .values("case_id").distinct().count()
        if n >= minimum:
            return reason(reasons.SHARED_IDENTIFIER, n=n), {"kind": kind, "cases": n}
    return None


CHECKS = {
    "non_official_destination": non_official_destination,
    "agency_not_licensed": agency_not_licensed,
    "job_order_not_approved": job_order_not_approved,
    "tourist_visa": tourist_visa,
    "pay_above_norm": pay_above_norm,
    "social_media_only": social_media_only,
    "fees_charged": fees_charged,
    "shared_identifier": shared_identifier,
}


def evaluate(offer: Offer, rules=None) -> list[Hit]:
    from .models import RiskRule

    rules = list(rules if rules is not None else RiskRule.objects.filter(enabled=True))
    hits = []
    for rule in rules:
        check = CHECKS.get(rule.kind)
        if check is None:
            continue
        result = check(offer, rule.params or {})
        if result:
            message, evidence = result
            hits.append(Hit(rule, message, evidence))
    return hits


def level(hits: list[Hit]) -> str:
    if any(h.rule.weight >= 3 for h in hits) or sum(h.rule.weight for h in hits) >= 5:
        return RiskLevel.HIGH
    if hits and sum(h.rule.weight for h in hits) >= 2:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW
