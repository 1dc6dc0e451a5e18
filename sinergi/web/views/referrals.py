"""Sending a referral from the case page, and answering one as the receiving agency."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.access.visibility import referrals_visible_to
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid
from sinergi.referrals import services
from sinergi.referrals.models import Referral

from ..forms_referrals import ReferralAnswerForm, ReferralAttachmentForm, ReferralForm, ReferralNoteForm
from .cases import _case_form_post, _get_case


@login_required
@require_POST
def referral_send(request, case_id):
    case = _get_case(request, case_id, purpose="referral")
    form = ReferralForm(request.POST, exclude_agency=case.lead_agency_id)
    return _case_form_post(
        request, case, form, "referral_form",
        lambda d: services.referral_send(actor=request.user, case=case, type=d["type"], to_agency=d["to_agency"],
                                         sections=d["sections"] or None, message=d["message"],
                                         consent_override_reason=d["consent_override_reason"],
                                         idempotency_key=d["idempotency_key"] or None),
        done=_("Rujukan dikirim."), denied=_("Peran Anda tidak boleh mengirim rujukan."))


@login_required
@require_POST
def referral_answer(request, referral_id):
    try:
        referral = referrals_visible_to(request.user).select_related("case").get(pk=as_uuid(referral_id))
    except (ValueError, Referral.DoesNotExist):
        raise Http404 from None
    case = _get_case(request, referral.case_id, purpose="referral answer")
    form = ReferralAnswerForm(request.POST)
    if not form.is_valid():
        raise Http404
    d = form.cleaned_data
    try:
        if d["status"] == "withdrawn":
            services.referral_withdraw(actor=request.user, referral=referral, reason=d["reason"])
        else:
            services.referral_respond(actor=request.user, referral=referral, to_status=d["status"],
                                      reason=d["reason"], outcome=d["outcome"])
        messages.success(request, _("Rujukan diperbarui."))
    except (NotFound, PermissionDenied):
        raise Http404 from None
    except ValidationError as exc:
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
    return _back(request, referral)


def _back(request, referral):
    """Back to the case page while the reader may still see the case; else to the referral's own record (a
    receiver that completed or declined no longer sees the case, but keeps the record of what it did)."""
    from sinergi.access.sections import sight_of
    from sinergi.cases.models import Case

    case = Case.objects.filter(pk=referral.case_id).select_related("survivor").first()
    if case is not None and sight_of(request.user, case).visible:
        return redirect("web:case_detail", case_id=case.pk)
    return redirect("web:referral_detail", referral_id=referral.pk)


def _get_referral(request, referral_id):
    try:
        return (referrals_visible_to(request.user).select_related("case", "from_agency", "to_agency")
                .get(pk=as_uuid(referral_id)))
    except (ValueError, Referral.DoesNotExist):
        raise Http404 from None


def _record(request, referral, status=200, **forms):
    """The referral's record page (``referral_detail``), with bound forms in place of blank ones after a refusal."""
    from django.shortcuts import render

    from sinergi.access.projection_parts import project_referral
    from sinergi.access.sections import sight_of
    from sinergi.referrals.enums import ACTIVE

    view = project_referral(request.user, referral)
    may_add = view.incoming and referral.status in ACTIVE
    context = {
        "nav": "cases", "referral": view, "case_visible": sight_of(request.user, referral.case).visible,
        "note_form": ReferralNoteForm() if may_add else None,
        "attachment_form": ReferralAttachmentForm() if may_add else None,
    }
    context.update({k: v for k, v in forms.items() if may_add})
    return render(request, "web/referral_detail.html", context, status=status)


@login_required
def referral_detail(request, referral_id):
    """A referral's record for its sender and its receiver: the request, its answers, and what the receiving
    agency added to it. Read through the projection; audited as a read."""
    from django.db import transaction

    from sinergi.access.principal import Principal
    from sinergi.audit.enums import Action
    from sinergi.audit.services import audit_log

    referral = _get_referral(request, referral_id)
    principal = Principal.of(request.user)
    through = referral.to_agency_id if referral.to_agency_id in principal.casework_agency_ids \
        else referral.from_agency_id
    with transaction.atomic():
        audit_log(actor=principal.actor(through), action=Action.READ, object_type="referral",
                  object_id=referral.pk, detail={"case": str(referral.case_id)})
    return _record(request, referral)


def _addition(request, referral_id, form, name, write, done):
    """Add a note or a file to a referral (its receiver); refused: the record page again, 400, the error next
    to the field."""
    referral = _get_referral(request, referral_id)
    if form.is_valid():
        try:
            write(referral, form.cleaned_data)
            messages.success(request, done)
            return redirect("web:referral_detail", referral_id=referral.pk)
        except (NotFound, PermissionDenied):
            raise Http404 from None
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
    return _record(request, referral, status=400, **{name: form})


@login_required
@require_POST
def referral_note(request, referral_id):
    from sinergi.cases.services import referral_note_add

    return _addition(request, referral_id, ReferralNoteForm(request.POST), "note_form",
                     lambda r, d: referral_note_add(actor=request.user, referral=r, body=d["body"]),
                     _("Catatan ditambahkan pada rujukan."))


@login_required
@require_POST
def referral_attachment(request, referral_id):
    from sinergi.cases.attachments import referral_attachment_add

    return _addition(request, referral_id, ReferralAttachmentForm(request.POST, request.FILES), "attachment_form",
                     lambda r, d: referral_attachment_add(actor=request.user, referral=r, uploaded=d["file"],
                                                          description=d["description"]),
                     _("Lampiran ditambahkan pada rujukan."))


@login_required
def referral_attachment_download(request, referral_id, attachment_id):
    from django.http import FileResponse

    from sinergi.cases.attachments import attachment_open
    from sinergi.cases.models import Attachment

    referral = _get_referral(request, referral_id)
    try:
        attachment = Attachment.objects.select_related("case", "referral").get(
            pk=as_uuid(attachment_id), referral=referral)
        fh = attachment_open(actor=request.user, attachment=attachment)
    except (ValueError, Attachment.DoesNotExist, NotFound, PermissionDenied):
        raise Http404 from None
    return FileResponse(fh, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)
