"""One-door oversight pages for the migrant-worker protection agency and task forces."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.access.policy import require_recruitment_oversight
from sinergi.core.errors import PermissionDenied
from sinergi.recruitment import selectors
from sinergi.recruitment.imports import COLUMNS, registry_import
from sinergi.recruitment.models import PlacementAgency, Recruiter


def _oversight(request):
    try:
        require_recruitment_oversight(request.user)
    except PermissionDenied:
        raise Http404 from None


@login_required
def overview(request):
    _oversight(request)
    return render(request, "web/recruitment/overview.html", {
        "nav": "recruitment", "agencies": selectors.agencies_at_a_glance()[:200],
        "recruiters": Recruiter.objects.prefetch_related("identifiers").order_by("-created_at")[:50],
    })


def _uuid_or_404(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


@login_required
def agency_detail(request, agency_id):
    _oversight(request)
    agency = get_object_or_404(PlacementAgency, pk=_uuid_or_404(agency_id))
    return render(request, "web/recruitment/agency.html", {"nav": "recruitment", **selectors.agency_overview(request.user, agency)})


@login_required
def recruiter_detail(request, recruiter_id):
    _oversight(request)
    recruiter = get_object_or_404(Recruiter, pk=_uuid_or_404(recruiter_id))
    return render(request, "web/recruitment/recruiter.html", {"nav": "recruitment", **selectors.recruiter_overview(request.user, recruiter)})


class RegistryImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Isi berkas"), choices=[
        ("agencies", gettext_lazy("Perusahaan penempatan dan status izin")), ("job_orders", gettext_lazy("Job order")),
        ("placements", gettext_lazy("Penempatan"))])
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
    return render(request, "web/recruitment/import.html", {"nav": "recruitment", "form": form, "result": result,
                                                           "columns": COLUMNS}, status=status)
