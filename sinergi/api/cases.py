"""Case endpoints: list, open, read, update details, move along the pathway, victim status. Services, notes,
attachments and the timeline are in ``case_parts``. Thin: selectors read, services write, ``access`` decides."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.access.projection import STAGES, project_case, project_case_rows
from sinergi.access.sections import SENSITIVITY_SECTION, sight_of
from sinergi.access.visibility import cases_visible_to
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.cases import selectors, services
from sinergi.cases.models import Case
from sinergi.cases.services import DETAIL_FIELDS
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.validation import field_error
from sinergi.people.services import person_create

from .case_filters import FILTER_NAMES, CaseFilterSerializer
from .case_serializers import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseDetailsInputSerializer,
    CaseListSerializer,
    TransitionSerializer,
    VictimStatusSerializer,
)
from .common import agency_for_write, as_uuid, parse_reveal
from .errors import ErrorDetailSerializer, FieldErrorsSerializer
from .pagination import CasePagination
from .reads import person_lookup

CASE_ID = OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
ERRORS = {400: FieldErrorsSerializer, 403: ErrorDetailSerializer, 404: ErrorDetailSerializer}
REVEAL_PARAMS = [
    OpenApiParameter("reveal", str, description="Comma-separated: identity, contact, address. Roles allowed by "
                                                "the masking rules only; audited with the purpose."),
    OpenApiParameter("purpose", str, description="Why you read this; required with `reveal`."),
]


def prefixed(exc: ValidationError, prefix: str, only: tuple[str, ...] | None = None) -> ValidationError:
    """A service's field errors renamed into the request's shape (``full_name`` -> ``survivor_data.full_name``)."""
    return ValidationError({
        (f"{prefix}.{k}" if only is None or k in only else k): v for k, v in exc.message_dict.items()
    })


def case_response(request, case, *, revealed=frozenset(), code=status.HTTP_200_OK) -> Response:
    """The case as the reader may see it (``access.projection.project_case``)."""
    view = project_case(request.user, case, revealed=revealed, include={STAGES})
    return Response(CaseDetailSerializer(view).data, status=code)


def open_case(user, data: dict, *, lead_agency_id, report=None):
    """Open a case for an existing visible person or a new one; the request's shape is kept in error names."""
    if "survivor_data" in data:
        person = dict(data["survivor_data"])
        aliases = person.pop("aliases", [])
        try:
            survivor = person_create(actor=user, agency_id=lead_agency_id, data=person, aliases=aliases)
        except ValidationError as exc:
            raise prefixed(exc, "survivor_data") from None
    elif "survivor" in data:
        # An existing person: the lead agency must already see them in full (the service checks it again), else
        # "not found", as for a person that does not exist.
        survivor = person_lookup(user, data["survivor"])
        if survivor is None:
            raise NotFound("person")
    else:
        survivor = report.subject
        if survivor is None:
            raise field_error("survivor", "Wajib diisi: laporan belum punya orang / "
                                          "required: the report has no subject.")
    previous = None
    if data.get("previous_case"):
        previous = cases_visible_to(user).filter(pk=as_uuid(data["previous_case"])).first()
        if previous is None:
            raise NotFound("previous_case")
    try:
        if report is not None:
            from sinergi.intake.services import report_open_case

            return report_open_case(actor=user, report=report, survivor=survivor, reported_on=data.get("reported_on"),
                                    details=data.get("details") or {}, external_id=data.get("external_id"),
                                    previous_case=previous)
        return services.case_open(actor=user, survivor=survivor, lead_agency_id=lead_agency_id,
                                  reported_on=data.get("reported_on") or clock.today(),
                                  details=data.get("details") or {}, external_id=data.get("external_id"),
                                  previous_case=previous)
    except ValidationError as exc:
        raise prefixed(exc, "details", DETAIL_FIELDS) from None


