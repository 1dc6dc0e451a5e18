"""Notices through the API (missing or unidentified persons, like INTERPOL's yellow notice): the same services,
visibility and audit as the notices pages. Photos are uploaded with the web form and read there."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.projection_parts import project_notice, project_notices
from sinergi.access.ui import notice_issuing_agencies
from sinergi.cases.selectors import case_by_reference
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.validation import field_error
from sinergi.referrals import notices
from sinergi.referrals.models import Notice

from .cases import ERRORS
from .common import agency_lookup
from .errors import ErrorDetailSerializer

NOTICE_ID = OpenApiParameter("notice_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class NoticeAnswerOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    agency = serializers.CharField(source="agency.code")
    author = serializers.CharField(source="author_username", allow_null=True)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class NoticeSerializer(serializers.Serializer):
    """A notice as the reader may see it (``access.projection_parts.NoticeView``)."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    issued_by = serializers.CharField(source="issued_by.code")
    subject_name = serializers.CharField()
    description = serializers.CharField()
    last_known_place = serializers.CharField()
    last_known_country = serializers.CharField(source="last_known_country_code", allow_null=True)
    last_seen_on = serializers.DateField(allow_null=True)
    has_photo = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class NoticeDetailSerializer(NoticeSerializer):
    recipients = serializers.SerializerMethodField(
        help_text="The agencies it was sent to: the issuing agency's only (null for a recipient).")
    answers = NoticeAnswerOutSerializer(many=True, help_text="Every answer for the issuer; a recipient's own.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_recipients(self, view):
        return None if view.recipients is None else sorted(r.agency.code for r in view.recipients)


class NoticeInputSerializer(serializers.Serializer):
    agency = serializers.CharField(max_length=64, required=False,
                                   help_text="Issuing agency (id or code); needed when you may issue for several.")
    kind = serializers.ChoiceField(choices=Notice.Kind.choices)
    subject_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=10000)
    last_known_place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    last_known_country = serializers.CharField(max_length=3, required=False, allow_blank=True)
    last_seen_on = serializers.DateField(required=False, allow_null=True)
    recipients = serializers.ListField(child=serializers.CharField(max_length=64), min_length=1, max_length=100,
                                       help_text="Agencies (ids or codes), here or on a partner's instance.")
    case = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                 help_text="Reference of a case the issuing agency leads (SNG-...).")


class NoticeAnswerInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000)


class NoticeListView(APIView):
    @extend_schema(operation_id="notices_list", tags=["notices"],
                   parameters=[OpenApiParameter("status", str, enum=list(Notice.Status.values))],
                   responses={200: NoticeSerializer(many=True), 400: ErrorDetailSerializer},
                   summary="Notices your agencies issued or received, open first (each read is audited)")
    def get(self, request):
        wanted = request.query_params.get("status") or None
        if wanted and wanted not in Notice.Status.values:
            raise field_error("status", "Status tidak dikenal / unknown status.")
        rows = list(notices.notice_list(request.user, status=wanted).select_related("issued_by")[:200])
        notices.notices_audit_list_read(request.user, rows, via="api list",
                                        filters={"status": wanted} if wanted else None)
        return Response(NoticeSerializer(project_notices(request.user, rows), many=True).data)

    @extend_schema(operation_id="notices_create", tags=["notices"], request=NoticeInputSerializer,
                   responses={201: NoticeDetailSerializer, **ERRORS},
                   summary="Issue a notice to partner agencies (those on other instances get it by the exchange)")
    def post(self, request):
        allowed = notice_issuing_agencies(request.user)
        if not allowed:
            raise PermissionDenied("no agency to issue notices for")
        body = NoticeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        agency = agency_lookup(d["agency"]) if d.get("agency") else None
        if d.get("agency") and (agency is None or agency.pk not in allowed):
            raise field_error("agency", "Bukan lembaga Anda / not one of your agencies.")
        if agency is None and len(allowed) > 1:
            raise field_error("agency", "Pilih lembaga penerbit / choose the issuing agency.")
        agency_id = agency.pk if agency else allowed[0]
        recipients = []
        for value in d["recipients"]:
            target = agency_lookup(value)
            if target is None:
                raise field_error("recipients", f"Lembaga tidak dikenal / unknown agency: {value[:64]}")
            recipients.append(target)
        case = None
        if d.get("case"):
            # A notice about a case names its survivor: only a case the issuing agency leads (else not found).
            case = case_by_reference(request.user, d["case"], lead_agency_id=agency_id)
            if case is None:
                raise NotFound("case")
        notice = notices.notice_issue(
            actor=request.user, agency_id=agency_id, kind=d["kind"], description=d["description"],
            recipients=recipients, subject_name=d.get("subject_name") or "",
            last_known_place=d.get("last_known_place") or "",
            last_known_country=(d.get("last_known_country") or "").upper() or None,
            last_seen_on=d.get("last_seen_on"), case=case)
        # The issuer's own new notice: answered as written, without a "read" of it in the audit trail.
        return Response(NoticeDetailSerializer(project_notice(request.user, notice)).data,
                        status=status.HTTP_201_CREATED)


class NoticeDetailView(APIView):
    @extend_schema(operation_id="notices_retrieve", tags=["notices"], parameters=[NOTICE_ID],
                   responses={200: NoticeDetailSerializer, 404: ErrorDetailSerializer},
                   summary="One notice with its recipients and answers (audited)")
    def get(self, request, notice_id):
        notice = notices.notice_get(request.user, notice_id)
        return Response(NoticeDetailSerializer(project_notice(request.user, notice)).data)


class NoticeAnswerView(APIView):
    @extend_schema(operation_id="notices_answer", tags=["notices"], parameters=[NOTICE_ID],
                   request=NoticeAnswerInSerializer, responses={201: NoticeAnswerOutSerializer, **ERRORS},
                   summary="Answer a notice sent to your agency (it goes back to the issuer, across borders too)")
    def post(self, request, notice_id):
        notice = notices.notice_get(request.user, notice_id)
        body = NoticeAnswerInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answer = notices.notice_answer(actor=request.user, notice=notice, body=body.validated_data["body"])
        view = next(a for a in project_notice(request.user, notice, recipients=False).answers if a.id == answer.pk)
        return Response(NoticeAnswerOutSerializer(view).data, status=status.HTTP_201_CREATED)


class NoticeCloseView(APIView):
    @extend_schema(operation_id="notices_close", tags=["notices"], parameters=[NOTICE_ID], request=None,
                   responses={200: NoticeDetailSerializer, **ERRORS},
                   summary="Close a notice your agency issued (closes the partners' copies too)")
    def post(self, request, notice_id):
        notice = notices.notice_get(request.user, notice_id)
        try:
            notice = notices.notice_close(actor=request.user, notice=notice)
        except PermissionDenied:
            raise NotFound("notice") from None  # a recipient does not learn more by trying
        return Response(NoticeDetailSerializer(project_notice(request.user, notice)).data)
