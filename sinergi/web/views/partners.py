"""Asking a partner instance whether it holds the same person, without sending names (``linkage.federation``):
the form (a case of the reviewer's agency, a partner with an agreed key) and the answers so far."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.access.linkage import review_agency_ids
from sinergi.linkage import federation

PAGE_SIZE = 50


class PartnerQueryForm(forms.Form):
    case = forms.CharField(label=gettext_lazy("Nomor kasus lembaga Anda"), max_length=32)
    peer = forms.ChoiceField(label=gettext_lazy("Mitra"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, peers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].choices = [(p.code, p.name) for p in peers]


@login_required
def partner_queries(request):
    agencies = review_agency_ids(request.user)
    if not agencies:
        raise Http404
    peers = list(federation.partners_with_keys())
    form = PartnerQueryForm(request.POST or None, peers=peers, initial={"idempotency_key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                federation.clk_query_for_case(actor=request.user, case_reference=d["case"], peer_code=d["peer"],
                                              idempotency_key=d["idempotency_key"] or None)
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for m in msgs:
                        form.add_error(field if field in form.fields else None, m)
            else:
                messages.success(request, _("Pertanyaan dikirim ke mitra tanpa nama; jawabannya tampil di sini."))
                return redirect("web:linkage_partners")
    queries = list(federation.queries_of(request.user)[:PAGE_SIZE])
    federation.audit_queries_read(request.user, queries, via="page")
    return render(request, "web/linkage/partners.html", {
        "nav": "linkage", "form": form, "peers": peers,
        "queries": queries}, status=status)
