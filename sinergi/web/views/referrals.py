"""Sending a referral from the case page, and answering one as the receiving agency."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.access.visibility import referrals_visible_to
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.referrals import services
from sinergi.referrals.models import Referral

from ..forms_referrals import ReferralAnswerForm, ReferralForm
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
        referral = referrals_visible_to(request.user).select_related("case").get(pk=uuid.UUID(str(referral_id)))
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
    return redirect("web:case_detail", case_id=case.pk)
