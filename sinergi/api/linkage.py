"""The linkage API: the review queue of possible duplicates (the pairs a user may review, each side masked by role
as the review page masks it, with the explanation of each match), confirming or rejecting a pair, undoing a merge,
and asking a partner instance whether it holds the same person without sending names.

Thin: the same selectors and services as the pages (``linkage.selectors``, ``linkage.merging``,
``linkage.federation``); ``access.linkage`` decides. A user who reviews duplicates nowhere gets 403 on the lists, a
pair or merge they may not see is 404; every page and answer that shows a person is one audit row.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.linkage import require_reviewer
from sinergi.linkage import federation, merging, selectors
from sinergi.linkage.models import ClkQuery, MatchPair

from .cases import ERRORS
from .errors import ErrorDetailSerializer, FieldErrorsSerializer
from .linkage_serializers import (
    ClkQueryInputSerializer,
    ClkQuerySerializer,
    DecisionSerializer,
    MergeSerializer,
    PairFilterSerializer,
    PairSerializer,
    PeerSerializer,
    UndoSerializer,
)
from .pagination import KeysetPagination

PAIR_ID = OpenApiParameter("pair_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
MERGE_ID = OpenApiParameter("merge_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
LIST_ERRORS = {400: FieldErrorsSerializer, 403: ErrorDetailSerializer}


def pair_response(user, pair_id, *, audit: bool) -> Response:
    """The pair read again (a decision may have merged it), as the user may see it."""
    view = selectors.project_pair(user, selectors.pair_for(user, pair_id))
    if audit:
        selectors.audit_pairs_read(user, [view], via="api detail", single=True)
    return Response(PairSerializer(view).data)


class PairListView(GenericAPIView):
    pagination_class = KeysetPagination
    cursor_ordering = ("-probability", "created_at", "id")
    serializer_class = PairSerializer
    queryset = MatchPair.objects.none()  # for the schema only: rows come from the visibility filter
    filter_backends: list = []

    @extend_schema(operation_id="linkage_pairs_list", tags=["linkage"], parameters=[PairFilterSerializer],
                   responses={200: PairSerializer(many=True), **LIST_ERRORS},
                   summary="Possible duplicates you may review, most likely first (one audit row per page)")
    def get(self, request):
        require_reviewer(request.user)
        params = PairFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        wanted = params.validated_data["status"]
        page = self.paginate_queryset(selectors.pairs_for_review(request.user, status=wanted))
        views = [selectors.project_pair(request.user, p) for p in page]
        selectors.audit_pairs_read(request.user, views, via="api list", filters={"status": wanted})
        return self.get_paginated_response(PairSerializer(views, many=True).data)


class PairDetailView(APIView):
    @extend_schema(operation_id="linkage_pairs_retrieve", tags=["linkage"], parameters=[PAIR_ID],
                   responses={200: PairSerializer, 404: ErrorDetailSerializer},
                   summary="One pair side by side, with the explanation (audited)")
    def get(self, request, pair_id):
        return pair_response(request.user, pair_id, audit=True)


class PairDecisionView(APIView):
    @extend_schema(operation_id="linkage_pairs_decide", tags=["linkage"], parameters=[PAIR_ID],
                   request=DecisionSerializer, responses={200: PairSerializer, 409: FieldErrorsSerializer, **ERRORS},
                   summary="Same person (for the sides your agencies hold; merged once every holder agrees) or "
                           "different persons (closes the pair). Idempotent by key.")
    def post(self, request, pair_id):
        pair = selectors.pair_for(request.user, pair_id)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        key = d.get("idempotency_key") or None
        if d["decision"] == "confirm":
            merging.pair_confirm(actor=request.user, pair=pair, idempotency_key=key)
        else:
            merging.pair_reject(actor=request.user, pair=pair, reason=d.get("reason") or "", idempotency_key=key)
        return pair_response(request.user, pair.pk, audit=False)  # the decision's own row covers the answer


class MergeUndoView(APIView):
    @extend_schema(operation_id="linkage_merges_undo", tags=["linkage"], parameters=[MERGE_ID],
                   request=UndoSerializer, responses={200: MergeSerializer, 409: FieldErrorsSerializer, **ERRORS},
                   summary="Separate two merged persons again: what the merge moved goes back, the survivor's "
                           "fields are restored. Idempotent by key.")
    def post(self, request, merge_id):
        merge = selectors.merge_for(request.user, merge_id)
        body = UndoSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        merge = merging.merge_undo(actor=request.user, merge=merge,
                                   idempotency_key=body.validated_data.get("idempotency_key") or None)
        return Response(MergeSerializer(merge).data)


class PartnerListView(APIView):
    @extend_schema(operation_id="linkage_partners_list", tags=["linkage"],
                   responses={200: PeerSerializer(many=True), 403: ErrorDetailSerializer},
                   summary="Partner instances with which a linkage key was agreed")
    def get(self, request):
        require_reviewer(request.user)
        return Response(PeerSerializer(federation.partners_with_keys(), many=True).data)


class PartnerQueryListView(GenericAPIView):
    pagination_class = KeysetPagination
    serializer_class = ClkQuerySerializer
    queryset = ClkQuery.objects.none()
    filter_backends: list = []

    @extend_schema(operation_id="linkage_partner_queries_list", tags=["linkage"],
                   responses={200: ClkQuerySerializer(many=True), **LIST_ERRORS},
                   summary="Questions your agencies asked partners, newest first, with their answers")
    def get(self, request):
        require_reviewer(request.user)
        page = self.paginate_queryset(federation.queries_of(request.user))
        federation.audit_queries_read(request.user, page, via="api list")
        return self.get_paginated_response(ClkQuerySerializer(page, many=True).data)

    @extend_schema(operation_id="linkage_partner_queries_create", tags=["linkage"],
                   request=ClkQueryInputSerializer, responses={201: ClkQuerySerializer, **ERRORS},
                   summary="Ask a partner whether it holds the survivor of one of your cases: only keyed Bloom-filter "
                           "encodings are sent, never a name. Idempotent by key.")
    def post(self, request):
        require_reviewer(request.user)
        body = ClkQueryInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        query = federation.clk_query_for_case(actor=request.user, case_reference=d["case"], peer_code=d["peer"],
                                              idempotency_key=d.get("idempotency_key") or None)
        return Response(ClkQuerySerializer(query).data, status=status.HTTP_201_CREATED)


__all__ = ["MergeUndoView", "PairDecisionView", "PairDetailView", "PairListView", "PartnerListView",
           "PartnerQueryListView"]
