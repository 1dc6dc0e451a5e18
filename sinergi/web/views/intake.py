"""The intake page: take a report, screen it, open or link a case. Without JavaScript the region pickers are
refreshed by the "update areas" button; with htmx each picker fills the next one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.access.reporting import filing_office_ids
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.intake.submit import intake_submit
from sinergi.linkage.intake import possible_matches
from sinergi.regions.enums import Level

from ..forms_intake import IntakeForm, region_choices

MULTI = {"exploitation_types", "recruitment_apps", "ilo_indicators", "delphi_items", "consent_purposes",
         "consent_agency_types"}
FIELD_MAP = {"origin_village": "village", "origin_area": "village", "citizenship": "citizenship", "link_reference": "link_reference"}


def _initial_from(post) -> dict:
    return {k: (post.getlist(k) if k in MULTI else post.get(k)) for k in post if k != "csrfmiddlewaretoken"}


@login_required
def intake(request):
    principal = Principal.of(request.user)
    agencies = principal.agencies_with(Cap.CASE_CREATE)
    if not agencies:
        raise Http404
    # A village or district office files the report onward (no screening, no case): the form says so.
    offices = filing_office_ids(request.user)
    triage = [a for a in agencies if a not in offices]
    agency_id = triage[0] if triage else agencies[0]
    onward = agency_id in offices
    base = {"nav": "intake", "onward": onward}
    if request.method == "POST" and "refresh" in request.POST:
        form = IntakeForm(initial=_initial_from(request.POST))
        return render(request, "web/intake.html", {**base, "form": form})
    if request.method == "POST" and onward:
        post = request.POST.copy()
        post["decision"] = "none"
        form = IntakeForm(post)
    else:
        form = IntakeForm(request.POST or None, initial={"channel": "village", "decision": "none"} if onward else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            if request.POST.get("matches_checked") != "1":
                # Before a new person is created: likely existing persons, within what the user may know.
                matches = possible_matches(request.user, {
                    "full_name": d["full_name"], "sex": d["sex"], "date_of_birth": d["date_of_birth"],
                    "estimated_age": d["estimated_age"], "origin_village": d["village"], "phone": d["phone"]},
                    agency_id=agency_id)
                if matches:
                    return render(request, "web/intake.html", {"nav": "intake", "form": form, "matches": matches})
            try:
                result = intake_submit(
                    actor=request.user, agency_id=agency_id,
                    report={k: d[k] for k in ("channel", "reporter_name", "reporter_relation", "reporter_contact",
                                              "narrative", "country_of_exploitation", "last_known_location")}
                    | ({"received_at": d["received_at"]} if d["received_at"] else {}),
                    person={"full_name": d["full_name"], "sex": d["sex"], "date_of_birth": d["date_of_birth"],
                            "estimated_age": d["estimated_age"], "citizenship": d["citizenship"],
                            # As far as the family knows it: the village, else the district, regency or province.
                            "origin_area": d["village"] or d["district"] or d["regency"] or d["province"],
                            "phone": d["phone"], "address": d["address"]},
                    aliases=[a for a in d["aliases"].split(",") if a.strip()],
                    screening={"ilo_indicators": d["ilo_indicators"], "delphi_items": d["delphi_items"],
                               "victim_status": d["victim_status"], "decided_by_org": d["decided_by_org"]},
                    decision=d["decision"], link_reference=d["link_reference"],
                    case_details={"exploitation_types": d["exploitation_types"],
                                  "recruitment_apps": d["recruitment_apps"]},
                    consents=[{"purpose": p, "given": True, "method": d["consent_method"],
                               "agency_types": d["consent_agency_types"] if p == "referral" else []}
                              for p in d["consent_purposes"]],
                )
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    target = FIELD_MAP.get(field, field)
                    for m in msgs:
                        form.add_error(target if target in form.fields else None, m)
            except NotFound:
                # The case to link is not this agency's (or does not exist): "not found", nothing written.
                form.add_error("link_reference", _("Kasus tidak ditemukan."))
                status = 404
            except PermissionDenied:
                form.add_error(None, _("Peran Anda tidak boleh melakukan ini."))
            else:
                if onward:
                    messages.success(request, _("Laporan dikirim ke %(agency)s. Anda dapat mengikuti tindak lanjutnya di "
                                                "halaman Laporan saya.") % {"agency": result.report.agency})
                    return redirect("web:my_reports")
                if result.case:
                    messages.success(request, _("Laporan disimpan dan kasus %(ref)s dibuka/ditautkan.") % {"ref": result.case.reference})
                    return redirect("web:case_detail", case_id=result.case.pk)
                messages.success(request, _("Laporan disimpan."))
                return redirect("web:home")
    return render(request, "web/intake.html", {**base, "form": form}, status=status)


LEVELS = {"regency": (Level.REGENCY, "province"), "district": (Level.DISTRICT, "regency"),
          "village": (Level.VILLAGE, "district")}


@login_required
def region_options(request):
    """``<option>`` elements for the next region picker (htmx)."""
    level_name = request.GET.get("level", "")
    if level_name not in LEVELS:
        return HttpResponse(status=400)
    level, parent_param = LEVELS[level_name]
    # The intake form names its pickers "province", ...; the case list's filter "origin_province", ...
    parent = request.GET.get(parent_param) or request.GET.get(f"origin_{parent_param}") or None
    html = "".join(f'<option value="{escape(code)}">{escape(name)}</option>' for code, name in region_choices(level, parent))
    return HttpResponse(html)
