"""Referrals through the API: the same services and permissions as the case page.

A case's referrals (``cases/<id>/referrals/``): its lead agency sees them all and sends new ones; an agency the
case was referred to sees only its own. ``referrals/`` lists what came to (or went from) the user's agencies;
``referrals/<id>/status/`` answers one (receiver) or withdraws it (sender).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.audit_reads import audit_list
from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.access.projection import REFERRALS, project_case
from sinergi.access.projection_parts import project_referrals
from sinergi.access.visibility import referrals_visible_to
from sinergi.cases import selectors
from sinergi.core.errors import PermissionDenied
from sinergi.core.validation import field_error
from sinergi.referrals import services
from sinergi.referrals.enums import ReferralStatus, ReferralType, Section

from .cases import CASE_ID, ERRORS
from .common import agency_lookup, get_visible
from .errors import ErrorDetailSerializer
from django.utils.translation import gettext_lazy as _

ANSWERS = ["acknowledged", "accepted", "in_progress", "declined", "completed", "withdrawn"]


class ReferralSerializer(serializers.Serializer):
    """A referral as the reader may see it (``access.projection_parts.ReferralView``)."""

    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    case_reference = serializers.CharField()
    type = serializers.CharField()
    from_agency = serializers.CharField(source="from_agency.code")
    to_agency = serializers.CharField(source="to_agency.code")
    status = serializers.CharField()
    sections = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()
    sent_at = serializers.DateTimeField()
    ack_due_at = serializers.DateTimeField()
    complete_due_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    outcome = serializers.CharField()
    escalation_level = serializers.IntegerField()
    across_border = serializers.BooleanField(help_text="Sent to or received from a partner's instance.")
    delivered_at = serializers.DateTimeField(allow_null=True,
                                             help_text="To a partner's instance: when its signed receipt came back.")
    queued = serializers.BooleanField(help_text="To a partner's instance that has not yet received it.")


class ReferralInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ReferralType.choices)
    to_agency = serializers.CharField(max_length=64, help_text="The agency's id or code (GET /agencies/).")
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices), required=False,
                                     help_text="Parts of the case shared; default: what the type needs.")
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    consent_override_reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True)


class ReferralAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s, ReferralStatus(s).label) for s in ANSWERS])
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    outcome = serializers.CharField(max_length=5000, required=False, allow_blank=True)


def _related(qs):
    return qs.select_related("case", "from_agency", "to_agency").order_by("-sent_at")


def _one(request, referral_id) -> dict:
    rows = project_referrals(request.user, _related(referrals_visible_to(request.user).filter(pk=referral_id)))
    return ReferralSerializer(rows[0]).data


class CaseReferralListView(APIView):
    @extend_schema(operation_id="case_referrals_list", tags=["referrals"], parameters=[CASE_ID],
                   responses={200: ReferralSerializer(many=True), 404: ErrorDetailSerializer},
                   summary="The case's referrals (an agency it was referred to sees only its own)")
    def get(self, request, case_id):
        case = selectors.case_get(request.user, case_id)
        view = project_case(request.user, case, include={REFERRALS})
        return Response(ReferralSerializer(view.referrals, many=True).data)

    @extend_schema(operation_id="case_referrals_create", tags=["referrals"], parameters=[CASE_ID],
                   request=ReferralInputSerializer, responses={201: ReferralSerializer, **ERRORS},
                   summary="Ask another agency to act (idempotent by key; consent or an audited override)")
    def post(self, request, case_id):
        case = selectors.case_get(request.user, case_id, audit=False)
        body = ReferralInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        target = agency_lookup(d["to_agency"])
        if target is None:
            raise field_error("to_agency", _("Lembaga tidak dikenal."))
        referral = services.referral_send(
            actor=request.user, case=case, type=d["type"], to_agency=target, sections=d.get("sections") or None,
            message=d.get("message") or "", consent_override_reason=d.get("consent_override_reason") or "",
            idempotency_key=d.get("idempotency_key") or None)
        return Response(_one(request, referral.pk), status=status.HTTP_201_CREATED)


class ReferralListView(APIView):
    @extend_schema(operation_id="referrals_list", tags=["referrals"], parameters=[
        OpenApiParameter("direction", str, enum=["incoming", "outgoing"], default="incoming"),
        OpenApiParameter("status", str, enum=list(ReferralStatus.values)),
    ], responses={200: ReferralSerializer(many=True), 400: ErrorDetailSerializer},
        summary="Referrals to the user's agencies (or from them), newest first, at most 200")
    def get(self, request):
        if not Principal.of(request.user).can(Cap.CASE_VIEW):
            raise PermissionDenied("no casework role")
        direction = request.query_params.get("direction", "incoming")
        wanted = request.query_params.get("status")
        if direction not in ("incoming", "outgoing"):
            raise field_error("direction", _("Pilih incoming atau outgoing."))
        if wanted and wanted not in ReferralStatus.values:
            raise field_error("status", _("Status tidak dikenal."))
        qs = _related(referrals_visible_to(request.user, direction=direction))
        if wanted:
            qs = qs.filter(status=wanted)
        rows = project_referrals(request.user, qs[:200])
        # Referral messages speak of the survivor: the page is one audited read, in the agency it was seen through.
        groups: dict = {}
        for r in rows:
            groups.setdefault(r.to_agency.pk if direction == "incoming" else r.from_agency.pk, []).append(r.id)
        audit_list(request.user, object_type="referral", groups=groups, via="api list",
                   filters={"direction": direction, "status": wanted}, structured={"direction", "status"})
        return Response(ReferralSerializer(rows, many=True).data)


class ReferralStatusView(APIView):
    @extend_schema(operation_id="referrals_answer", tags=["referrals"],
                   parameters=[OpenApiParameter("referral_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
                   request=ReferralAnswerSerializer, responses={200: ReferralSerializer, **ERRORS},
                   summary="The receiver acknowledges, accepts, declines (reason), starts or completes (outcome); "
                           "the sender withdraws")
    def post(self, request, referral_id):
        referral = get_visible(referrals_visible_to(request.user).select_related("case"), referral_id, "referral")
        body = ReferralAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        if d["status"] == "withdrawn":
            services.referral_withdraw(actor=request.user, referral=referral, reason=d.get("reason") or "")
        else:
            services.referral_respond(actor=request.user, referral=referral, to_status=d["status"],
                                      reason=d.get("reason") or "", outcome=d.get("outcome") or "")
        return Response(_one(request, referral.pk))