class CaseListView(GenericAPIView):
    pagination_class = CasePagination
    serializer_class = CaseListSerializer
    queryset = Case.objects.none()  # for the schema only: rows come from the visibility filter
    filter_backends: list = []

    @extend_schema(operation_id="cases_list", tags=["cases"], parameters=[CaseFilterSerializer],
                   responses={200: CaseListSerializer(many=True), 400: FieldErrorsSerializer,
                              403: ErrorDetailSerializer},
                   summary="Cases you may see, newest report first. Each case shown is audited.")
    def get(self, request):
        if not Principal.of(request.user).can(Cap.CASE_VIEW):
            raise PermissionDenied("no casework role")
        params = CaseFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.filters()
        self.fetch_page = lambda ordering, after, limit: selectors.case_page(
            request.user, filters, ordering, after=after, limit=limit)
        page = self.paginate_queryset(selectors.case_list(request.user, filters))
        shown = {k: v for k, v in request.query_params.items() if k in FILTER_NAMES}
        selectors.audit_list_read(request.user, page, filters=shown, via="api list",
                                  structured=set(FILTER_NAMES) - {"q"})
        data = CaseListSerializer(project_case_rows(request.user, page), many=True).data
        return self.get_paginated_response(data)

    @extend_schema(operation_id="cases_create", tags=["cases"], request=CaseCreateSerializer,
                   responses={201: CaseDetailSerializer, 409: FieldErrorsSerializer, **ERRORS},
                   summary="Open a case for an existing person or a new one")
    def post(self, request):
        body = CaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        with transaction.atomic():
            lead = agency_for_write(request.user, Cap.CASE_CREATE, d.get("lead_agency"), field_name="lead_agency")
            case = open_case(request.user, d, lead_agency_id=lead)
        case = selectors.case_get(request.user, case.pk, audit=False)
        return case_response(request, case, code=status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    @extend_schema(operation_id="cases_retrieve", tags=["cases"], parameters=[CASE_ID, *REVEAL_PARAMS],
                   responses={200: CaseDetailSerializer, **ERRORS},
                   summary="One case with its survivor summary and stage durations (audited)")
    def get(self, request, case_id):
        purpose = (request.query_params.get("purpose") or "").strip()[:300]
        with transaction.atomic():
            case = selectors.case_get(request.user, case_id, purpose=purpose)
            sight = sight_of(request.user, case)
            reveal = parse_reveal(request, set(sight.roles))
            if any(not sight.may(SENSITIVITY_SECTION[s]) for s in reveal.what):
                raise NotFound("section")  # what was not shared is not there to reveal
            if reveal.what:
                audit_log(actor=Principal.of(request.user).actor(sight.agency_id), action=Action.REVEAL,
                          object_type="case", object_id=case.pk, purpose=reveal.purpose,
                          detail={"via": "api", "fields": sorted(reveal.what)})
        return case_response(request, case, revealed=reveal.what)

    @extend_schema(operation_id="cases_partial_update", tags=["cases"], parameters=[CASE_ID],
                   request=CaseDetailsInputSerializer, responses={200: CaseDetailSerializer, **ERRORS},
                   summary="Change exploitation details")
    def patch(self, request, case_id):
        case = selectors.case_get(request.user, case_id, audit=False)
        body = CaseDetailsInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.case_update_details(actor=request.user, case=case, data=dict(body.validated_data))
        return case_response(request, selectors.case_get(request.user, case.pk, audit=False))


class CaseTransitionView(APIView):
    @extend_schema(operation_id="cases_transition", tags=["cases"], parameters=[CASE_ID], request=TransitionSerializer,
                   responses={200: CaseDetailSerializer, **ERRORS},
                   summary="Move the case to another stage (allowed moves only; idempotent by key)")
    def post(self, request, case_id):
        case = selectors.case_get(request.user, case_id, audit=False)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        services.case_transition(actor=request.user, case=case, to_stage=d["to_stage"], at=d.get("at"),
                                 outcome=d.get("outcome") or "", note=d.get("note") or "", data=d.get("data") or {},
                                 idempotency_key=d.get("idempotency_key") or "")
        return case_response(request, selectors.case_get(request.user, case.pk, audit=False))


class CaseVictimStatusView(APIView):
    @extend_schema(operation_id="cases_victim_status", tags=["cases"], parameters=[CASE_ID],
                   request=VictimStatusSerializer, responses={200: CaseDetailSerializer, **ERRORS},
                   summary="Record the victim status and who decided it (HTCDS)")
    def post(self, request, case_id):
        case = selectors.case_get(request.user, case_id, audit=False)
        body = VictimStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            services.case_set_victim_status(actor=request.user, case=case, status=d["status"],
                                            decided_by=d["decided_by"], decided_on=d.get("decided_on"))
        except ValidationError as exc:
            # The service names the status ``victim_status``; this request calls it ``status``.
            raise ValidationError({("status" if k == "victim_status" else k): v
                                   for k, v in exc.message_dict.items()}) from None
        return case_response(request, selectors.case_get(request.user, case.pk, audit=False))

