from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.exchange.models import ExchangeLog
from sinergi.exchange.services import exchange_status

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
