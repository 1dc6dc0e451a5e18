"""The report inbox: every report that reaches an agency (public form, hotline, village office, embassy, a partner
instance, its own intake) waits there until someone decides: open a case, attach it to a case, pass it on to
another agency, or close it with a reason. Each report has a deadline; the worker escalates late ones as it does
referrals (level 1: the agency's supervisors; level 2: the task force over the agency).

Every move is one transaction with a ``ReportMove`` row and an audit row; notifications go out after commit.
A move repeated (same idempotency key, or the same decision already taken) returns the first result and
writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require, require_person_in_full, require_report
from sinergi.access.visibility import cases_visible_to
from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, Actor, audit_log
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.core.validation import Errors, field_error

from . import routing
from .enums import OPEN_STATUSES, Channel, MoveKind, ReportStatus
from .models import Report, ReportMove

# Hours to decide on a report, by channel; ``SINERGI_REPORT_TRIAGE_HOURS`` overrides any of them.
TRIAGE_HOURS = {Channel.HOTLINE: 24, Channel.EMBASSY: 24, Channel.PARTNER: 24, Channel.PUBLIC_FORM: 48,
                Channel.VILLAGE: 48}
DEFAULT_TRIAGE_HOURS = 72
REASON_MAX = 1000


def triage_hours(channel: str) -> int:
    overrides = getattr(settings, "SINERGI_REPORT_TRIAGE_HOURS", {}) or {}
    return int(overrides.get(channel, TRIAGE_HOURS.get(channel, DEFAULT_TRIAGE_HOURS)))


def _move(report: Report, kind: str, *, actor=None, from_agency_id=None, to_agency_id=None, reason: str = "",
          key: str | None = None, at: dt.datetime | None = None) -> ReportMove:
    return ReportMove.objects.create(report=report, kind=kind, at=at or clock.now(),
                                     actor=actor if getattr(actor, "pk", None) else None,
                                     from_agency_id=from_agency_id, to_agency_id=to_agency_id, reason=reason,
                                     idempotency_key=key)


def report_arrived(report: Report, *, actor=None, from_agency_id=None, at: dt.datetime | None = None,
                   notify: bool = True, reason: str = "") -> None:
    """A report reached ``report.agency``: start its deadline and tell the agency's intake staff (after commit).
    Called by every service that puts a report in an inbox, inside its transaction; ``reason`` is the sender's
    word with it (a partner's message)."""
    at = at or clock.now()
    report.due_at = at + dt.timedelta(hours=triage_hours(report.channel))
    report.escalation_level = 0
    report.save(update_fields=["due_at", "escalation_level", "updated_at"])
    _move(report, MoveKind.ARRIVED, actor=actor, from_agency_id=from_agency_id, to_agency_id=report.agency_id, at=at,
          reason=reason)
    if notify:
        report_id = report.pk
        transaction.on_commit(lambda: _notify(report_id, "arrived"))


def _notify(report_id, event: str) -> None:
    from . import notify

    notify.report_changed(report_id, event)


def _key(idempotency_key) -> str | None:
    return str(idempotency_key or "").strip()[:80] or None


def _replayed(key: str | None, report: Report, kind: str) -> bool:
    """True when this exact move was already made with ``key``; a key reused for another move is refused."""
    if not key:
        return False
    move = ReportMove.objects.filter(idempotency_key=key).first()
    if move is None:
        return False
    if move.report_id != report.pk or move.kind != kind:
        raise field_error("idempotency_key", _("Kunci ini sudah dipakai untuk tindakan lain."))
    return True


def _begin(actor, report: Report, key: str | None, kind: str, cap: Cap = Cap.CASE_CREATE):
    """Lock the report; (principal, report, replayed). A move repeated with its key is answered from the first
    one, even when that move took the report out of the user's sight (passed on)."""
    principal = require_report(actor, report, cap)
    locked = Report.objects.select_for_update().select_related("agency").filter(pk=report.pk).first()
    if locked is None:
        raise NotFound("report")
    if _replayed(key, locked, kind):
        return principal, locked, True
    # Checked again on the locked row: a report passed on meanwhile is no longer this user's to decide.
    return require_report(actor, locked, cap), locked, False


def _still_open(report: Report) -> None:
    if report.status not in OPEN_STATUSES:
        raise field_error("report", _("Laporan ini sudah diputuskan: %(status)s.")
                          % {"status": ReportStatus(report.status).label})


def _decided(report: Report, status: str, reason: str = "") -> None:
    report.status, report.decided_at, report.decision_reason = status, clock.now(), reason
    report.save(update_fields=["status", "decided_at", "decision_reason", "updated_at"])


def _audit(principal, report: Report, move: str, **detail) -> None:
    audit_log(actor=principal.actor(report.agency_id), action=Action.UPDATE, object_type="report",
              object_id=report.pk, detail={"triage": move, **detail})


def _reason(value: str) -> str:
    reason = (value or "").strip()
    errors = Errors()
    if not reason:
        errors.add("reason", _("Tuliskan alasannya."))
    elif len(reason) > REASON_MAX:
        errors.add("reason", _("Alasan terlalu panjang (paling banyak %(n)s karakter).") % {"n": REASON_MAX})
    errors.raise_if_any()
    return reason


@transaction.atomic
def report_triage_open_case(*, actor, report: Report, person: dict[str, Any] | None = None,
                            idempotency_key=None):
    """Open a case led by the report's agency. The report's subject is the survivor; a report without one (an
    anonymous report that names nobody) needs ``person`` (at least a name)."""
    from sinergi.people.services import person_create

    from .services import report_open_case

    key = _key(idempotency_key)
    principal, report, replayed = _begin(actor, report, key, MoveKind.CASE_OPENED)
    if replayed or (report.status == ReportStatus.CASE_OPENED and report.case_id):
        return report.case
    _still_open(report)
    if routing.is_reporting_office(report.agency):
        raise field_error("report", _("Kantor desa atau kecamatan tidak memimpin kasus; teruskan laporan ini."))
    survivor = report.subject
    if survivor is None:
        data = dict(person or {})
        if not (data.get("full_name") or "").strip():
            raise field_error("full_name", _("Tuliskan nama orang yang dilaporkan untuk membuka kasus."))
        data.setdefault("citizenship", "ID")
        survivor = person_create(actor=actor, agency_id=report.agency_id, data=data)
    case = report_open_case(actor=actor, report=report, survivor=survivor)
    report.refresh_from_db()
    _decided(report, ReportStatus.CASE_OPENED)
    _move(report, MoveKind.CASE_OPENED, actor=actor, from_agency_id=report.agency_id, key=key)
    _audit(principal, report, MoveKind.CASE_OPENED, case=str(case.pk))
    report_id = report.pk
    transaction.on_commit(lambda: _notify(report_id, "decided"))
    return case


@transaction.atomic
def report_triage_attach(*, actor, report: Report, case_reference: str, idempotency_key=None) -> Report:
    """Attach the report to a case the agency leads (a second report about the same person). A case the user may
    not see, or one whose survivor the report's agency does not see in full, is "not found"."""
    from .services import report_link_case

    key = _key(idempotency_key)
    principal, report, replayed = _begin(actor, report, key, MoveKind.ATTACHED)
    if replayed:
        return report
    ref = (case_reference or "").strip().upper()
    if not ref:
        raise field_error("case", _("Tuliskan nomor kasus."))
    case = cases_visible_to(actor).filter(reference=ref, lead_agency_id=report.agency_id).first()
    if case is None:
        raise NotFound("case")
    if report.case_id == case.pk and report.status == ReportStatus.LINKED:
        return report
    _still_open(report)
    report_link_case(actor=actor, report=report, case=case)
    report.refresh_from_db()
    _decided(report, ReportStatus.LINKED)
    _move(report, MoveKind.ATTACHED, actor=actor, from_agency_id=report.agency_id, key=key)
    _audit(principal, report, MoveKind.ATTACHED, case=str(case.pk))
    report_id = report.pk
    transaction.on_commit(lambda: _notify(report_id, "decided"))
    return report


@transaction.atomic
def report_forward(*, actor, report: Report, to_agency, reason: str, idempotency_key=None, sections=None,
                   consent_override_reason: str = "") -> Report:
    """Pass the report on to another agency, with a reason. The report leaves this agency's inbox (and its
    sight) and arrives in the other's with a fresh deadline.

    To an agency of a linked partner instance (``to_agency.peer`` set) the report stays here, decided as passed
    on, and only ``sections`` of it leave (``remote.shared_sections``) through the exchange. That sends personal
    data to another instance as a referral does: it needs the referral capability and the person's consent to
    sharing (across the border when the partner's agency is in another country), or an override reason."""
    partner = bool(to_agency is not None and getattr(to_agency, "peer_id", None))
    key = _key(idempotency_key)
    principal, report, replayed = _begin(actor, report, key, MoveKind.FORWARDED,
                                         cap=Cap.REFER if partner else Cap.CASE_CREATE)
    if replayed:
        return report
    _still_open(report)
    reason = _reason(reason)
    targets = routing.partner_targets(report.agency) if partner else routing.forward_targets(report.agency)
    if to_agency is None or not targets.filter(pk=to_agency.pk).exists():
        raise field_error("to_agency", _("Pilih lembaga penerima yang aktif."))
    if report.case_id:
        raise field_error("report", _("Laporan yang sudah ditautkan ke kasus tidak dapat diteruskan."))
    if partner:
        return _forward_to_partner(principal, report, to_agency, actor=actor, reason=reason, key=key,
                                   sections=sections, consent_override_reason=consent_override_reason)
    from_id = report.agency_id
    _move(report, MoveKind.FORWARDED, actor=actor, from_agency_id=from_id, to_agency_id=to_agency.pk, reason=reason,
          key=key)
    _audit(principal, report, MoveKind.FORWARDED, to_agency=str(to_agency.pk), reason=reason[:200])
    report.agency = to_agency
    report.status = ReportStatus.NEW
    report.decision_reason = reason
    report.save(update_fields=["agency", "status", "decision_reason", "updated_at"])
    report_arrived(report, actor=actor, from_agency_id=from_id)
    return report


OVERRIDE_MIN = 10


def _forward_to_partner(principal, report: Report, target, *, actor, reason: str, key: str | None, sections,
                        consent_override_reason: str) -> Report:
    from sinergi.people.enums import ConsentPurpose
    from sinergi.people.services import consent_current

    from . import remote

    shared = remote.shared_sections(sections)
    across = target.country_id != report.agency.country_id
    purpose = ConsentPurpose.CROSS_BORDER if across else ConsentPurpose.REFERRAL
    consented = report.subject is not None and consent_current(
        report.subject, purpose, agency_type=None if across else target.type)
    override = (consent_override_reason or "").strip()
    if not consented and len(override) < OVERRIDE_MIN:
        raise field_error("consent_override_reason", _(
            "Orang yang dilaporkan belum memberi persetujuan untuk berbagi lintas negara; tulis alasan untuk tetap "
            "meneruskan.") if across else _("Penyintas belum memberi persetujuan; tulis alasan untuk tetap berbagi."))
    _move(report, MoveKind.FORWARDED, actor=actor, from_agency_id=report.agency_id, to_agency_id=target.pk,
          reason=reason, key=key)
    _audit(principal, report, MoveKind.FORWARDED, to_agency=str(target.pk), peer=target.peer.code,
           sections=shared, reason=reason[:200], consent_override_reason=override if not consented else "")
    _decided(report, ReportStatus.PASSED_ON, reason)
    remote.report_send_remote(report, target, sections=shared, message=reason)
    report_id = report.pk
    transaction.on_commit(lambda: _notify(report_id, "decided"))
    return report


@transaction.atomic
def report_close(*, actor, report: Report, reason: str, idempotency_key=None) -> Report:
    """Close the report without a case (not trafficking, a duplicate, no way to reach anyone), with a reason."""
    key = _key(idempotency_key)
    principal, report, replayed = _begin(actor, report, key, MoveKind.CLOSED)
    if replayed or report.status == ReportStatus.NO_CASE:
        return report
    _still_open(report)
    reason = _reason(reason)
    _decided(report, ReportStatus.NO_CASE, reason)
    _move(report, MoveKind.CLOSED, actor=actor, from_agency_id=report.agency_id, reason=reason, key=key)
    _audit(principal, report, MoveKind.CLOSED, reason=reason[:200])
    report_id = report.pk
    transaction.on_commit(lambda: _notify(report_id, "decided"))
    return report


@transaction.atomic
def report_file_onward(*, actor, office_id, data: dict[str, Any], subject=None) -> Report:
    """A village or district office files a report: it goes to the responsible services of its regency (by the
    task force's procedure, ``routing.route_for``), which triage it; the office follows it on "my reports"."""
    from sinergi.agencies.models import Agency

    from .services import validate_report_data

    principal = require(actor, Cap.CASE_CREATE, office_id)
    office = Agency.objects.get(pk=office_id)
    if subject is not None:
        require_person_in_full(actor, subject, office_id)
    clean = validate_report_data(data)
    target = routing.route_for(office)
    if target is None:
        raise field_error("__all__", _("Belum ada lembaga penerima untuk wilayah Anda. Hubungi gugus tugas kabupaten."))
    report = Report.objects.create(
        channel=Channel.VILLAGE, received_at=clock.now(), agency=target, received_by=actor, filed_by_agency=office,
        subject=subject, **clean,
    )
    audit_log(actor=principal.actor(office_id), action=Action.CREATE, object_type="report", object_id=report.pk,
              detail={"channel": Channel.VILLAGE, "to_agency": str(target.pk),
                      "subject": str(subject.pk) if subject else None})
    report_arrived(report, actor=actor, from_agency_id=office.pk)
    return report


def reports_escalate_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate reports nobody decided on in time. Safe to run any number of times, on any number of workers.

    Level 1: undecided at ``due_at`` → the agency's supervisors. Level 2: still undecided after a second period
    of the same length → the task force over the agency."""
    now = now or clock.now()
    counts = {"level1": 0, "level2": 0}
    late = Report.objects.filter(status__in=OPEN_STATUSES, due_at__lte=now, escalation_level__lt=2)
    for report in late.only("pk", "due_at", "received_at"):
        with transaction.atomic():
            r = Report.objects.select_for_update().get(pk=report.pk)
            if r.status not in OPEN_STATUSES or r.due_at is None or r.due_at > now:
                continue
            arrived = r.moves.filter(kind=MoveKind.ARRIVED).order_by("-at").values_list("at", flat=True).first()
            period = r.due_at - (arrived or r.received_at)
            level = 2 if now >= r.due_at + period else 1
            if r.escalation_level >= level:
                continue
            r.escalation_level = level
            r.save(update_fields=["escalation_level", "updated_at"])
            _move(r, MoveKind.ESCALATED, to_agency_id=r.agency_id, reason=str(level), at=now)
            audit_log(actor=Actor(user_id=None, username=SYSTEM.username, agency_id=r.agency_id),
                      action=Action.UPDATE, object_type="report", object_id=r.pk,
                      detail={"triage": "escalated", "escalation_level": level})
            report_id, event = r.pk, f"escalated{level}"
            transaction.on_commit(lambda report_id=report_id, event=event: _notify(report_id, event))
            counts[f"level{level}"] += 1
    return counts
