from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.exchange.models import ExchangeLog
from sinergi.exchange.services import exchange_status
from sinergi.referrals.selectors import agency_performance

from ..exchange_words import log_rows


@login_required
def exchange(request):
    """Peers, what is queued, delivered or failed, and the latest messages in and out (no personal data)."""
    p = Principal.of(request.user)
    if not (p.can(Cap.AUDIT_VIEW) or p.can(Cap.REFERENCE_ADMIN)):
        raise Http404
    return render(request, "web/exchange.html", {
        "nav": "exchange", "status": exchange_status(), "log": log_rows(ExchangeLog.objects.all()[:50]),
    })


@login_required
def performance(request):
    """Acknowledgement and completion times per receiving agency: aggregated, for supervisors and analysts."""
    p = Principal.of(request.user)
    if not (p.can(Cap.AGGREGATES) or p.can(Cap.AUDIT_VIEW)):
        raise Http404
    return render(request, "web/performance.html", {"nav": "performance", "rows": agency_performance()})
