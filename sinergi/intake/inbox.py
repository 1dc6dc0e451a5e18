"""Reads for the report inbox and for "my reports" of a village or district office. Every query starts from the
visibility filter; every report shown is audited (reporters' names, contacts and narratives are personal data)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from sinergi.access.principal import Principal
from sinergi.access.reporting import filing_office_ids, triage_agency_ids
from sinergi.access.visibility import cases_visible_to, reports_visible_to
from sinergi.audit.enums import Action
from sinergi.audit.services import Entry, audit_log_many
from sinergi.core.errors import NotFound
from sinergi.core.ids import as_uuid

from .enums import OPEN_STATUSES, Channel, MoveKind
from .models import Report, ReportMove

PAGE = 50


def inbox_queryset(user, *, state: str = "open", channel: str | None = None) -> QuerySet:
    qs = reports_visible_to(user).filter(agency_id__in=triage_agency_ids(user))
    if state == "open":
        qs = qs.filter(status__in=OPEN_STATUSES).order_by("due_at", "received_at")
    else:
        qs = qs.exclude(status__in=OPEN_STATUSES).order_by("-decided_at", "-received_at")
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    return qs.select_related("agency", "subject", "case", "filed_by_agency")


def inbox_count(user) -> int:
    """Open reports waiting in the user's inboxes (no personal data: not audited)."""
    ids = triage_agency_ids(user)
    if not ids:
        return 0
    return reports_visible_to(user).filter(agency_id__in=ids, status__in=OPEN_STATUSES).count()


def inbox_list(user, *, state: str = "open", channel: str | None = None) -> list[Report]:
    rows = list(inbox_queryset(user, state=state, channel=channel)[:PAGE])
    _audit_read(user, rows, via="inbox list")
    return rows


def inbox_report(user, report_id, *, audit: bool = True) -> Report:
    """One report of the user's inboxes, or NotFound (another agency's, passed on, or not a report at all)."""
    qs = reports_visible_to(user).filter(agency_id__in=triage_agency_ids(user))
    try:
        report = qs.select_related("agency", "subject", "case", "filed_by_agency").filter(pk=report_id).first()
    except (ValueError, TypeError):
        report = None
    if report is None:
        raise NotFound("report")
    if audit:
        _audit_read(user, [report], via="inbox detail")
    return report


def move_replayed(user, report_id, key, kind: str) -> Report | None:
    """The report on which ``user`` made the move ``kind`` with idempotency key ``key``, or None: a client that
    lost the answer asks again, and a report the move passed on to another agency is no longer in its sight. Only
    the user's own move is found (a key is not a way to reach someone else's report)."""
    key = str(key or "").strip()[:80]
    if not key:
        return None
    move = (ReportMove.objects.filter(idempotency_key=key, kind=kind, actor_id=getattr(user, "pk", None))
            .select_related("report__agency").first())
    if move is None or move.report_id != as_uuid(report_id):
        return None
    return move.report


def possible_matches(user, report: Report, limit: int = 5) -> list:
    """Cases the report's agency leads whose survivor's name matches the person the report is about: the check
    intake makes before opening a new case for someone who may already have one."""
    from sinergi.cases.selectors import apply_name_search

    name = (report.subject.full_name if report.subject_id else "") or ""
    if not name.strip():
        return []
    qs = cases_visible_to(user).filter(lead_agency_id=report.agency_id)
    return list(apply_name_search(qs, name).select_related("survivor").order_by("-reported_on")[:limit])


def reports_filed_by(user, *, limit: int = PAGE, via: str = "my reports") -> list[Report]:
    """The latest ``limit`` reports the user's village or district offices filed, wherever they are now (each
    read audited, ``via`` the page that shows them). Only the office's own words and the plain status are shown
    from them (``tracking.plain_status``)."""
    ids = filing_office_ids(user)
    if not ids:
        return []
    forwarded = ReportMove.objects.filter(report_id=OuterRef("pk"), kind=MoveKind.FORWARDED)
    rows = list(Report.objects.filter(filed_by_agency_id__in=ids).select_related("agency", "filed_by_agency")
                .annotate(was_forwarded=Exists(forwarded)).order_by("-received_at")[:limit])
    principal = Principal.of(user)
    with transaction.atomic():
        for office in ids:
            audit_log_many(actor=principal.actor(office), entries=[
                Entry(Action.READ, "report", str(r.pk), "", {"via": via})
                for r in rows if r.filed_by_agency_id == office])
    return rows


def _audit_read(user, reports: list[Report], *, via: str) -> None:
    principal = Principal.of(user)
    by_agency: dict = {}
    for r in reports:
        by_agency.setdefault(r.agency_id, []).append(r)
    with transaction.atomic():
        for agency_id, group in by_agency.items():
            audit_log_many(actor=principal.actor(agency_id), entries=[
                Entry(Action.READ, "report", str(r.pk), "", {"via": via}) for r in group])
