"""Notices pages: the list of notices issued and received, issuing one, and the notice page with its answers,
referrals opened from answers and closing. Thin: reads through ``referrals.notices`` selectors (visibility first),
writes through its services, what to offer from ``access.ui``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.access.principal import Principal
from sinergi.access.projection_parts import project_notice, project_notices
from sinergi.access.ui import notice_actions, notice_issuing_agencies
from sinergi.agencies.models import Agency
from sinergi.cases.selectors import case_by_reference
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid
from sinergi.referrals import notices
from sinergi.referrals.models import Notice, NoticeAnswer

from ..forms_referrals import NoticeAnswerForm, NoticeForm, NoticeReferralForm
from .cases import _attach_errors

PAGE_SIZE = 25
STATUS_FILTERS = ("", Notice.Status.OPEN, Notice.Status.CLOSED)


@login_required
def notice_list(request):
    if not Principal.of(request.user).casework_agency_ids:
        raise Http404
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    offset = (page - 1) * PAGE_SIZE
    rows = list(notices.notice_list(request.user, status=status or None)[offset: offset + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    notices.notices_audit_list_read(request.user, rows, filters={"status": status} if status else None)
    filters = [("", _("Semua")), (Notice.Status.OPEN, _("Terbuka")), (Notice.Status.CLOSED, _("Ditutup"))]
    return render(request, "web/notice_list.html", {
        "nav": "notices", "notices": project_notices(request.user, rows), "status": status, "filters": filters, "page": page,
        "has_next": has_next, "has_prev": page > 1, "query": f"status={status}" if status else "",
    })


def _issuing_agencies(request) -> list:
    ids = notice_issuing_agencies(request.user)
    if not ids:
        raise Http404  # a role that may not issue notices does not see the form, nor may it post one
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


@login_required
def notice_new(request):
    agencies = _issuing_agencies(request)
    if request.method != "POST":
        form = NoticeForm(agencies=agencies, initial={"case": request.GET.get("case", "")[:40]})
        return render(request, "web/notice_form.html", {"nav": "notices", "form": form})
    form = NoticeForm(request.POST, request.FILES, agencies=agencies)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        agency_id = as_uuid(d["agency"])
        case = None
        if d["case"]:
            # A notice about a case names its survivor: only a case the issuing agency leads. Any other answers
            # "not found" (404), as a number that does not exist, with the form kept.
            case = case_by_reference(request.user, d["case"], lead_agency_id=agency_id)
            if case is None:
                form.add_error("case", _("Tidak ada kasus dengan nomor ini yang dipimpin lembaga Anda."))
                status = 404
        if not form.errors:
            try:
                notice = notices.notice_issue(
                    actor=request.user, agency_id=agency_id, kind=d["kind"], description=d["description"],
                    recipients=list(d["recipients"]), subject_name=d["subject_name"],
                    last_known_place=d["last_known_place"], last_known_country=d["last_known_country"] or None,
                    last_seen_on=d["last_seen_on"], case=case, photo=d["photo"])
            except ValidationError as exc:
                _attach_errors(form, exc)
            except (NotFound, PermissionDenied):
                raise Http404 from None
            else:
                messages.success(request, _("Pemberitahuan diterbitkan."))
                return redirect("web:notice_detail", notice_id=notice.pk)
    return render(request, "web/notice_form.html", {"nav": "notices", "form": form}, status=status)


def _get_notice(request, notice_id) -> Notice:
    try:
        return notices.notice_get(request.user, notice_id)
    except NotFound:
        raise Http404 from None


def _answer_prefix(answer) -> str:
    return f"ref-{answer.pk}"


def _detail_context(request, notice, *, answer_form=None, referral_forms=None) -> dict:
    """The notice page renders the notice's projection for this reader (``access.projection_parts``): the issuer
    sees recipients, every answer and the case; a recipient sees the notice and its own agency's answers."""
    actions = notice_actions(request.user, notice)
    referral_forms = referral_forms or {}
    view = project_notice(request.user, notice)
    answers = []
    for a in view.answers:
        form = None
        if actions["refer"] and a.referral_id is None and a.agency_id != notice.issued_by_id:
            form = referral_forms.get(a.id) or NoticeReferralForm(prefix=f"ref-{a.id}")
        answers.append({"view": a, "referral_form": form})
    is_open = notice.status == Notice.Status.OPEN
    return {
        "nav": "notices", "notice": view, "actions": actions, "answers": answers,
        "recipients": view.recipients or [],
        "answer_form": (answer_form or NoticeAnswerForm()) if actions["answer"] and is_open else None,
    }


@login_required
def notice_detail(request, notice_id):
    notice = _get_notice(request, notice_id)
    return render(request, "web/notice_detail.html", _detail_context(request, notice))


@login_required
@require_POST
def notice_answer(request, notice_id):
    notice = _get_notice(request, notice_id)
    if not notice_actions(request.user, notice)["answer"]:
        raise Http404
    form = NoticeAnswerForm(request.POST)
    if form.is_valid():
        try:
            notices.notice_answer(actor=request.user, notice=notice, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _attach_errors(form, exc)
        except NotFound:
            raise Http404 from None
        else:
            messages.success(request, _("Jawaban dikirim."))
            return redirect("web:notice_detail", notice_id=notice.pk)
    context = _detail_context(request, notice, answer_form=form)
    if context["answer_form"] is None:  # closed meanwhile: keep the text and say why it was not sent
        context["answer_form"] = form
    return render(request, "web/notice_detail.html", context, status=400)


@login_required
@require_POST
def notice_answer_refer(request, notice_id, answer_id):
    notice = _get_notice(request, notice_id)
    if not notice_actions(request.user, notice)["refer"]:
        raise Http404
    try:
        answer = NoticeAnswer.objects.select_related("agency", "notice__case").get(
            pk=as_uuid(answer_id), notice=notice)
    except (ValueError, NoticeAnswer.DoesNotExist):
        raise Http404 from None
    if answer.referral_id:
        messages.info(request, _("Rujukan dari jawaban ini sudah dibuka."))
        return redirect("web:notice_detail", notice_id=notice.pk)
    form = NoticeReferralForm(request.POST, prefix=_answer_prefix(answer))
    if form.is_valid():
        try:
            notices.notice_answer_refer(actor=request.user, answer=answer, type=form.cleaned_data["type"],
                                        consent_override_reason=form.cleaned_data["consent_override_reason"])
        except ValidationError as exc:
            _attach_errors(form, exc)
        except (NotFound, PermissionDenied):
            raise Http404 from None
        else:
            messages.success(request, _("Rujukan dikirim ke %(agency)s.") % {"agency": answer.agency})
            return redirect("web:notice_detail", notice_id=notice.pk)
    context = _detail_context(request, notice, referral_forms={answer.pk: form})
    return render(request, "web/notice_detail.html", context, status=400)


@login_required
@require_POST
def notice_close(request, notice_id):
    notice = _get_notice(request, notice_id)
    if not notice_actions(request.user, notice)["close"]:
        raise Http404
    try:
        notices.notice_close(actor=request.user, notice=notice)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Pemberitahuan ditutup."))
    return redirect("web:notice_detail", notice_id=notice.pk)


@login_required
def notice_photo(request, notice_id):
    """The photo, only to users who may see the notice, audited; never a public media URL."""
    try:
        fh, content_type = notices.notice_photo_open(request.user, notice_id)
    except NotFound:
        raise Http404 from None
    response = FileResponse(fh, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
