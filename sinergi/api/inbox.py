"""The report inbox through the API: the reports waiting in the user's agencies' inboxes (every channel, a partner
instance's included), one of them with the possible-match check, and the four triage moves (open a case, attach
to a case, pass on to another agency of this instance or of a partner's, close with a reason).

The same reads and writes as the inbox pages (``intake.inbox``, ``intake.triage``): who may see and decide is
``access``'s decision, every move writes its own audit row, and a move repeated with its ``idempotency_key``
answers as the first did, even after it passed the report out of the user's sight.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.audit_reads import audit_list
from sinergi.access.principal import Principal
from sinergi.access.visibility import cases_visible_to
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid
from sinergi.core.validation import field_error
from sinergi.intake import inbox, remote, tracking, triage
from sinergi.intake.enums import OPEN_STATUSES, Channel, MoveKind
from sinergi.intake.models import Report

from .case_serializers import CaseRefSerializer
from .cases import ERRORS
from .common import AgencyRefSerializer, StrictSerializer, Viewer, agency_lookup, agency_ref, audit_read
from .errors import ErrorDetailSerializer, FieldErrorsSerializer
from .intake_serializers import ReportListSerializer, ReportSerializer
from .pagination import KeysetPagination

REPORT_ID = OpenApiParameter("report_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
STATES = [("open", _("Menunggu keputusan")), ("done", _("Sudah diputuskan"))]
KEY_HELP = "Send the same key again to repeat the request safely: the move is made once."


class InboxFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=STATES, required=False, default="open",
                                    help_text="open: waiting for a decision, oldest first; done: decided, newest first")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    agency = serializers.CharField(required=False, max_length=64, help_text="One of your inboxes: agency id or code")


class InboxRowSerializer(ReportListSerializer):
    late = serializers.SerializerMethodField(help_text="Still undecided after its deadline")
    filed_by = serializers.SerializerMethodField(help_text="The village or district office that filed it, if any")

    @extend_schema_field(serializers.BooleanField())
    def get_late(self, report):
        return bool(report.status in OPEN_STATUSES and report.due_at and report.due_at < clock.now())

    @extend_schema_field(AgencyRefSerializer(allow_null=True))
    def get_filed_by(self, report):
        return agency_ref(report.filed_by_agency)


class CaseMatchSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    reference = serializers.CharField()
    reported_on = serializers.DateField()


class PlainStatusSerializer(serializers.Serializer):
    where = serializers.CharField(help_text="Which kind of office has the report, in the reader's language")
    next = serializers.CharField(help_text="What happens next")
    decided = serializers.BooleanField()


class MoveSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    from_agency = serializers.SerializerMethodField()
    to_agency = serializers.SerializerMethodField()
    reason = serializers.CharField()

    @extend_schema_field(AgencyRefSerializer(allow_null=True))
    def get_from_agency(self, move):
        return agency_ref(move.from_agency)

    @extend_schema_field(AgencyRefSerializer(allow_null=True))
    def get_to_agency(self, move):
        return agency_ref(move.to_agency)


class InboxReportSerializer(ReportSerializer):
    moves = serializers.SerializerMethodField()
    possible_matches = serializers.SerializerMethodField(
        help_text="Cases your agency leads whose survivor's name matches the person the report is about")
    tracking = serializers.SerializerMethodField(help_text="What the reporter reads about it")
    partner_received_at = serializers.DateTimeField(
        allow_null=True, help_text="Passed on to a partner instance: when its signed receipt came back")

    @extend_schema_field(MoveSerializer(many=True))
    def get_moves(self, report):
        return MoveSerializer(report.moves.select_related("from_agency", "to_agency"), many=True).data

    @extend_schema_field(CaseMatchSerializer(many=True))
    def get_possible_matches(self, report):
        return CaseMatchSerializer(self.context.get("matches") or [], many=True).data

    @extend_schema_field(PlainStatusSerializer)
    def get_tracking(self, report):
        return PlainStatusSerializer(tracking.plain_status(report)).data


class TriageResultSerializer(serializers.Serializer):
    """What a move did. Nothing of the report's content: after a move the report may be another agency's."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    agency = AgencyRefSerializer(help_text="The agency whose inbox holds the report now")
    decided_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    case = CaseRefSerializer(allow_null=True, help_text="The case opened or attached to")
    passed_on_to = AgencyRefSerializer(allow_null=True, help_text="Passed on to an agency of a partner instance")
    partner_received_at = serializers.DateTimeField(allow_null=True)
    possible_matches = CaseMatchSerializer(many=True, help_text="The possible-match check before the move")
    possible_match = serializers.BooleanField(allow_null=True,
                                              help_text="Attach: whether the case was one of the possible matches")
    tracking = PlainStatusSerializer()


