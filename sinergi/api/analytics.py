"""The analytics API: the dashboards' figures, an agency's performance, the annual report's tables and the
de-identified release, for the analyst role and other systems. Aggregates only, small cells suppressed (null
where a count is hidden); the same functions as the pages."""

from __future__ import annotations

import tempfile

from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require_agency_figures, require_aggregates
from sinergi.access.principal import Principal
from sinergi.agencies.models import Agency
from sinergi.analytics import sections, tables
from sinergi.analytics.deid import min_cell
from sinergi.analytics.figures import filters_from
from sinergi.analytics.refresh import last_refresh
from sinergi.analytics.report import report_tables
from sinergi.analytics.services import release_export
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid
from sinergi.core.validation import field_error

from .errors import ErrorDetailSerializer

FILTERS = [
    OpenApiParameter("year_from", int, description="First year (of registration; of sending for referrals)"),
    OpenApiParameter("year_to", int, description="Last year"),
    OpenApiParameter("province", str, description="Kemendagri code of the survivors' home province, e.g. 53"),
    OpenApiParameter("regency", str, description="Kemendagri code of the home regency, e.g. 53.03"),
    OpenApiParameter("agency", OpenApiTypes.UUID, description="Lead agency (receiving agency for referrals)"),
    OpenApiParameter("exploitation", str, description="HTCDS type of exploitation, e.g. ForcedLabour"),
    OpenApiParameter("lang", str, enum=["id", "en"], description="Language of titles and labels"),
]
TABLE = inline_serializer("AnalyticsTable", {
    "key": serializers.CharField(), "title": serializers.CharField(), "note": serializers.CharField(),
    "columns": serializers.ListField(child=serializers.DictField()),
    "rows": serializers.ListField(child=serializers.DictField(),
                                  help_text="Hidden small counts are null; see `k`."),
})
SECTION = inline_serializer("AnalyticsSection", {
    "section": serializers.CharField(), "as_of": serializers.DateTimeField(allow_null=True),
    "k": serializers.IntegerField(), "tables": TABLE.__class__(many=True),
})


def _lang(request) -> str:
    lang = request.query_params.get("lang") or ""
    return lang if lang in ("id", "en") else (translation.get_language() or "id")[:2]


def _as_of():
    state = last_refresh()
    return state.as_of if state else None


def _plain(t) -> dict:
    d = t.as_dict()
    for row in d["rows"]:
        for key, v in row.items():
            if v == tables.hidden():
                row[key] = None
    return d


class SectionView(APIView):
    @extend_schema(operation_id="analytics_section", tags=["analytics"], parameters=[
        OpenApiParameter("section", str, OpenApiParameter.PATH, enum=list(tables.SECTIONS)), *FILTERS],
        responses={200: SECTION, 400: ErrorDetailSerializer, 403: ErrorDetailSerializer, 404: ErrorDetailSerializer})
    def get(self, request, section):
        require_aggregates(request.user)
        if section not in tables.SECTIONS:
            raise NotFound("section")
        f = filters_from(request.query_params)
        with translation.override(_lang(request)):
            data = [_plain(t) for t in tables.section(section, f)]
        return Response({"section": section, "as_of": _as_of(), "k": min_cell(), "tables": data})


class AgencyFiguresView(APIView):
    @extend_schema(operation_id="analytics_agency", tags=["analytics"], parameters=[
        OpenApiParameter("agency", str, OpenApiParameter.PATH, description="Id or code"), *FILTERS],
        responses={200: OpenApiTypes.OBJECT, 404: ErrorDetailSerializer})
    def get(self, request, agency):
        key = as_uuid(agency)
        found = Agency.objects.filter(**({"pk": key} if key else {"code": agency})).first()
        if found is None:
            raise NotFound("agency")
        require_agency_figures(request.user, found.pk)
        data = sections.agency_performance(found, filters_from(request.query_params))
        return Response({"agency": {"id": found.pk, "code": found.code, "name": str(found)}, "as_of": _as_of(),
                         "k": min_cell(), "region": data["region"], "peers": data["peers"],
                         "cases_led": data["cases_led"], "referrals_received": data["referrals_received"],
                         "figures": [{k: v for k, v in r.items()} for r in data["rows"]],
                         "referral_types": data["referral_types"]})


class ReportView(APIView):
    @extend_schema(operation_id="analytics_report", tags=["analytics"], parameters=[
        OpenApiParameter("year", int, required=True), OpenApiParameter("province", str),
        OpenApiParameter("lang", str, enum=["id", "en"])],
        responses={200: SECTION, 400: ErrorDetailSerializer, 403: ErrorDetailSerializer})
    def get(self, request):
        require_aggregates(request.user)
        raw = request.query_params.get("year") or ""
        if not raw.isdigit() or not 1990 <= int(raw) <= 2100:
            raise field_error("year", _("Tahun wajib diisi."))
        province = request.query_params.get("province") or ""
        if province and not (len(province) == 2 and province.isdigit()):
            raise field_error("province", _("Kode provinsi tidak sah."))
        with translation.override(_lang(request)):
            data = [_plain(t) for t in report_tables(int(raw), province)]
        return Response({"section": "report", "year": int(raw), "province": province, "as_of": _as_of(),
                         "k": min_cell(), "tables": data})


class ReleaseView(APIView):
    @extend_schema(operation_id="analytics_release", tags=["analytics"], parameters=[
        OpenApiParameter("k", int, description="Smallest class size (2-100, default 5; CTDC uses 11)"),
        OpenApiParameter("format", str, enum=["csv", "json"])],
        responses={(200, "text/csv"): OpenApiTypes.STR, (200, "application/json"): OpenApiTypes.OBJECT,
                   400: ErrorDetailSerializer, 403: ErrorDetailSerializer},
        description="The k-anonymous release in the shape of the CTDC global dataset, streamed. The share of "
                    "records suppressed is in the `X-Suppressed-Share` header (and in the JSON's `release`).")
    def get(self, request):
        if not Principal.of(request.user).can(Cap.RELEASE):
            raise PermissionDenied(str(Cap.RELEASE))
        raw = request.query_params.get("k") or "5"
        if not raw.isdigit() or not 2 <= int(raw) <= 100:
            raise field_error("k", _("k harus 2 sampai 100."))
        fmt = request.query_params.get("format") or "csv"
        if fmt not in ("csv", "json"):
            raise field_error("format", _("csv atau json."))
        spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, mode="w+", encoding="utf-8", newline="")
        plan = release_export(actor=request.user, out=spool, k=int(raw), fmt=fmt, via="api")
        spool.seek(0)

        def chunks():
            try:
                while block := spool.read(64 * 1024):
                    yield block
            finally:
                spool.close()

        response = StreamingHttpResponse(chunks(), content_type="application/json" if fmt == "json" else
                                         "text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="sinergi-release-k{raw}.{fmt}"'
        response["X-Suppressed-Share"] = f"{plan.suppressed_share:.4f}"
        response["X-Records-Released"] = str(plan.records - plan.suppressed)
        return response


class StatusView(APIView):
    @extend_schema(operation_id="analytics_status", tags=["analytics"], responses={200: inline_serializer(
        "AnalyticsStatus", {"as_of": serializers.DateTimeField(allow_null=True), "seconds": serializers.FloatField(),
                            "k": serializers.IntegerField()}), 403: ErrorDetailSerializer})
    def get(self, request):
        require_aggregates(request.user)
        state = last_refresh()
        return Response({"as_of": state.as_of if state else None, "seconds": state.seconds if state else 0,
                         "k": min_cell()})
