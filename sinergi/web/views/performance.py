from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.analytics.referral_times import referral_performance

from .analytics import freshness


@login_required
def performance(request):
    """Acknowledgement and completion times per receiving agency: aggregated, for supervisors and analysts."""
    p = Principal.of(request.user)
    if not (p.can(Cap.AGGREGATES) or p.can(Cap.AUDIT_VIEW)):
        raise Http404
    # From the read models, as every page of figures: a request never reads the referral table.
    return render(request, "web/performance.html", {"nav": "performance", **referral_performance(), **freshness()})
