"""Case pages: the list with filters and search, and the case page with its actions. Thin: every read goes
through selectors, every write through services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.access.principal import Principal
from sinergi.access.projection import PAGE_PARTS, project_case, project_case_rows
from sinergi.access.reporting import filing_office_ids
from sinergi.access.sections import sight_of
from sinergi.access.ui import case_actions, has_case_list
from sinergi.agencies.models import Agency
from sinergi.cases import paging, selectors, services, worklist
from sinergi.cases.enums import STAGE_ORDER, Stage, moves_from
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid

from ..forms import (
    AttachmentForm,
    CaseFilterForm,
    ConsentForm,
    NoteForm,
    RevealForm,
    ServiceForm,
    TransitionForm,
)

PAGE_SIZE = 25
SORT_FIELDS = {"-reported_on": ("-reported_on", "-id"), "reported_on": ("reported_on", "id"),
               "stage_entered_at": ("stage_entered_at", "id"), "reference": ("reference",)}


def _attach_errors(form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        target = field if field in form.fields else None
        for m in msgs:
            form.add_error(target, m)


@login_required
def case_list(request):
    principal = Principal.of(request.user)
    if not has_case_list(request.user):
        if filing_office_ids(request.user):
            # A village or district office leads no case: what it follows are the reports it filed.
            return redirect("web:my_reports")
        raise Http404
    agencies = Agency.objects.filter(pk__in=principal.casework_agency_ids)
    form = CaseFilterForm(request.GET or None, agencies=agencies)
    filters = selectors.CaseFilters()
    sort = "-reported_on"
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.CaseFilters(
            stage=[d["stage"]] if d["stage"] else None, lead_agency=d["lead_agency"] or None,
            origin_province=d["origin_province"] or None, origin_regency=d["origin_regency"] or None,
            country_of_exploitation=d["country_of_exploitation"] or None,
            exploitation_type=d["exploitation_type"] or None, reported_from=d["reported_from"],
            reported_to=d["reported_to"], q=d["q"] or None,
        )
        sort = d["sort"] or sort
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    ordering = SORT_FIELDS[sort]
    # "Next" and "previous" carry the edge row (keyset: each page costs the same at any depth); a page number
    # alone (a typed or old link) is read from its offset.
    edge_after = paging.parse_position(request.GET.get("after", ""), ordering)
    edge_before = None if edge_after else paging.parse_position(request.GET.get("before", ""), ordering)
    if edge_before:
        back = paging.reversed_ordering(ordering)
        rows = selectors.case_page(request.user, filters, back, after=paging.after(back, edge_before),
                                   limit=PAGE_SIZE + 1)
        has_prev = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        has_next = True
    else:
        rows = selectors.case_page(
            request.user, filters, ordering, after=paging.after(ordering, edge_after) if edge_after else None,
            offset=0 if edge_after else (page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        has_prev = page > 1
    # Every parameter the user sent is kept (sealed unless it is one of the form's structured filters).
    selectors.audit_list_read(request.user, rows, filters={k: v for k, v in request.GET.items()
                                                          if k not in ("page", "after", "before")},
                              structured=set(form.fields) - {"q"})
    query = request.GET.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    context = {
        "nav": "cases", "form": form, "cases": project_case_rows(request.user, rows), "page": page,
        "has_next": has_next and bool(rows), "has_prev": has_prev and page > 1, "query": query.urlencode(),
        "next_after": paging.position_of(rows[-1], ordering) if rows else "",
        "prev_before": paging.position_of(rows[0], ordering) if rows else "",
        "filtering": any(v for k, v in request.GET.items() if k not in ("q", "page", "sort", "after", "before")),
    }
    template = "web/partials/case_rows.html" if request.headers.get("HX-Request") else "web/case_list.html"
    return render(request, template, context)


def _get_case(request, case_id, purpose=""):
    if as_uuid(case_id) is None:
        raise Http404
    try:
        return selectors.case_get(request.user, case_id, purpose=purpose)
    except NotFound:
        raise Http404 from None


@login_required
def case_detail(request, case_id):
    case = _get_case(request, case_id)
    return render(request, "web/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_transition(request, case_id):
    case = _get_case(request, case_id, purpose="transition")
    form = TransitionForm(request.POST)
    form.fields["to_stage"].choices = Stage.choices

    def write(d):
        services.case_transition(
            actor=request.user, case=case, to_stage=d["to_stage"], at=d["at"], outcome=d["outcome"],
            note=d["note"], idempotency_key=d["idempotency_key"],
            data={"travel_document_number": d["travel_document_number"], "port_of_entry": d["port_of_entry"]},
        )

    return _case_form_post(request, case, form, "transition_form", write, done=_("Tahap kasus diperbarui."),
                           denied=_("Peran Anda tidak boleh melakukan perpindahan ini."))


@login_required
@require_POST
def note_add(request, case_id):
    case = _get_case(request, case_id, purpose="note")
    return _case_form_post(
        request, case, NoteForm(request.POST), "note_form",
        lambda d: services.note_add(actor=request.user, case=case, body=d["body"]),
        done=_("Catatan disimpan."), denied=_("Peran Anda tidak boleh menambah catatan."))


@login_required
@require_POST
def reveal(request, case_id):
    """Show masked fields of this case for the rest of the session, with a purpose that is audited."""
    from django.db import transaction

    from sinergi.audit.enums import Action
    from sinergi.audit.services import audit_log

    case = _get_case(request, case_id, purpose="reveal")
    form = RevealForm(request.POST)
    sight = sight_of(request.user, case)
    actions = case_actions(request.user, case, sight)
    if form.is_valid() and actions.get(f"reveal_{form.cleaned_data['what']}"):
        what = form.cleaned_data["what"]
        with transaction.atomic():
            audit_log(actor=Principal.of(request.user).actor(sight.agency_id), action=Action.REVEAL,
                      object_type="person", object_id=case.survivor_id, purpose=form.cleaned_data["purpose"],
                      detail={"case": str(case.pk), "fields": what})
        key = f"reveal:{case.pk}"
        request.session[key] = sorted(set(request.session.get(key, [])) | {what})
        return redirect("web:case_detail", case_id=case.pk)
    if form.is_valid():
        raise Http404  # a role that may not see these fields does not learn they exist
    return _rerender_with(request, case, "reveal_form", form, status=400)


def _case_form_post(request, case, form, name, write, *, done, denied):
    """A form of the case page: validate, write through the service, back to the page with ``done``; or the
    page again (400) with the service's errors next to the fields and what was typed kept."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
            messages.success(request, done)
            return redirect("web:case_detail", case_id=case.pk)
        except ValidationError as exc:
            _attach_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, denied)
    return _rerender_with(request, case, name, form, status=400)


