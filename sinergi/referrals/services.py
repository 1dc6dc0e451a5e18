"""Writes for referrals: send, the receiver's answers, withdraw, and the system's escalation and expiry.

Each change is one transaction with its case timeline event and audit row; notifications go out after commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require, require_case
from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, audit_log
from sinergi.cases.enums import EventKind
from sinergi.cases.services import _event
from sinergi.cases.timeline import msg
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.validation import Errors, field_error
from sinergi.people.enums import ConsentPurpose

from .enums import (
    ACTIVE,
    DEFAULT_DEADLINES,
    DEFAULT_SECTIONS,
    RECEIVER_MOVES,
    SENDER_MOVES,
    SYSTEM_MOVES,
    ReferralStatus,
    ReferralType,
    Section,
)
from .models import Agreement, Referral

S = ReferralStatus


def deadlines_for(*, type: str, from_agency, to_agency, at: dt.datetime) -> tuple[dt.datetime, dt.datetime, Agreement | None]:
    """Acknowledge-by and complete-by times: the most specific valid agreement, else the type's default."""
    day = clock.localdate_of(at)
    candidates = Agreement.objects.filter(
        Q(referral_type="") | Q(referral_type=type), valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).filter(
        Q(from_agency=from_agency, to_agency=to_agency)
        | Q(from_agency__isnull=True, to_agency__isnull=True, from_country=from_agency.country_id,
            to_country=to_agency.country_id)
    )

    def rank(a: Agreement) -> tuple[int, int]:
        return (1 if a.from_agency_id else 0, 1 if a.referral_type else 0)

    agreement = max(candidates, key=rank, default=None)
    if agreement:
        hours, days = agreement.ack_hours, agreement.complete_days
    else:
        hours, days = DEFAULT_DEADLINES[type]
    return at + dt.timedelta(hours=hours), at + dt.timedelta(days=days), agreement


def _consent_purpose(from_agency, to_agency) -> str:
    return ConsentPurpose.CROSS_BORDER if from_agency.country_id != to_agency.country_id else ConsentPurpose.REFERRAL


@transaction.atomic
def referral_send(*, actor, case, type: str, to_agency, sections: list[str] | None = None, message: str = "",
                  consent_override_reason: str = "", idempotency_key: str | None = None) -> Referral:
    """Ask ``to_agency`` to act on ``case``, sharing only ``sections`` (default: the type's minimum)."""
    from sinergi.agencies.models import Agency
    from sinergi.people.services import consent_current

    principal = require_case(actor, case, Cap.REFER)
    key = (idempotency_key or "").strip() or None
    if key:
        existing = Referral.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.case_id != case.pk:
                raise field_error("idempotency_key", "Kunci sudah dipakai / idempotency key already used.")
            return existing
    errors = Errors()
    errors.in_choices("type", type, ReferralType.values)
    if isinstance(to_agency, Agency):
        target = to_agency
    else:
        target = Agency.objects.filter(pk=to_agency).first() if _is_uuid(to_agency) else \
            Agency.objects.filter(code=str(to_agency)).first()
    if target is None or not target.is_active:
        errors.add("to_agency", "Lembaga tidak dikenal / unknown agency.")
    elif target.pk == case.lead_agency_id:
        errors.add("to_agency", "Tidak dapat merujuk ke lembaga sendiri / cannot refer to the lead agency itself.")
    sections = list(dict.fromkeys(sections if sections is not None else DEFAULT_SECTIONS.get(type, ())))
    errors.in_choices("sections", sections, Section.values)
    message = (message or "").strip()
    if len(message) > 5000:
        errors.add("message", "Terlalu panjang / too long (max 5,000 characters).")
    errors.raise_if_any()
    if Referral.objects.filter(case=case, to_agency=target, type=type, status__in=ACTIVE).exists():
        raise field_error("type", "Rujukan yang sama masih berjalan / the same referral is still open.")
    lead = case.lead_agency
    purpose = _consent_purpose(lead, target)
    override = (consent_override_reason or "").strip()
    # Consent covers a referral within the country when it names the receiver's kind of agency (or none: any).
    consented = consent_current(case.survivor, purpose,
                                agency_type=target.type if purpose == ConsentPurpose.REFERRAL else None)
    if not consented and len(override) < 10:
        raise field_error("consent_override_reason",
                          "Penyintas belum memberi persetujuan; tulis alasan untuk tetap berbagi / the survivor has "
                          "not consented to this sharing; give a reason to share anyway.")
    now = clock.now()
    ack_due, complete_due, agreement = deadlines_for(type=type, from_agency=lead, to_agency=target, at=now)
    referral = Referral.objects.create(
        case=case, type=type, from_agency=lead, to_agency=target, status=S.SENT, sections=sections, message=message,
        sent_by=actor, sent_at=now, ack_due_at=ack_due, complete_due_at=complete_due, agreement=agreement,
        consent_override_reason=override if not consented else "",
        idempotency_key=key,
    )
    _event(case, EventKind.REFERRAL, actor=actor, agency_id=lead.pk,
           summary=msg(gettext_noop("Rujukan %(type)s dikirim ke %(agency)s"), type=ReferralType(type),
                       agency=target),
           data={"referral": str(referral.pk), "status": S.SENT, "sections": sections,
                 "consent_override": bool(referral.consent_override_reason)})
    audit_log(actor=principal.actor(lead.pk), action=Action.CREATE, object_type="referral", object_id=referral.pk,
              detail={"case": str(case.pk), "to": str(target.pk), "type": type, "sections": sections,
                      "consent_override_reason": referral.consent_override_reason})
    if target.peer_id:
        _send_remote_create(referral)
    _notify(referral, "sent")
    return referral


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