def _result(report: Report, *, matches=(), possible_match=None, case=None, code=status.HTTP_200_OK) -> Response:
    report = Report.objects.select_related("agency", "case").get(pk=report.pk)
    case = case or report.case
    passed = None
    if report.status == "passed_on":
        move = report.moves.filter(kind=MoveKind.FORWARDED).select_related("to_agency").order_by("-at").first()
        passed = move.to_agency if move else None
    data = {"id": report.pk, "status": report.status, "agency": agency_ref(report.agency),
            "decided_at": report.decided_at, "due_at": report.due_at,
            "case": {"id": case.pk, "reference": case.reference} if case else None,
            "passed_on_to": agency_ref(passed), "partner_received_at": report.partner_received_at,
            "possible_matches": list(matches), "possible_match": possible_match,
            "tracking": tracking.plain_status(report)}
    return Response(TriageResultSerializer(data).data, status=code)


def _inbox_report(request, report_id) -> Report:
    """One report of the user's inboxes; 404 for any other, or for what is not an id at all."""
    key = as_uuid(report_id)
    if key is None:
        raise NotFound("report")
    return inbox.inbox_report(request.user, key, audit=False)


class InboxListView(GenericAPIView):
    pagination_class = KeysetPagination
    serializer_class = InboxRowSerializer
    queryset = Report.objects.none()  # for the schema only: rows come from the visibility filter
    filter_backends: list = []

    @extend_schema(operation_id="inbox_list", tags=["inbox"], parameters=[InboxFilterSerializer],
                   responses={200: InboxRowSerializer(many=True), 400: FieldErrorsSerializer,
                              403: ErrorDetailSerializer},
                   summary="Reports in your agencies' inboxes, every channel (the page shown is one audited read)")
    def get(self, request):
        if not inbox.triage_agency_ids(request.user):
            raise PermissionDenied("no inbox")
        params = InboxFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        d = params.validated_data
        qs = inbox.inbox_queryset(request.user, state=d["state"], channel=d.get("channel"))
        if d.get("agency"):
            agency = agency_lookup(d["agency"])
            if agency is None or agency.pk not in inbox.triage_agency_ids(request.user):
                raise field_error("agency", _("Lembaga ini bukan kotak laporan Anda."))
            qs = qs.filter(agency_id=agency.pk)
        self.cursor_ordering = ("received_at", "id") if d["state"] == "open" else ("-received_at", "-id")
        page = self.paginate_queryset(qs)
        groups: dict = {}
        for r in page:
            groups.setdefault(r.agency_id, []).append(r.pk)
        audit_list(request.user, object_type="report", groups=groups, via="api inbox",
                   filters={k: request.query_params[k] for k in params.fields if k in request.query_params},
                   structured={"state", "channel", "agency"})
        return self.get_paginated_response(InboxRowSerializer(page, many=True).data)


class InboxDetailView(APIView):
    @extend_schema(operation_id="inbox_retrieve", tags=["inbox"], parameters=[REPORT_ID],
                   responses={200: InboxReportSerializer, 404: ErrorDetailSerializer},
                   summary="One report of your inbox, its way so far and the possible-match check (audited)")
    def get(self, request, report_id):
        report = _inbox_report(request, report_id)
        audit_read(request.user, agency_id=report.agency_id, object_type="report", object_id=report.pk,
                   detail={"via": "api inbox"})
        viewer = Viewer(roles=Principal.of(request.user).roles_in(report.agency_id))
        matches = inbox.possible_matches(request.user, report) if report.status in OPEN_STATUSES else []
        return Response(InboxReportSerializer(report, context={"viewer": viewer, "matches": matches}).data)


class KeyedSerializer(StrictSerializer):
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True, help_text=KEY_HELP)


class OpenCaseMoveSerializer(KeyedSerializer):
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                      help_text="Needed when the report names nobody (an anonymous report)")


class AttachMoveSerializer(KeyedSerializer):
    case = serializers.CharField(max_length=64, help_text="The case's reference (SNG-...) or id; a case your "
                                                          "agency leads")


