"""Risk rules for recruitment. Each rule row (``RiskRule``) names a kind implemented here and carries the
parameters an administrator tunes; switching a rule off or changing its numbers needs no code.

A rule looks at an ``Offer``: what is known about one recruitment, whether a registered placement, a job order or
what a job seeker typed into the public check. It returns a reason (plain words) and evidence, or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .enums import SOCIAL_CHANNELS, LicenceStatus, RiskLevel, VisaType


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
    reason: str
    evidence: dict


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


def _country_name(code: str) -> str:
    """A country by its Indonesian name, as the reason is written (never its code: "Kamboja", not "KH")."""
    from sinergi.regions.models import Country

    country = Country.objects.filter(code=code.upper()).only("name", "name_id").first()
    return (country.name_id or country.name) if country else code


# --- the checks --------------------------------------------------------------------------------------------

def non_official_destination(offer: Offer, params: dict) -> tuple[str, dict] | None:
    official = {c.upper() for c in params.get("official", [])}
    if offer.destination and offer.destination.upper() not in official:
        return (f"{_country_name(offer.destination)} bukan negara tujuan resmi penempatan pekerja migran Indonesia.",
                {"destination": offer.destination})
    return None


def agency_not_licensed(offer: Offer, params: dict) -> tuple[str, dict] | None:
    if offer.agency is None:
        if offer.agency_given or params.get("require_agency", True):
            return ("Perusahaan tidak ditemukan dalam daftar perusahaan penempatan berizin (P3MI).",
                    {"given": offer.agency_given})
        return None
    event = licence_event_on(offer.agency, offer.on)
    status = event.status if event is not None else None
    if status != LicenceStatus.ACTIVE:
        # The date is the licence history's own (when the suspension or revocation took effect), never the day
        # of the check or of the departure.
        if event is None:
            return (f"Izin {offer.agency} belum berlaku.", {"agency": str(offer.agency.pk), "status": "none"})
        label = {"suspended": "dibekukan", "revoked": "dicabut"}.get(status, "tidak aktif")
        return (f"Izin {offer.agency} {label} sejak {event.effective_from:%d-%m-%Y}.",
                {"agency": str(offer.agency.pk), "status": status, "since": event.effective_from.isoformat()})
    return None


def job_order_not_approved(offer: Offer, params: dict) -> tuple[str, dict] | None:
    jo = offer.job_order
    if jo is None:
        return None
    if not jo.approved:
        return ("Job order belum disetujui.", {"job_order": jo.reference})
    if jo.valid_until and jo.valid_until < offer.on:
        return ("Job order sudah tidak berlaku.", {"job_order": jo.reference, "valid_until": str(jo.valid_until)})
    placed = jo.placements.count()
    if placed > jo.quota:
        return (f"Penempatan ({placed}) melebihi kuota job order ({jo.quota}).",
                {"job_order": jo.reference, "placed": placed, "quota": jo.quota})
    return None


def tourist_visa(offer: Offer, params: dict) -> tuple[str, dict] | None:
    if offer.visa in (VisaType.TOURIST, VisaType.VISIT):
        return ("Berangkat bekerja dengan visa turis/kunjungan, bukan visa kerja.", {"visa": offer.visa})
    return None


def pay_above_norm(offer: Offer, params: dict) -> tuple[str, dict] | None:
    if offer.monthly_pay_usd is None:
        return None
    limit = Decimal(str(params.get("max_usd_unskilled", 800)))
    words = [w.lower() for w in params.get("unskilled_positions", [])]
    unskilled = offer.needs_qualification is False or any(w in offer.position.lower() for w in words)
    if unskilled and offer.monthly_pay_usd > limit:
        return (f"Gaji sekitar US${offer.monthly_pay_usd:.0f} per bulan untuk pekerjaan tanpa keahlian khusus jauh di "
                f"atas kewajaran (batas US${limit:.0f}).", {"usd": str(offer.monthly_pay_usd), "limit": str(limit)})
    return None


def social_media_only(offer: Offer, params: dict) -> tuple[str, dict] | None:
    if offer.channels and all(c in SOCIAL_CHANNELS for c in offer.channels):
        return ("Perekrutan hanya lewat media sosial atau aplikasi chat, tanpa kantor resmi atau LTSA.",
                {"channels": offer.channels})
    return None


def fees_charged(offer: Offer, params: dict) -> tuple[str, dict] | None:
    limit = Decimal(str(params.get("max_idr", 0)))
    if offer.fee_idr is not None and offer.fee_idr > limit:
        return (f"Calon pekerja diminta membayar Rp{offer.fee_idr:,.0f}.".replace(",", "."), {"fee_idr": str(offer.fee_idr)})
    return None


def shared_identifier(offer: Offer, params: dict) -> tuple[str, dict] | None:
    from .models import CaseLink

    minimum = int(params.get("min_cases", 2))
    for kind, value in offer.identifiers:
        if not value:
            continue
        n = CaseLink.objects.filter(recruiter__identifiers__kind=kind, recruiter__identifiers__value=value) \
            .values("case_id").distinct().count()
        if n >= minimum:
            return (f"Nomor/akun/rekening yang sama muncul dalam {n} kasus perdagangan orang.",
                    {"kind": kind, "cases": n})
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
            reason, evidence = result
            hits.append(Hit(rule, reason, evidence))
    return hits


def level(hits: list[Hit]) -> str:
    if any(h.rule.weight >= 3 for h in hits) or sum(h.rule.weight for h in hits) >= 5:
        return RiskLevel.HIGH
    if hits and sum(h.rule.weight for h in hits) >= 2:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW
