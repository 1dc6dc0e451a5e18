"""The report inbox (list and one report with its four triage moves) and a village office's "my reports".
Thin: reads through ``intake.inbox`` (visibility first, audited), writes through ``intake.triage``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.access.masking import Sensitivity, may_reveal, present
from sinergi.access.principal import Principal
from sinergi.agencies.models import Agency
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid
from sinergi.intake import inbox, routing, tracking, triage
from sinergi.intake.enums import OPEN_STATUSES

from ..forms_inbox import AttachForm, CloseForm, ForwardForm, InboxFilterForm, OpenCaseForm, new_key
from .cases import _attach_errors

ACTIONS = ("open", "attach", "forward", "close", "reveal")


@login_required
def inbox_list(request):
    if not inbox.triage_agency_ids(request.user):
        raise Http404
    form = InboxFilterForm(request.GET or None)
    state, channel = "open", None
    if form.is_valid():
        state = form.cleaned_data["state"] or "open"
        channel = form.cleaned_data["channel"] or None
    rows = inbox.inbox_list(request.user, state=state, channel=channel)
    return render(request, "web/inbox/list.html", {
        "nav": "inbox", "form": form, "state": state, "reports": [_row(r) for r in rows],
    })


def _row(report) -> dict:
    return {"report": report, "late": bool(report.due_at and report.status in OPEN_STATUSES
                                           and report.due_at < _now())}


def _now():
    from sinergi.core import clock

    return clock.now()


def _forms(request, report, posted: str | None = None):
    data = request.POST if request.method == "POST" else None
    targets = list(routing.forward_targets(report.agency))
    partners = list(routing.partner_targets(report.agency))

    def bound(name, cls, **kw):
        if posted == name:
            return cls(data, **kw)
        return cls(initial={"key": new_key()}, **kw)

    return {"open": bound("open", OpenCaseForm), "attach": bound("attach", AttachForm),
            "forward": bound("forward", ForwardForm, agencies=targets, partners=partners), "close": bound("close", CloseForm)}


def _report_or_404(request, report_id, *, audit=True):
    key = as_uuid(report_id)
    if key is None:
        raise Http404
    try:
        return inbox.inbox_report(request.user, key, audit=audit)
    except NotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def inbox_detail(request, report_id):
    report = _report_or_404(request, report_id, audit=request.method == "GET")
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and action not in ACTIONS:
        action = None
    forms = _forms(request, report, posted=action)
    roles = Principal.of(request.user).roles_in(report.agency_id)
    revealed: set = set()
    status = 200
    if request.method == "POST":
        status = 400
        if action == "reveal":
            if may_reveal(roles, Sensitivity.CONTACT):
                audit_log(actor=Principal.of(request.user).actor(report.agency_id), action=Action.REVEAL,
                          object_type="report", object_id=report.pk, detail={"fields": ["reporter_contact"]})
                revealed = {Sensitivity.CONTACT}
                status = 200
            else:
                messages.error(request, _("Peran Anda tidak boleh membuka data ini."))
        elif action is not None:
            response = _triage(request, report, action, forms[action])
            if response is not None:
                return response
            if getattr(forms[action], "not_found", False):
                status = 404
    context = {
        "nav": "inbox", "r": report, "forms": forms, "is_open": report.status in OPEN_STATUSES,
        "contact": present("intake.Report", "reporter_contact", report.reporter_contact, roles=roles,
                           revealed=revealed),
        "may_reveal": bool(report.reporter_contact) and may_reveal(roles, Sensitivity.CONTACT) and not revealed,
        "moves": report.moves.select_related("from_agency", "to_agency", "actor"),
        "matches": inbox.possible_matches(request.user, report) if report.status in OPEN_STATUSES else [],
        "plain": tracking.plain_status(report), "late": _row(report)["late"],
        "screenings": report.screenings.all(),
    }
    return render(request, "web/inbox/detail.html", context, status=status)


def _triage(request, report, action, form):
    if not form.is_valid():
        return None
    d = form.cleaned_data
    try:
        if action == "open":
            case = triage.report_triage_open_case(actor=request.user, report=report, idempotency_key=d["key"],
                                                  person={"full_name": d["full_name"]})
            messages.success(request, _("Kasus %(ref)s dibuka dari laporan ini.") % {"ref": case.reference})
            return redirect("web:case_detail", case_id=case.pk)
        if action == "attach":
            triage.report_triage_attach(actor=request.user, report=report, case_reference=d["case_reference"],
                                        idempotency_key=d["key"])
            messages.success(request, _("Laporan ditautkan ke kasus %(ref)s.") % {"ref": d["case_reference"].upper()})
        elif action == "forward":
            to = Agency.objects.filter(pk=d["to_agency"]).first() if d["to_agency"] else None
            triage.report_forward(actor=request.user, report=report, to_agency=to, reason=d["reason"],
                                  idempotency_key=d["key"],
                                  consent_override_reason=d.get("consent_override_reason") or "")
            if to is not None and to.peer_id:
                messages.success(request, _("Laporan diteruskan ke %(agency)s di sistem mitra; terkirim begitu "
                                            "sistem itu dapat dihubungi.") % {"agency": to})
            else:
                messages.success(request, _("Laporan diteruskan ke %(agency)s.") % {"agency": to})
        elif action == "close":
            triage.report_close(actor=request.user, report=report, reason=form.reason(), idempotency_key=d["key"])
            messages.success(request, _("Laporan ditutup."))
    except ValidationError as exc:
        _attach_errors(form, exc)
        return None
    except NotFound:
        if action == "attach":
            form.add_error("case_reference", _("Tidak ada kasus dengan nomor ini yang dipimpin lembaga Anda."))
            form.not_found = True
            return None
        raise Http404 from None
    except PermissionDenied:
        form.add_error(None, _("Peran Anda tidak boleh melakukan ini."))
        return None
    return redirect("web:inbox")


@login_required
def my_reports(request):
    if not inbox.filing_office_ids(request.user):
        raise Http404
    rows = [{"report": r, "plain": tracking.plain_status(r)} for r in inbox.reports_filed_by(request.user)]
    return render(request, "web/inbox/my_reports.html", {"nav": "my_reports", "rows": rows})