class ForwardMoveSerializer(KeyedSerializer):
    to_agency = serializers.CharField(max_length=64, help_text="Agency id or code: of this instance, or the local "
                                                               "stand-in of a partner instance's agency")
    reason = serializers.CharField(max_length=1000, allow_blank=True)
    sections = serializers.ListField(
        child=serializers.ChoiceField(choices=list(remote.REPORT_SECTIONS)), required=False,
        help_text="To a partner instance: what leaves (default identity, exploitation, location; the story "
                  "always goes)")
    consent_override_reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True,
        help_text="To a partner instance without the person's consent to sharing: why it goes anyway (audited)")


class CloseMoveSerializer(KeyedSerializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True)


class _Move(APIView):
    serializer: type[serializers.Serializer]

    def body(self, request) -> dict:
        body = self.serializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


class InboxOpenCaseView(_Move):
    serializer = OpenCaseMoveSerializer

    @extend_schema(operation_id="inbox_open_case", tags=["inbox"], parameters=[REPORT_ID],
                   request=OpenCaseMoveSerializer, responses={201: TriageResultSerializer, **ERRORS},
                   summary="Open a case led by your agency from the report (the possible matches are returned)")
    def post(self, request, report_id):
        report = _inbox_report(request, report_id)
        d = self.body(request)
        matches = [c for c in inbox.possible_matches(request.user, report) if c.pk != report.case_id]
        person = {"full_name": d["full_name"]} if (d.get("full_name") or "").strip() else None
        case = triage.report_triage_open_case(actor=request.user, report=report, person=person,
                                              idempotency_key=d.get("idempotency_key") or None)
        return _result(report, matches=matches, case=case, code=status.HTTP_201_CREATED)


class InboxAttachView(_Move):
    serializer = AttachMoveSerializer

    @extend_schema(operation_id="inbox_attach", tags=["inbox"], parameters=[REPORT_ID],
                   request=AttachMoveSerializer, responses={200: TriageResultSerializer, **ERRORS},
                   summary="Attach the report to a case your agency leads, with the possible-match check's result")
    def post(self, request, report_id):
        report = _inbox_report(request, report_id)
        d = self.body(request)
        ref = d["case"].strip()
        by_id = as_uuid(ref)
        if by_id:
            # The service takes the reference: an id names the same case among those the user sees.
            ref = cases_visible_to(request.user).filter(pk=by_id).values_list("reference", flat=True).first()
            if ref is None:
                raise NotFound("case")
        matches = inbox.possible_matches(request.user, report)
        report = triage.report_triage_attach(actor=request.user, report=report, case_reference=ref,
                                             idempotency_key=d.get("idempotency_key") or None)
        report.refresh_from_db()
        return _result(report, matches=matches, possible_match=report.case_id in {c.pk for c in matches})


class InboxForwardView(_Move):
    serializer = ForwardMoveSerializer

    @extend_schema(operation_id="inbox_forward", tags=["inbox"], parameters=[REPORT_ID],
                   request=ForwardMoveSerializer, responses={200: TriageResultSerializer, **ERRORS},
                   summary="Pass the report on to another agency, here or at a partner instance, with a reason")
    def post(self, request, report_id):
        try:
            report = _inbox_report(request, report_id)
        except NotFound:
            # Asked again after the first request passed it out of the user's inbox: the first answer.
            key = request.data.get("idempotency_key") if isinstance(request.data, dict) else None
            first = inbox.move_replayed(request.user, report_id, key, MoveKind.FORWARDED)
            if first is None:
                raise
            return _result(first)
        d = self.body(request)
        key = d.get("idempotency_key") or None
        target = agency_lookup(d["to_agency"])
        if target is None:
            raise field_error("to_agency", _("Lembaga tidak dikenal."))
        report = triage.report_forward(actor=request.user, report=report, to_agency=target, reason=d["reason"],
                                       idempotency_key=key, sections=d.get("sections"),
                                       consent_override_reason=d.get("consent_override_reason") or "")
        return _result(report)


class InboxCloseView(_Move):
    serializer = CloseMoveSerializer

    @extend_schema(operation_id="inbox_close", tags=["inbox"], parameters=[REPORT_ID],
                   request=CloseMoveSerializer, responses={200: TriageResultSerializer, **ERRORS},
                   summary="Close the report without a case, with a reason")
    def post(self, request, report_id):
        report = _inbox_report(request, report_id)
        d = self.body(request)
        report = triage.report_close(actor=request.user, report=report, reason=d["reason"],
                                     idempotency_key=d.get("idempotency_key") or None)
        return _result(report)
