"""The public pages: no sign-in, Indonesian first, work without JavaScript on a cheap phone."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sinergi.core import clock
from sinergi.recruitment import rules
from sinergi.recruitment.models import Hotline
from sinergi.recruitment.selectors import hotline_directory, national_hotlines
from sinergi.recruitment.services import agency_lookup

from . import services
from .forms import OfferCheckForm, PublicReportForm, TrackForm

LIMITS = {"check": (30, 600), "report": (5, 3600), "track": (20, 600)}


def _too_many(request, action):
    limit, window = LIMITS[action]
    if services.rate_limited(request, action, limit, window):
        return render(request, "public/too_many.html", status=429)
    return None


def home(request):
    return render(request, "public/home.html", {"hotlines": national_hotlines()})


def hotlines(request):
    return render(request, "public/hotlines.html", {"directory": hotline_directory()})


def _hotlines(province: str | None, destination: str | None):
    q = Q(national=True)
    if province:
        q |= Q(province_id=province)
    if destination:
        q |= Q(country_id=destination)
    return Hotline.objects.filter(q).select_related("province", "country")


@never_cache
@require_http_methods(["GET", "POST"])
def check_offer(request):
    if request.method == "POST" and (limited := _too_many(request, "check")):
        return limited
    form = OfferCheckForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            usd = None
            if d["pay_amount"] is not None:
                rate = Decimal(str(settings.SINERGI_FX_TO_USD.get(d["pay_currency"], 0))) or None
                usd = (d["pay_amount"] * rate).quantize(Decimal("1")) if rate else None
            offer = rules.Offer(
                on=clock.today(), agency=agency_lookup(d["agency"]), agency_given=d["agency"],
                destination=d["destination"], position=d["position"], monthly_pay_usd=usd,
                needs_qualification={"yes": True, "no": False}.get(d["needs_qualification"]), channels=d["channels"],
                visa=d["visa"], fee_idr=d["fee_idr"],
            )
            hits = rules.evaluate(offer)
            result = {"level": rules.level(hits), "hits": hits, "hotlines": _hotlines(d["province"], d["destination"]),
                      "agency": offer.agency}
        else:
            status = 400
    return render(request, "public/check.html", {"form": form, "result": result}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    # Only reports that were accepted count toward the hourly limit: a family whose report was refused (a
    # typo, a link too many) must be able to correct it and send again.
    limit, window = LIMITS["report"]
    if request.method == "POST" and services.rate_used(request, "report", window) >= limit:
        return render(request, "public/too_many.html", status=429)
    form = PublicReportForm(request.POST or None, initial={"token": services.form_token()})
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            spam = services.spam_errors(d, d["token"], ["narrative", "person_name", "last_known_location",
                                                         "reporter_contact"])
            for field, msgs in spam.fields.items():
                for m in msgs:
                    form.add_error(None if field == "__all__" else field, m)
            if not spam:
                province_name = dict(form.fields["province"].choices).get(d["province"], "") if d["province"] else ""
                code, _report = services.public_report_submit(data={
                    "person_name": d["person_name"], "person_age": d["person_age"], "province": d["province"],
                    "province_name": province_name, "country_of_exploitation": d["destination"] or None,
                    "last_known_location": d["last_known_location"], "narrative": d["narrative"],
                    "reporter_contact": d["reporter_contact"], "reporter_relation": "publik",
                })
                services.rate_count(request, "report", window)
                return render(request, "public/report_done.html", {"code": code}, status=201)
        # Keep what was typed, with a fresh token for the next attempt.
        data = request.POST.copy()
        data["token"] = services.form_token()
        errors = form.errors
        form = PublicReportForm(data)
        form._errors = errors
        return render(request, "public/report.html", {"form": form}, status=400)
    return render(request, "public/report.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "POST" and (limited := _too_many(request, "track")):
        return limited
    form = TrackForm(request.POST or None)
    status_text = None
    status = 200
    if request.method == "POST" and form.is_valid():
        status_text = services.public_report_status(form.cleaned_data["code"])
        if status_text is None:
            # The same answer for a malformed and an unknown code: nothing to learn about other reports.
            form.add_error("code", _("Kode tidak dikenal. Periksa kembali penulisannya."))
            status = 404
    elif request.method == "POST":
        status = 400
    return render(request, "public/track.html", {"form": form, "status_text": status_text}, status=status)