@transaction.atomic
def referral_respond(*, actor, referral: Referral, to_status: str, reason: str = "", outcome: str = "") -> Referral:
    """The receiving agency acknowledges, accepts, declines (with reason), starts or completes (with outcome)."""
    from sinergi.access.principal import Principal

    principal = Principal.of(actor)
    if referral.to_agency_id not in principal.casework_agency_ids:
        raise NotFound("referral")
    require(actor, Cap.REFERRAL_RESPOND, referral.to_agency_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == to_status:
        return referral  # the same answer twice: already applied
    allowed = RECEIVER_MOVES.get(referral.status, frozenset())
    errors = Errors()
    if to_status not in allowed:
        errors.add("status", f"Perubahan {referral.status} -> {to_status} tidak diizinkan / not allowed.")
    if to_status == S.DECLINED and len((reason or "").strip()) < 5:
        errors.add("reason", "Tulis alasan penolakan / give the reason for declining.")
    if to_status == S.COMPLETED and not (outcome or "").strip():
        errors.add("outcome", "Tulis hasilnya / describe the outcome.")
    errors.raise_if_any()
    return _move(referral, to_status, actor=actor, agency_id=referral.to_agency_id, principal=principal,
                 reason=reason, outcome=outcome)


@transaction.atomic
def referral_withdraw(*, actor, referral: Referral, reason: str = "") -> Referral:
    principal = require_case(actor, referral.case, Cap.REFER)
    if referral.from_agency_id not in principal.casework_agency_ids:
        # e.g. a referral that came from a partner instance to the agency now leading the case here
        raise PermissionDenied("only the sending agency withdraws a referral")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == S.WITHDRAWN:
        return referral
    if S.WITHDRAWN not in SENDER_MOVES.get(referral.status, frozenset()):
        raise field_error("status", "Rujukan sudah selesai / the referral is already closed.")
    return _move(referral, S.WITHDRAWN, actor=actor, agency_id=referral.from_agency_id, principal=principal,
                 reason=reason)


def _move(referral: Referral, to_status: str, *, actor, agency_id, principal, reason: str = "",
          outcome: str = "", remote: bool = False) -> Referral:
    now = clock.now()
    previous = referral.status
    referral.status = to_status
    fields = ["status", "updated_at"]
    stamp = {S.ACKNOWLEDGED: "acknowledged_at", S.ACCEPTED: "accepted_at", S.IN_PROGRESS: "started_at",
             S.COMPLETED: "completed_at"}.get(to_status)
    if stamp:
        setattr(referral, stamp, now)
        fields.append(stamp)
    if to_status == S.ACCEPTED and referral.acknowledged_at is None:
        referral.acknowledged_at = now
        fields.append("acknowledged_at")
    if to_status == S.DECLINED:
        referral.decline_reason = reason.strip()
        fields.append("decline_reason")
    if to_status == S.COMPLETED:
        referral.outcome = outcome.strip()
        fields.append("outcome")
    if to_status not in ACTIVE:
        referral.closed_at = now
        fields.append("closed_at")
    referral.save(update_fields=fields)
    user = actor if getattr(actor, "pk", None) else None
    _event(referral.case, EventKind.REFERRAL, actor=user, agency_id=agency_id,
           summary=msg(gettext_noop("Rujukan %(type)s (%(agency)s): %(status)s"), type=ReferralType(referral.type),
                       agency=referral.to_agency, status=S(to_status)),
           data={"referral": str(referral.pk), "from": previous, "status": to_status, "reason": reason[:500],
                 "outcome": outcome[:1000]})
    audit_actor = principal.actor(agency_id) if principal is not None else SYSTEM
    audit_log(actor=audit_actor, action=Action.UPDATE, object_type="referral", object_id=referral.pk,
              detail={"from": previous, "to": to_status})
    if referral.remote_peer_id and not remote:
        _send_remote_status(referral, reason, outcome)
    _notify(referral, to_status)
    return referral


def referrals_escalate_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate late acknowledgements and expire referrals nobody picked up. Safe to run any number of times.

    Level 1: not acknowledged by ``ack_due_at`` → the supervisors of both agencies.
    Level 2: still not acknowledged after a second period of the same length, or accepted but not completed by
    ``complete_due_at`` → the task force over the lead agency.
    Unacknowledged at ``complete_due_at`` → expired.
    """
    now = now or clock.now()
    counts = {"level1": 0, "level2": 0, "expired": 0}
    # A referral still queued for a partner instance that is down is not the partner's delay: it waits for its
    # receipt (which moves its deadlines) instead of escalating or expiring.
    queued = Q(to_agency__peer__isnull=False, delivered_at__isnull=True)
    for referral in Referral.objects.filter(status__in=[S.SENT], complete_due_at__lte=now).exclude(queued):
        with transaction.atomic():
            r = Referral.objects.select_for_update().get(pk=referral.pk)
            if r.status == S.SENT:
                _move(r, S.EXPIRED, actor=None, agency_id=r.to_agency_id, principal=None)
                counts["expired"] += 1
    late_ack = Referral.objects.filter(status=S.SENT, ack_due_at__lte=now, escalation_level__lt=2).exclude(queued)
    for referral in late_ack:
        second = referral.ack_due_at + (referral.ack_due_at - referral.sent_at)
        level = 2 if now >= second else 1
        counts[f"level{level}"] += _escalate(referral, level, now)
    late_work = Referral.objects.filter(status__in=[S.ACKNOWLEDGED, S.ACCEPTED, S.IN_PROGRESS],
                                        complete_due_at__lte=now, escalation_level__lt=2)
    for referral in late_work:
        counts["level2"] += _escalate(referral, 2, now)
    return counts


def _escalate(referral: Referral, level: int, now) -> int:
    with transaction.atomic():
        r = Referral.objects.select_for_update().get(pk=referral.pk)
        if r.escalation_level >= level:
            return 0
        r.escalation_level = level
        r.save(update_fields=["escalation_level", "updated_at"])
        text = (gettext_noop("Rujukan %(type)s terlambat: dieskalasi ke supervisor kedua lembaga") if level == 1
                else gettext_noop("Rujukan %(type)s terlambat: dieskalasi ke gugus tugas"))
        _event(r.case, EventKind.REFERRAL, actor=None, agency_id=r.from_agency_id,
               summary=msg(text, type=ReferralType(r.type)),
               data={"referral": str(r.pk), "escalation_level": level})
        audit_log(actor=SYSTEM, action=Action.UPDATE, object_type="referral", object_id=r.pk,
                  detail={"escalation_level": level})
        _notify(r, f"escalated{level}")
    return 1


def _notify(referral: Referral, event: str) -> None:
    """Tell the people who must act, after commit (see ``referrals.notify``)."""
    from . import notify

    referral_id = referral.pk
    transaction.on_commit(lambda: notify.referral_changed(referral_id, event))


# --- Across instances -------------------------------------------------------------------------------------

def _subject_for(case, sections: list[str], agency_id=None) -> dict[str, Any]:
    """Only the minimum leaves the country: the fields of the shared sections (``access.projection.project_shared``)."""
    from sinergi.access.projection import project_shared

    view = project_shared(case, sections, agency_id=agency_id)
    out: dict[str, Any] = {"case_reference": view.reference}
    if view.identity is not None:
        p = view.identity
        age = p.estimated_age
        if p.date_of_birth:
            today = clock.today()
            age = today.year - p.date_of_birth.year - ((today.month, today.day) < (p.date_of_birth.month, p.date_of_birth.day))
        out["identity"] = {"full_name": p.full_name, "sex": p.sex, "age": age, "citizenship": p.citizenship_code or ""}
    if view.location is not None:
        out["location"] = {"country": view.location.country_code or "", "city": view.location.city}
    if view.exploitation is not None:
        x = view.exploitation
        out["exploitation"] = {"types": list(x.exploitation_types), "means_of_control": list(x.means_of_control),
                               "recruitment_apps": list(x.recruitment_apps)}
    if view.documents is not None:
        out["documents"] = [{"type": d.type, "number": d.number, "country": d.issuing_country_code}
                            for d in view.documents.documents]
    return out


def _send_remote_create(referral: Referral) -> None:
    from sinergi.exchange.services import outbox_enqueue

    target = referral.to_agency
    referral.remote_peer = target.peer
    referral.save(update_fields=["remote_peer", "updated_at"])
    lead = referral.from_agency
    outbox_enqueue(peer=target.peer, kind="referral.create", body={
        "referral_id": str(referral.pk), "type": referral.type, "to_agency": target.remote_code,
        "from_agency": {"code": lead.code, "name": lead.name, "type": lead.type, "country": lead.country_id},
        "sections": referral.sections, "message": referral.message,
        "ack_due_at": referral.ack_due_at.isoformat(), "complete_due_at": referral.complete_due_at.isoformat(),
        "subject": _subject_for(referral.case, referral.sections, agency_id=target.pk),
    })


@transaction.atomic
def referral_delivered(*, referral_id, at: dt.datetime) -> bool:
    """The partner instance's receipt for a referral arrived (``exchange``, once the message is delivered): from
    now on it is delivered, and its deadlines count from the receipt, not from the day it was queued while the
    partner was down. Idempotent; False when nothing changed."""
    referral = Referral.objects.select_for_update().filter(pk=referral_id, delivered_at__isnull=True).first()
    if referral is None:
        return False
    delay = max(at - referral.sent_at, dt.timedelta(0))
    referral.delivered_at = at
    referral.ack_due_at += delay
    referral.complete_due_at += delay
    referral.save(update_fields=["delivered_at", "ack_due_at", "complete_due_at", "updated_at"])
    audit_log(actor=SYSTEM, action=Action.UPDATE, object_type="referral", object_id=referral.pk,
              detail={"delivered_at": at.isoformat(), "deadlines_moved_by_seconds": int(delay.total_seconds())})
    return True


def _send_remote_status(referral: Referral, reason: str, outcome: str) -> None:
    from sinergi.exchange.services import outbox_enqueue

    outbox_enqueue(peer=referral.remote_peer, kind="referral.status", body={
        "referral_id": str(referral.remote_id) if referral.remote_id else "", "remote_referral_id": str(referral.pk),
        "origin_referral_id": str(referral.pk), "status": referral.status, "reason": reason[:1000],
        "outcome": outcome[:2000],
    })


def referral_receive(*, peer, from_agency, to_agency, body: dict) -> Referral:
    """A referral that arrived from a peer: a local case of the receiving agency with what was shared."""
    from sinergi.cases.services import case_open_system
    from sinergi.people.services import person_create_system

    errors = Errors()
    errors.in_choices("type", body.get("type"), ReferralType.values)
    sections = body.get("sections") or []
    errors.in_choices("sections", sections, Section.values)
    errors.raise_if_any()
    subject = body.get("subject") or {}
    identity = subject.get("identity") or {}
    location = subject.get("location") or {}
    person = person_create_system(data={
        "full_name": identity.get("full_name") or "(tidak dibagikan / not shared)",
        "sex": identity.get("sex") or "NonSpecifiedUnknown", "estimated_age": identity.get("age"),
        "citizenship": identity.get("citizenship") or None,
    })
    case = case_open_system(survivor=person, lead_agency=to_agency, details={
        "country_of_exploitation": location.get("country") or None, "city_of_exploitation": location.get("city") or "",
        "exploitation_types": (subject.get("exploitation") or {}).get("types") or [],
        "summary": f"Rujukan dari {from_agency.name} ({peer.name}), kasus {subject.get('case_reference', '')}.\n"
                   f"{body.get('message', '')}",
    }, external_id=f"{peer.code}:{body.get('referral_id')}")
    now = clock.now()
    referral = Referral.objects.create(
        case=case, type=body["type"], from_agency=from_agency, to_agency=to_agency, status=S.SENT,
        sections=sections, message=str(body.get("message", ""))[:5000], sent_by=None, sent_at=now,
        ack_due_at=_parse_dt(body.get("ack_due_at"), now), complete_due_at=_parse_dt(body.get("complete_due_at"), now),
        remote_peer=peer, remote_id=body.get("referral_id"),
    )
    _event(case, EventKind.REFERRAL, actor=None, agency_id=to_agency.pk,
           summary=msg(gettext_noop("Rujukan %(type)s diterima dari %(agency)s (%(peer)s)"),
                       type=ReferralType(referral.type),
                       agency=from_agency, peer=peer.name),
           data={"referral": str(referral.pk), "status": S.SENT, "peer": peer.code})
    _notify(referral, "sent")
    return referral


def referral_apply_remote_status(*, peer, body: dict) -> Referral:
    """The peer's agency answered a referral we sent (or the sender withdrew one we received)."""
    from sinergi.exchange.crypto import NotYetKnown, Rejected

    referral = None
    for key in ("referral_id",):
        value = body.get(key)
        if value and _is_uuid(value):
            referral = Referral.objects.select_for_update().filter(pk=value, remote_peer=peer).first()
    if referral is None and _is_uuid(body.get("origin_referral_id")):
        referral = Referral.objects.select_for_update().filter(remote_id=body["origin_referral_id"],
                                                              remote_peer=peer).first()
    if referral is None:
        raise NotYetKnown("unknown referral")
    status = body.get("status")
    if status not in S.values:
        raise Rejected(f"unknown status {status!r}")
    if referral.remote_id is None and _is_uuid(body.get("remote_referral_id")):
        referral.remote_id = body["remote_referral_id"]
        referral.save(update_fields=["remote_id", "updated_at"])
    if referral.status == status or referral.status not in ACTIVE:
        return referral
    # The peer moves a referral as the side it is on, by the same tables as a local user: the receiver works a
    # referral we sent it, the sender may only withdraw one it sent us, and either instance may expire one.
    peer_is_receiver = referral.to_agency.peer_id == peer.pk
    moves = RECEIVER_MOVES if peer_is_receiver else SENDER_MOVES
    allowed = moves.get(referral.status, frozenset()) | SYSTEM_MOVES.get(referral.status, frozenset())
    if status not in allowed:
        side = "receiver" if peer_is_receiver else "sender"
        raise Rejected(f"the {side} may not move a referral from {referral.status} to {status}")
    _move(referral, status, actor=None, agency_id=referral.to_agency_id, principal=None,
          reason=str(body.get("reason", "")), outcome=str(body.get("outcome", "")), remote=True)
    return referral


def _parse_dt(value, default):
    try:
        parsed = dt.datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else default
    except ValueError:
        return default
