"""Analytics pages: the task-force and national dashboards, agencies' performance pages, the annual report and
the de-identified release. Aggregates only, read from the analytics read models; every table as CSV too."""

from __future__ import annotations

import csv
import io
import tempfile

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.access.policy import agencies_with_own_figures, require_agency_figures, require_aggregates
from sinergi.access.principal import Principal
from sinergi.agencies.models import Agency
from sinergi.analytics import sections, tables
from sinergi.analytics.deid import min_cell
from sinergi.analytics.figures import STAGES, Filters
from sinergi.analytics.refresh import REFRESH_SECONDS, last_refresh
from sinergi.analytics.services import release_export, report_export
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid

from ..forms_analytics import FigureFilterForm, ReleaseForm, ReportForm

SECTION_TITLES = {
    "pathway": gettext_lazy("Alur penanganan"), "stages": gettext_lazy("Lama tiap tahap"),
    "referrals": gettext_lazy("Rujukan"), "places": gettext_lazy("Peta dan negara"),
    "recruitment": gettext_lazy("Perekrutan"), "border": gettext_lazy("Perbatasan"),
}


def _aggregates(request):
    try:
        require_aggregates(request.user)
    except PermissionDenied:
        raise Http404 from None


def freshness() -> dict:
    """When the figures were counted, how often, and the small-cell threshold: for every page of figures."""
    state = last_refresh()
    return {"as_of": state.as_of if state else None, "refresh_minutes": max(1, REFRESH_SECONDS // 60),
            "k": min_cell()}


def _filters(request) -> tuple[FigureFilterForm, Filters | None]:
    form = FigureFilterForm(request.GET or None)
    if not request.GET:
        return form, Filters()
    if form.is_valid():
        return form, form.filters()
    return form, None


@login_required
def dashboard(request, section: str = "pathway"):
    _aggregates(request)
    if section not in tables.SECTIONS:
        raise Http404
    form, f = _filters(request)
    context = {"nav": "analytics", "section": section, "sections": SECTION_TITLES, "form": form,
               "title": SECTION_TITLES[section], "query": request.GET.urlencode(), **freshness()}
    if f is None:
        return render(request, "web/analytics/dashboard.html", {**context, "tables": []}, status=400)
    context["tables"] = tables.section(section, f)
    return render(request, "web/analytics/dashboard.html", context)


def _csv_response(name: str, table_list) -> HttpResponse:
    buf = io.StringIO()
    w = csv.writer(buf)
    for t in table_list:
        w.writerow([t.title])
        w.writerow([label for _k, label in t.columns])
        for row in t.rows:
            w.writerow(["" if v is None else v for v in row])
        w.writerow([])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sinergi-{name}.csv"'
    return response


@login_required
def dashboard_csv(request, section: str):
    _aggregates(request)
    if section not in tables.SECTIONS:
        raise Http404
    form, f = _filters(request)
    if f is None:
        return HttpResponse(_("Filter tidak sah."), status=400, content_type="text/plain; charset=utf-8")
    only = request.GET.get("table")
    table_list = [t for t in tables.section(section, f) if not only or t.key == only]
    return _csv_response(section if not only else f"{section}-{only}", table_list)


# -- agencies --------------------------------------------------------------------------------------------

@login_required
def agency_list(request):
    p = Principal.of(request.user)
    try:
        require_aggregates(request.user)
        agencies = Agency.objects.filter(is_active=True, peer=None).order_by("name")
    except PermissionDenied:
        own = agencies_with_own_figures(request.user)
        if not own:
            raise Http404 from None
        agencies = Agency.objects.filter(pk__in=own).order_by("name")
    return render(request, "web/analytics/agencies.html", {"nav": "analytics_agencies", "agencies": agencies,
                                                           "aggregates": p.can("aggregates"), **freshness()})


def _labels_for_rows(rows):
    stage = tables.Labels().stage
    names = {"ack": _("Jam sampai rujukan dikonfirmasi (median)"), "done": _("Hari sampai rujukan selesai (median)"),
             "on_time": _("Bagian rujukan yang dikonfirmasi tepat waktu")}
    for r in rows:
        if r["key"].startswith("stage:"):
            r["label"] = _("Hari di tahap %(stage)s (median)") % {"stage": stage[r["stage"]]}
        else:
            r["label"] = names[r["key"]]
        if r["unit"] == "share":
            r["own_text"] = "—" if r["own"] is None else f"{round(r['own'] * 100)}%"
            r["region_text"] = "—" if r["region"] is None else f"{round(r['region'] * 100)}%"
        else:
            r["own_text"] = "—" if r["own"] is None else r["own"]
            r["region_text"] = "—" if r["region"] is None else r["region"]
        if r["own"] is not None and r["region"] is not None and r["unit"] != "share":
            r["slower"] = r["own"] > r["region"] * 1.2
    return rows


@login_required
def agency_page(request, agency_id):
    try:
        key = as_uuid(agency_id)
        if key is None:
            raise NotFound("agency")
        require_agency_figures(request.user, key)
        agency = Agency.objects.get(pk=key)
    except (ValueError, NotFound, Agency.DoesNotExist):
        raise Http404 from None
    form, f = _filters(request)
    status = 200
    if f is None:
        f, status = Filters(), 400
    data = sections.agency_performance(agency, f)
    data["rows"] = _labels_for_rows(data["rows"])
    type_label = tables.Labels().referral
    for r in data["referral_types"]:
        r["label"] = type_label.get(r["type"], r["type"])
    from sinergi.analytics import charts

    chart = charts.bars([(r["label"], r["own"]) for r in data["rows"] if r["key"].startswith("stage:")],
                        title=_("Median hari di tiap tahap"))
    peers = charts.bars([(r["label"], r["region"]) for r in data["rows"] if r["key"].startswith("stage:")],
                        title=_("Median lembaga di wilayahnya"))
    if request.GET.get("format") == "csv":
        t = tables.Table("agency", str(agency), [("measure", _("Ukuran")), ("own", _("Lembaga ini")),
                                                ("region", _("Median wilayah"))],
                         [[r["label"], r["own"], r["region"]] for r in data["rows"]])
        types = tables.Table("referral_types", _("Waktu rujukan per jenis, dibandingkan median wilayah"),
                             [("type", _("Jenis rujukan")), ("received", _("Diterima")),
                              ("ack_hours", _("Jam sampai dikonfirmasi")),
                              ("ack_region_hours", _("Median wilayah (jam)")),
                              ("done_days", _("Hari sampai selesai")), ("done_region_days", _("Median wilayah (hari)"))],
                             [[r["label"], r["received"], r["ack_hours"], r["ack_region_hours"], r["done_days"],
                               r["done_region_days"]] for r in data["referral_types"]])
        return _csv_response(f"agency-{agency.code}", [t, types])
    return render(request, "web/analytics/agency.html", {
        "nav": "analytics_agencies", "form": form, "data": data, "agency": agency, "chart": chart,
        "peer_chart": peers, "region_name": tables.Labels().region(data["region"]) if data["region"] else "",
        "query": request.GET.urlencode(), **freshness()}, status=status)


# -- the annual report and the release --------------------------------------------------------------------

@login_required
def report_page(request):
    _aggregates(request)
    form = ReportForm(request.GET or None)
    context = {"nav": "analytics", "form": form, "sections": SECTION_TITLES, "section": "report", **freshness()}
    if not request.GET:
        return render(request, "web/analytics/report.html", context)
    if not form.is_valid():
        return render(request, "web/analytics/report.html", context, status=400)
    year, province = form.cleaned_data["year"], form.cleaned_data["province"] or ""
    language = form.cleaned_data["language"] or "id"
    fmt = request.GET.get("download")
    if fmt in ("pdf", "xlsx"):
        data = report_export(actor=request.user, year=year, province=province, fmt=fmt, language=language)
        kind = "application/pdf" if fmt == "pdf" else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(data, content_type=kind)
        name = f"sinergi-laporan-{year}{'-' + province if province else ''}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    from sinergi.analytics.report import report_tables

    context.update(tables=report_tables(year, province), year=year, query=request.GET.urlencode())
    return render(request, "web/analytics/report.html", context)


@login_required
def release_page(request):
    p = Principal.of(request.user)
    if not p.can("analytics.release"):
        raise Http404
    form = ReleaseForm(request.GET or None)
    if not request.GET or not form.is_valid():
        return render(request, "web/analytics/release.html", {"nav": "analytics", "form": form,
                                                              "sections": SECTION_TITLES, "section": "release"},
                      status=400 if request.GET else 200)
    k, fmt = form.cleaned_data["k"], form.cleaned_data["format"]
    # Spooled: small releases stay in memory, large ones go to a temporary file, never the whole in memory.
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, mode="w+", encoding="utf-8", newline="")
    plan = release_export(actor=request.user, out=spool, k=k, fmt=fmt)
    spool.seek(0)

    def chunks():
        try:
            while block := spool.read(64 * 1024):
                yield block
        finally:
            spool.close()

    kind = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    response = StreamingHttpResponse(chunks(), content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="sinergi-release-k{k}.{fmt}"'
    response["X-Suppressed-Share"] = f"{plan.suppressed_share:.4f}"
    response["X-Records-Released"] = str(plan.records - plan.suppressed)
    return response


STAGE_KEYS = STAGES
