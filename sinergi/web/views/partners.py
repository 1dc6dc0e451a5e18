"""Asking a partner instance whether it holds the same person, without sending names (``linkage.federation``):
the form (a case of the reviewer's agency, a partner with an agreed key) and the answers so far."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.access.linkage import review_agency_ids
from sinergi.cases.selectors import case_by_reference
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.linkage import federation

PAGE_SIZE = 50


class PartnerQueryForm(forms.Form):
    case = forms.CharField(label=gettext_lazy("Nomor kasus lembaga Anda"), max_length=32)
    peer = forms.ChoiceField(label=gettext_lazy("Mitra"))

    def __init__(self, *args, peers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].choices = [(p.code, p.name) for p in peers]


@login_required
def partner_queries(request):
    agencies = review_agency_ids(request.user)
    if not agencies:
        raise Http404
    peers = list(federation.partners_with_keys())
    form = PartnerQueryForm(request.POST or None, peers=peers)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            found = [(a, case_by_reference(request.user, d["case"], lead_agency_id=a)) for a in agencies]
            agency_id, case = next(((a, c) for a, c in found if c is not None), (None, None))
            if case is None:
                form.add_error("case", _("Tidak ada kasus dengan nomor ini yang dipimpin lembaga Anda."))
            else:
                try:
                    federation.clk_query_send(actor=request.user, person=case.survivor,
                                              peer=next(p for p in peers if p.code == d["peer"]), agency_id=agency_id)
                except (NotFound, PermissionDenied):
                    form.add_error("case", _("Tidak ada kasus dengan nomor ini yang dipimpin lembaga Anda."))
                except ValidationError as exc:
                    for msgs in exc.message_dict.values():
                        for m in msgs:
                            form.add_error("peer", m)
                else:
                    messages.success(request, _("Pertanyaan dikirim ke mitra tanpa nama; jawabannya tampil di sini."))
                    return redirect("web:linkage_partners")
    return render(request, "web/linkage/partners.html", {
        "nav": "linkage", "form": form, "peers": peers,
        "queries": list(federation.queries_of(request.user)[:PAGE_SIZE])}, status=status)
