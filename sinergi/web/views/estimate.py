"""The hidden-victims page for analysts: choose the period, region and lists; see the estimate, its interval,
the model and the plain-language caveats. Aggregates only (``analytics.hidden``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from sinergi.access.policy import require_aggregates
from sinergi.agencies.enums import AgencyType
from sinergi.analytics import mse
from sinergi.analytics.hidden import HiddenQuery, hidden_estimate
from sinergi.core.errors import PermissionDenied

from ..forms_estimate import EstimateForm


@login_required
def estimate_page(request):
    try:
        require_aggregates(request.user)
    except PermissionDenied:
        raise Http404 from None
    from .analytics import SECTION_TITLES

    context = {"nav": "analytics", "caveats": mse.caveats(), "sections": SECTION_TITLES}
    if not request.GET:
        return render(request, "web/analytics/estimate.html", {**context, "form": EstimateForm()})
    form = EstimateForm(request.GET)
    if not form.is_valid():
        return render(request, "web/analytics/estimate.html", {**context, "form": form}, status=400)
    d = form.cleaned_data
    query = HiddenQuery(d["date_from"], d["date_to"], d.get("region") or "", tuple(d["lists"]))
    try:
        result = hidden_estimate(actor=request.user, query=query)
    except ValidationError as exc:
        return render(request, "web/analytics/estimate.html",
                      {**context, "form": form, "problems": mse.messages_of(exc)}, status=400)
    est = result.estimate
    labels = dict(AgencyType.choices)
    return render(request, "web/analytics/estimate.html", {
        **context, "form": form, "result": result, "est": est,
        "list_rows": [(labels.get(name, name), result.list_sizes.get(name, 0)) for name in result.lists],
        "interactions": [" × ".join(str(labels.get(x, x)) for x in term.split(":"))
                         for term in est["model"]["interactions"]],
        "linkage": est.get("linkage")})