def _rerender_with(request, case, name, form, status):
    """The case page again, with the bound form in place of the blank one: errors next to the fields, input kept."""
    context = _detail_context(request, case)
    if name == "transition_form" and context.get(name) is not None:
        # After a refused move, offer what the page offers: the moves allowed from the current stage.
        form.fields["to_stage"].choices = context[name].fields["to_stage"].choices
    return render(request, "web/case_detail.html", {**context, name: form}, status=status)


def _detail_context(request, case):
    """The case page renders the projection of the case for this reader (``access.projection``), never the
    model: sections that were not shared with the reader's agency are not in it."""
    from sinergi.referrals.enums import ACTIVE, RECEIVER_MOVES

    from ..forms_referrals import ReferralForm

    sight = sight_of(request.user, case)
    actions = case_actions(request.user, case, sight)
    view = project_case(request.user, case, sight=sight, include=PAGE_PARTS,
                        revealed=request.session.get(f"reveal:{case.pk}", []))
    referrals = [{
        "view": r, "answers": sorted(RECEIVER_MOVES.get(r.status, ())) if r.incoming else [],
        "may_withdraw": view.full and actions["refer"] and r.outgoing and r.status in ACTIVE,
    } for r in view.referrals]
    durations = {d.stage: d for d in view.stages}
    current_index = STAGE_ORDER.index(Stage(view.stage))
    stagebar = [{"stage": s, "label": s.label,
                 "state": "current" if s == view.stage else ("done" if durations.get(s) or i < current_index else "todo"),
                 "days": durations[s].days if s in durations else None} for i, s in enumerate(STAGE_ORDER)]
    allowed = moves_from(view.stage, caps=actions["caps"])
    tf = TransitionForm(initial={"idempotency_key": uuid.uuid4().hex})
    tf.fields["to_stage"].choices = [(s.value, s.label) for s in allowed]
    return {
        "nav": "cases", "case": view, "actions": actions, "stagebar": stagebar, "revealed": view.revealed,
        "referrals": referrals,
        "referral_form": ReferralForm(exclude_agency=case.lead_agency_id, initial={"idempotency_key": uuid.uuid4().hex})
        if actions.get("refer") else None,
        "transition_form": tf if allowed and actions["transition"] else None,
        "note_form": NoteForm() if actions["edit"] else None, "reveal_form": RevealForm(),
        "service_form": ServiceForm(initial={"started_on": clock.today()}) if actions["edit"] else None,
        "attachment_form": AttachmentForm() if actions["edit"] else None,
        "overdue": worklist.is_overdue(case), "days_in_stage": worklist.days_in_stage(case),
        "consent_form": ConsentForm() if actions["consent"] and view.full else None,
        "consent_now": _consent_now(view.consents),
    }


