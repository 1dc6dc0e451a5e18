"""One-door oversight pages for the migrant-worker protection agency and task forces."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinergi.access.policy import require_recruitment_oversight
from sinergi.core.errors import PermissionDenied
from sinergi.core.ids import as_uuid
from sinergi.recruitment import selectors, services
from sinergi.recruitment.imports import COLUMNS, EXAMPLES, REQUIRED, registry_import
from sinergi.recruitment.models import PlacementAgency, Recruiter, RiskFlag

from ..forms_recruitment import REOPEN, FlagFilterForm, FlagReviewForm
from .cases import _attach_errors


def _oversight(request):
    try:
        require_recruitment_oversight(request.user)
    except PermissionDenied:
        raise Http404 from None


def _with_review_forms(flags, next_url: str, bound: FlagReviewForm | None = None):
    for f in flags:
        f.review_form = bound if bound is not None and bound.flag.pk == f.pk else \
            FlagReviewForm(flag=f, initial={"next": next_url})
    return flags


def _overview(request, *, bound: FlagReviewForm | None = None, status: int = 200):
    filter_form = FlagFilterForm(request.GET or None)
    chosen = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    if request.GET and not filter_form.is_valid():
        status = 400
    flags = selectors.flags_for_review(chosen)
    if bound is not None and bound.flag.pk not in {f.pk for f in flags}:
        selectors.attach_subjects([bound.flag])
        flags.insert(0, bound.flag)
    next_url = request.get_full_path() if request.method == "GET" else reverse("web:recruitment")
    return render(request, "web/recruitment/overview.html", {
        "nav": "recruitment", "agencies": selectors.agencies_at_a_glance()[:200],
        "recruiters": Recruiter.objects.prefetch_related("identifiers").order_by("-created_at")[:50],
        "flags": _with_review_forms(flags, next_url, bound), "flag_filter": filter_form, "flag_status": chosen,
        "flag_counts": selectors.flag_counts(),
    }, status=status)


@login_required
def overview(request):
    _oversight(request)
    return _overview(request)


def _uuid_or_404(value):
    key = as_uuid(value)
    if key is None:
        raise Http404
    return key


@login_required
def agency_detail(request, agency_id):
    _oversight(request)
    agency = get_object_or_404(PlacementAgency, pk=_uuid_or_404(agency_id))
    context = selectors.agency_overview(request.user, agency)
    _with_review_forms(context["flags"], request.get_full_path())
    return render(request, "web/recruitment/agency.html", {"nav": "recruitment", **context})


@login_required
def recruiter_detail(request, recruiter_id):
    _oversight(request)
    recruiter = get_object_or_404(Recruiter, pk=_uuid_or_404(recruiter_id))
    context = selectors.recruiter_overview(request.user, recruiter)
    _with_review_forms(context["flags"], request.get_full_path())
    return render(request, "web/recruitment/recruiter.html", {"nav": "recruitment", **context})


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("web:recruitment")


@login_required
@require_POST
def flag_review(request, flag_id):
    """Confirm, dismiss or reopen one flag. Errors re-render the overview with this flag's form (400)."""
    _oversight(request)
    flag = get_object_or_404(RiskFlag.objects.select_related("rule", "resolved_by"), pk=_uuid_or_404(flag_id))
    form = FlagReviewForm(request.POST, flag=flag)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == REOPEN:
                services.risk_flag_reopen(actor=request.user, flag=flag, reason=d["reason"])
            else:
                services.risk_flag_resolve(actor=request.user, flag=flag, decision=d["decision"], reason=d["reason"])
            messages.success(request, _("Tinjauan tanda risiko disimpan."))
            return redirect(_safe_next(request, d["next"]))
        except ValidationError as exc:
            _attach_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
    return _overview(request, bound=form, status=400)


KIND_LABELS = {
    "agencies": gettext_lazy("Perusahaan penempatan dan status izin"), "job_orders": gettext_lazy("Job order"),
    "placements": gettext_lazy("Penempatan"), "branches": gettext_lazy("Kantor cabang perusahaan"),
    "directors": gettext_lazy("Direksi perusahaan"),
}


class RegistryImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Isi berkas"), choices=list(KIND_LABELS.items()))
    file = forms.FileField(label=gettext_lazy("Berkas CSV atau Excel (.xlsx)"))
    partial = forms.BooleanField(label=gettext_lazy("Impor baris yang benar walau ada baris yang salah"), required=False)


@login_required
def registry_upload(request):
    _oversight(request)
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        result = registry_import(actor=request.user, kind=form.cleaned_data["kind"], data=f.read(), filename=f.name,
                                 partial=form.cleaned_data["partial"])
        status = 200 if result.imported else 400
        if result.imported:
            messages.success(request, _("Impor selesai: %(c)s baru, %(u)s diperbarui, %(n)s tanpa perubahan.")
                             % {"c": result.created, "u": result.updated, "n": result.unchanged})
    elif request.method == "POST":
        status = 400
    formats = [{"kind": kind, "label": KIND_LABELS[kind], "columns": cols, "required": REQUIRED[kind],
                "example": EXAMPLES[kind]} for kind, cols in COLUMNS.items()]
    return render(request, "web/recruitment/import.html", {"nav": "recruitment", "form": form, "result": result,
                                                           "columns": COLUMNS, "formats": formats}, status=status)
