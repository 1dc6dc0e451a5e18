"""REST endpoints for importing and exporting cases (``transfer``'s services, served beside the rest of the API). Thin: they read the request, call the services and
selectors, and let the API's error handler answer ValidationError (400), PermissionDenied (403), NotFound
(404) and Conflict (409)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.capabilities import Cap
from sinergi.cases.enums import Stage, VictimStatus
from sinergi.core import htcds

from sinergi.transfer.enums import Format
from sinergi.transfer.models import ImportJob
from sinergi.transfer.selectors import agency_for, filters_from, import_job_get
from sinergi.transfer.services import cases_export, cases_import

from .errors import ErrorDetailSerializer, FieldErrorsSerializer
from django.utils.translation import gettext_lazy as _


class ProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line of the file (0: the file as a whole).")
    field = serializers.CharField(help_text="Column name, or 'file'.")
    message = serializers.CharField()


class PresentSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    external_id = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    errors = ProblemSerializer(many=True, read_only=True)
    warnings = ProblemSerializer(many=True, read_only=True)
    present = PresentSerializer(many=True, read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "status", "format", "partial", "filename", "size_bytes", "agency", "created_by", "created_at",
            "finished_at", "progress", "phase", "processed_rows", "total_rows", "created_count", "present_count",
            "rejected_count",
            "error_count", "errors", "warnings", "present",
        ]
        read_only_fields = fields


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or JSON in the Sinergi exchange format (HTCDS field names).")
    format = serializers.ChoiceField(choices=Format.choices, required=False,
                                     help_text="Default: from the file name, else csv.")
    partial = serializers.BooleanField(default=False, help_text="Import the good rows and list the bad ones.")
    agency = serializers.CharField(required=False, help_text="Agency code; needed when the user imports for "
                                                             "several agencies.")


def _valid(serializer: serializers.Serializer) -> dict:
    if not serializer.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in serializer.errors.items()})
    return serializer.validated_data


class ImportListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_create", tags=["transfer"], request={"multipart/form-data": ImportRequestSerializer},
        responses={201: ImportJobSerializer,
                   400: OpenApiResponse(FieldErrorsSerializer, description="refused: 'line N: column' -> messages"),
                   403: OpenApiResponse(ErrorDetailSerializer, description="no case.import in the agency"),
                   404: OpenApiResponse(ErrorDetailSerializer, description="unknown agency"),
                   409: OpenApiResponse(FieldErrorsSerializer,
                                        description="an external id was taken by another import meanwhile")},
        summary="Import cases from a CSV or JSON file",
        description="All or nothing by default: one bad row refuses the file (400, every problem by line and "
                    "column; the job stays readable). With partial=true the good rows are imported and the bad "
                    "ones listed in the job. Rows whose sng_ExternalId already exists are skipped and reported.",
    )
    def post(self, request):
        data = _valid(ImportRequestSerializer(data=request.data))
        agency = agency_for(request.user, Cap.CASE_IMPORT, data.get("agency"))
        upload = data["file"]
        job = cases_import(actor=request.user, agency_id=agency.pk, stream=upload, format=data.get("format"),
                           filename=upload.name or "", partial=data["partial"])
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)


class ImportDetailView(APIView):
    @extend_schema(operation_id="imports_retrieve", tags=["transfer"],
                   responses={200: ImportJobSerializer, 404: ErrorDetailSerializer},
                   summary="An import job (users of its agency only)")
    def get(self, request, job_id):
        return Response(ImportJobSerializer(import_job_get(request.user, job_id)).data)


class _ExportNegotiation(DefaultContentNegotiation):
    """``format`` here names the file format, not DRF's response format: errors are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


_FILTER_DOCS = [
    OpenApiParameter("format", OpenApiTypes.STR, enum=Format.values, required=True),
    OpenApiParameter("agency", OpenApiTypes.STR, description="only cases led by this agency (code)"),
    OpenApiParameter("stage", OpenApiTypes.STR, many=True, enum=Stage.values),
    OpenApiParameter("origin_province", OpenApiTypes.STR),
    OpenApiParameter("origin_regency", OpenApiTypes.STR),
    OpenApiParameter("country_of_exploitation", OpenApiTypes.STR, description="ISO alpha-2"),
    OpenApiParameter("exploitation_type", OpenApiTypes.STR, enum=list(htcds.values("vic_TypeOfExploitation"))),
    OpenApiParameter("victim_status", OpenApiTypes.STR, enum=VictimStatus.values),
    OpenApiParameter("reported_from", OpenApiTypes.DATE),
    OpenApiParameter("reported_to", OpenApiTypes.DATE),
    OpenApiParameter("q", OpenApiTypes.STR, description="name (spelling-tolerant) or case reference"),
    OpenApiParameter("purpose", OpenApiTypes.STR, description="why the data leaves (recorded in the audit)"),
]


class CaseExportView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _ExportNegotiation

    @extend_schema(
        operation_id="exports_cases", tags=["transfer"], parameters=_FILTER_DOCS,
        responses={(200, "text/csv"): OpenApiTypes.STR, (200, "application/json"): OpenApiTypes.ANY,
                   400: FieldErrorsSerializer,
                   403: OpenApiResponse(ErrorDetailSerializer, description="no case.export"),
                   404: OpenApiResponse(ErrorDetailSerializer, description="unknown agency")},
        summary="Export the user's cases (streamed)",
        description="Cases led by agencies where the user holds case.export, in the exchange format (never "
                    "identity documents, contacts or addresses). One EXPORT audit row per case.",
    )
    def get(self, request):
        params = request.query_params
        fmt = params.get("format")
        if not fmt:
            raise ValidationError({"format": [_("Wajib diisi.")]})
        filters, used = filters_from(params)
        export = cases_export(actor=request.user, format=fmt, filters=filters, used_filters=used,
                              agency_code=params.get("agency") or None, purpose=params.get("purpose", "")[:300])
        response = StreamingHttpResponse(export.chunks(), content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["X-Sinergi-Count"] = str(export.count)
        return response
