"""Report (intake) endpoints: list, take a report, read it, screen it, open a case from it or link it to one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.access.visibility import cases_visible_to
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.intake import services
from sinergi.intake.enums import Channel, ReportStatus
from sinergi.intake.models import Report
from sinergi.people.services import person_create

from .case_serializers import CaseDetailSerializer
from .cases import ERRORS, REVEAL_PARAMS, case_response, open_case, prefixed
from .common import (
    Viewer,
    agency_for_write,
    agency_lookup,
    as_uuid,
    audit_read,
    parse_reveal,
)
from .errors import ErrorDetailSerializer, FieldErrorsSerializer
from .intake_serializers import (
    ReportCreateSerializer,
    ReportLinkCaseSerializer,
    ReportListSerializer,
    ReportOpenCaseSerializer,
    ReportSerializer,
    ScreeningInputSerializer,
    ScreeningSerializer,
)
from .pagination import KeysetPagination
from .reads import audit_reports_read, person_lookup, report_get, report_queryset
from django.utils.translation import gettext_lazy as _

REPORT_ID = OpenApiParameter("report_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
REPORT_FIELDS = ("channel", "received_at", "reporter_name", "reporter_relation", "reporter_contact", "narrative",
                 "country_of_exploitation", "last_known_location")


class ReportFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReportStatus.values, required=False)
    channel = serializers.ChoiceField(choices=Channel.values, required=False)
    agency = serializers.CharField(required=False, max_length=64, help_text="Agency id or code")

    def validate_agency(self, value):
        agency = agency_lookup(value)
        if agency is None:
            raise serializers.ValidationError(_("Lembaga tidak dikenal."))
        return agency.pk


def report_response(request, report, *, revealed=frozenset(), code=status.HTTP_200_OK) -> Response:
    viewer = Viewer(roles=Principal.of(request.user).roles_in(report.agency_id), revealed=set(revealed))
    return Response(ReportSerializer(report, context={"viewer": viewer}).data, status=code)


class ReportListView(GenericAPIView):
    pagination_class = KeysetPagination
    cursor_ordering = ("-received_at", "-id")
    serializer_class = ReportListSerializer
    queryset = Report.objects.none()  # for the schema only: rows come from the visibility filter
    filter_backends: list = []

    @extend_schema(operation_id="reports_list", tags=["reports"], parameters=[ReportFilterSerializer],
                   responses={200: ReportListSerializer(many=True), 400: FieldErrorsSerializer,
                              403: ErrorDetailSerializer},
                   summary="Reports received by your agencies, newest first (each one shown is audited)")
    def get(self, request):
        if not Principal.of(request.user).can(Cap.CASE_VIEW):
            raise PermissionDenied("no casework role")
        params = ReportFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = report_queryset(request.user)
        d = params.validated_data
        if d.get("status"):
            qs = qs.filter(status=d["status"])
        if d.get("channel"):
            qs = qs.filter(channel=d["channel"])
        if d.get("agency"):
            qs = qs.filter(agency_id=d["agency"])
        page = self.paginate_queryset(qs)
        audit_reports_read(request.user, page, filters={k: request.query_params[k] for k in params.fields
                                                        if k in request.query_params})
        return self.get_paginated_response(ReportListSerializer(page, many=True).data)

    @extend_schema(operation_id="reports_create", tags=["reports"], request=ReportCreateSerializer,
                   responses={201: ReportSerializer, **ERRORS},
                   summary="Take a report, optionally with the person it is about")
    def post(self, request):
        body = ReportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        with transaction.atomic():
            agency_id = agency_for_write(request.user, Cap.CASE_CREATE, d.get("agency"))
            subject = None
            if "subject" in d:
                # An existing person: the receiving agency must already see them in full, else "not found".
                subject = person_lookup(request.user, d["subject"])
                if subject is None:
                    raise NotFound("person")
            elif "subject_data" in d:
                person = dict(d["subject_data"])
                aliases = person.pop("aliases", [])
                try:
                    subject = person_create(actor=request.user, agency_id=agency_id, data=person, aliases=aliases)
                except ValidationError as exc:
                    raise prefixed(exc, "subject_data") from None
            report = services.report_create(actor=request.user, agency_id=agency_id,
                                            data={k: d[k] for k in REPORT_FIELDS if k in d}, subject=subject)
        return report_response(request, report_get(request.user, report.pk), code=status.HTTP_201_CREATED)


class ReportDetailView(APIView):
    @extend_schema(operation_id="reports_retrieve", tags=["reports"], parameters=[REPORT_ID, *REVEAL_PARAMS],
                   responses={200: ReportSerializer, **ERRORS}, summary="One report with its screenings (audited)")
    def get(self, request, report_id):
        report = report_get(request.user, report_id)
        reveal = parse_reveal(request, Principal.of(request.user).roles_in(report.agency_id))
        purpose = (request.query_params.get("purpose") or "").strip()[:300]
        audit_read(request.user, agency_id=report.agency_id, object_type="report", object_id=report.pk,
                   purpose=purpose, reveal=reveal)
        return report_response(request, report, revealed=reveal.what)


class ReportScreenView(APIView):
    @extend_schema(operation_id="reports_screen", tags=["reports"], parameters=[REPORT_ID],
                   request=ScreeningInputSerializer, responses={201: ScreeningSerializer, **ERRORS},
                   summary="Screen against the ILO 11 and Delphi indicators; optionally decide the victim status")
    def post(self, request, report_id):
        report = report_get(request.user, report_id)
        body = ScreeningInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        screening = services.screening_record(
            actor=request.user, agency_id=report.agency_id, report=report, case=report.case,
            ilo_indicators=d.get("ilo_indicators") or [], delphi_items=d.get("delphi_items") or [],
            victim_status=d.get("victim_status") or "", decided_by_org=d.get("decided_by_org") or "",
            notes=d.get("notes") or "")
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)


class ReportOpenCaseView(APIView):
    @extend_schema(operation_id="reports_open_case", tags=["reports"], parameters=[REPORT_ID],
                   request=ReportOpenCaseSerializer, responses={201: CaseDetailSerializer, 409: FieldErrorsSerializer,
                                                                **ERRORS},
                   summary="Open a case from the report, led by the agency that received it")
    def post(self, request, report_id):
        report = report_get(request.user, report_id)
        body = ReportOpenCaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            case = open_case(request.user, body.validated_data, lead_agency_id=report.agency_id, report=report)
        from sinergi.cases.selectors import case_get

        return case_response(request, case_get(request.user, case.pk, audit=False), code=status.HTTP_201_CREATED)


class ReportLinkCaseView(APIView):
    @extend_schema(operation_id="reports_link_case", tags=["reports"], parameters=[REPORT_ID],
                   request=ReportLinkCaseSerializer, responses={200: ReportSerializer, **ERRORS},
                   summary="Attach the report to an existing case (a second report about the same person)")
    def post(self, request, report_id):
        report = report_get(request.user, report_id)
        body = ReportLinkCaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ref = body.validated_data["case"].strip()
        key = as_uuid(ref)
        visible = cases_visible_to(request.user)
        case = (visible.filter(pk=key) if key else visible.filter(reference__iexact=ref)).first()
        if case is None:
            raise NotFound("case")
        services.report_link_case(actor=request.user, report=report, case=case)
        return report_response(request, report_get(request.user, report.pk))
