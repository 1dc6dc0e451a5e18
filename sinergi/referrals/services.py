"""Writes for referrals: send, the receiver's answers, withdraw, and the system's escalation and expiry.

Each change is one transaction with its case timeline event and audit row; notifications go out after commit.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require, require_case
from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, audit_log
from sinergi.cases.enums import EventKind
from sinergi.cases.services import case_event_add
from sinergi.cases.timeline import msg
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import is_uuid
from sinergi.core.validation import Errors, field_error
from sinergi.people.enums import ConsentPurpose

from . import remote as across  # (``_move`` has a ``remote`` flag)
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
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

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
                raise field_error("idempotency_key", _("Kunci sudah dipakai."))
            return existing
    errors = Errors()
    errors.in_choices("type", type, ReferralType.values)
    if isinstance(to_agency, Agency):
        target = to_agency
    else:
        target = Agency.objects.filter(pk=to_agency).first() if is_uuid(to_agency) else \
            Agency.objects.filter(code=str(to_agency)).first()
    if target is None or not target.is_active:
        errors.add("to_agency", _("Lembaga tidak dikenal."))
    elif target.pk == case.lead_agency_id:
        errors.add("to_agency", _("Tidak dapat merujuk ke lembaga sendiri."))
    sections = list(dict.fromkeys(sections if sections is not None else DEFAULT_SECTIONS.get(type, ())))
    errors.in_choices("sections", sections, Section.values)
    message = (message or "").strip()
    if len(message) > 5000:
        errors.add("message", _("Terlalu panjang (maks. 5,000 karakter)."))
    errors.raise_if_any()
    if Referral.objects.filter(case=case, to_agency=target, type=type, status__in=ACTIVE).exists():
        raise field_error("type", _("Rujukan yang sama masih berjalan."))
    lead = case.lead_agency
    purpose = _consent_purpose(lead, target)
    override = (consent_override_reason or "").strip()
    # Consent covers a referral within the country when it names the receiver's kind of agency (or none: any).
    consented = consent_current(case.survivor, purpose,
                                agency_type=target.type if purpose == ConsentPurpose.REFERRAL else None)
    if not consented and len(override) < 10:
        raise field_error("consent_override_reason",
                          _("Penyintas belum memberi persetujuan; tulis alasan untuk tetap berbagi."))
    now = clock.now()
    ack_due, complete_due, agreement = deadlines_for(type=type, from_agency=lead, to_agency=target, at=now)
    referral = Referral.objects.create(
        case=case, type=type, from_agency=lead, to_agency=target, status=S.SENT, sections=sections, message=message,
        sent_by=actor, sent_at=now, ack_due_at=ack_due, complete_due_at=complete_due, agreement=agreement,
        consent_override_reason=override if not consented else "",
        idempotency_key=key,
    )
    case_event_add(case, EventKind.REFERRAL, actor=actor, agency_id=lead.pk,
                   summary=msg(gettext_noop("Rujukan %(type)s dikirim ke %(agency)s"), type=ReferralType(type),
                               agency=target),
                   data={"referral": str(referral.pk), "status": S.SENT, "sections": sections,
                         "consent_override": bool(referral.consent_override_reason)})
    audit_log(actor=principal.actor(lead.pk), action=Action.CREATE, object_type="referral", object_id=referral.pk,
              detail={"case": str(case.pk), "to": str(target.pk), "type": type, "sections": sections,
                      "consent_override_reason": referral.consent_override_reason})
    if target.peer_id:
        across.referral_send_remote(referral)
    _notify(referral, "sent")
    return referral


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
        labels = dict(ReferralStatus.choices)
        errors.add("status", message(_("Perubahan dari %(status)s ke %(to_status)s tidak diizinkan."),
                                     status=labels.get(referral.status, referral.status),
                                     to_status=labels.get(to_status, to_status)))
    if to_status == S.DECLINED and len((reason or "").strip()) < 5:
        errors.add("reason", _("Tulis alasan penolakan."))
    if to_status == S.COMPLETED and not (outcome or "").strip():
        errors.add("outcome", _("Tulis hasilnya."))
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
        raise field_error("status", _("Rujukan sudah selesai."))
    if not (reason or "").strip():
        # The receiver stops work it may have started: it is told why.
        raise field_error("reason", _("Tulis alasan menarik rujukan."))
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
    case_event_add(referral.case, EventKind.REFERRAL, actor=user, agency_id=agency_id,
                   summary=msg(gettext_noop("Rujukan %(type)s (%(agency)s): %(status)s"), type=ReferralType(referral.type),
                               agency=referral.to_agency, status=S(to_status)),
                   data={"referral": str(referral.pk), "from": previous, "status": to_status, "reason": reason[:500],
                         "outcome": outcome[:1000]})
    audit_actor = principal.actor(agency_id) if principal is not None else SYSTEM
    audit_log(actor=audit_actor, action=Action.UPDATE, object_type="referral", object_id=referral.pk,
              detail={"from": previous, "to": to_status})
    if referral.remote_peer_id and not remote:
        across.referral_status_send_remote(referral, reason, outcome)
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
        case_event_add(r.case, EventKind.REFERRAL, actor=None, agency_id=r.from_agency_id,
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