def _consent_now(consents):
    """The latest answer for each purpose (the projection gives them newest first)."""
    from sinergi.people.enums import ConsentPurpose

    if consents is None:
        return []
    latest = {}
    for c in consents:
        latest.setdefault(c.purpose, c)
    return [{"purpose": p, "label": p.label, "view": latest.get(p.value)} for p in ConsentPurpose]


@login_required
@require_POST
def consent_add(request, case_id):
    """Record the survivor's consent for one purpose, or its withdrawal (``people.services.consent_record``)."""
    from sinergi.people.services import consent_record

    case = _get_case(request, case_id, purpose="consent")
    if not sight_of(request.user, case).full:
        raise Http404
    return _case_form_post(
        request, case, ConsentForm(request.POST), "consent_form",
        lambda d: consent_record(actor=request.user, person=case.survivor, agency_id=case.lead_agency_id,
                                 purpose=d["purpose"], given=d["given"] == "yes", method=d["method"],
                                 agency_types=d["agency_types"], note=d["note"]),
        done=_("Persetujuan dicatat."), denied=_("Peran Anda tidak boleh mencatat persetujuan."))


@login_required
@require_POST
def service_add(request, case_id):
    case = _get_case(request, case_id, purpose="service")
    return _case_form_post(
        request, case, ServiceForm(request.POST), "service_form",
        lambda d: services.service_add(actor=request.user, case=case, data=d),
        done=_("Layanan dicatat."), denied=_("Peran Anda tidak boleh mencatat layanan."))


@login_required
@require_POST
def attachment_upload(request, case_id):
    from sinergi.cases.attachments import attachment_add

    case = _get_case(request, case_id, purpose="attachment")
    return _case_form_post(
        request, case, AttachmentForm(request.POST, request.FILES), "attachment_form",
        lambda d: attachment_add(actor=request.user, case=case, uploaded=d["file"], description=d["description"]),
        done=_("Lampiran diunggah."), denied=_("Peran Anda tidak boleh mengunggah lampiran."))


@login_required
def attachment_download(request, case_id, attachment_id):
    from django.http import FileResponse

    from sinergi.cases.attachments import attachment_open
    from sinergi.cases.models import Attachment

    case = _get_case(request, case_id, purpose="attachment download")
    try:
        attachment = Attachment.objects.get(pk=as_uuid(attachment_id), case=case)
    except (ValueError, Attachment.DoesNotExist):
        raise Http404 from None
    try:
        fh = attachment_open(actor=request.user, attachment=attachment)
    except (NotFound, PermissionDenied):
        raise Http404 from None
    return FileResponse(fh, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type)
