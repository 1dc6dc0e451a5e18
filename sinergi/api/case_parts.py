"""Parts of a case: services delivered, notes, attachments and the timeline. A referral receiver reaches only
the parts that were shared with it; the rest answer "not found"."""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.policy import require_section
from sinergi.access.projection import project_case
from sinergi.cases import selectors, services
from sinergi.cases.attachments import attachment_add, attachment_open
from sinergi.cases.models import Attachment, ServiceDelivery
from sinergi.core.errors import NotFound

from .case_serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    NoteInputSerializer,
    NoteSerializer,
    ServiceInputSerializer,
    ServiceSerializer,
    TimelineEventSerializer,
)
from .cases import CASE_ID, ERRORS
from .common import get_visible, given
from .errors import ErrorDetailSerializer


def _case_part(request, case_id, section: str, *, audit: bool):
    """The case, if the user may see ``section`` of it (``access.sections``). Reads are audited as reads of the
    case."""
    purpose = (request.query_params.get("purpose") or "").strip()[:300]
    with transaction.atomic():  # a part that was not shared is not read, so its READ row goes too
        case = selectors.case_get(request.user, case_id, audit=audit, purpose=purpose)
        require_section(request.user, case, section)
    return case


def _part(request, case, part: str):
    """The reader's projection of one part of the case (``access.projection``); NotFound if not shared."""
    items = getattr(project_case(request.user, case, include={part}), part)
    if items is None:
        raise NotFound(part)
    return items


def _one(request, case, part: str, pk):
    return next(item for item in _part(request, case, part) if item.id == pk)


class ServiceListView(APIView):
    @extend_schema(operation_id="case_services_list", tags=["cases"], parameters=[CASE_ID],
                   responses={200: ServiceSerializer(many=True), 404: ErrorDetailSerializer})
    def get(self, request, case_id):
        case = _case_part(request, case_id, "services", audit=True)
        return Response(ServiceSerializer(_part(request, case, "services"), many=True).data)

    @extend_schema(operation_id="case_services_create", tags=["cases"], parameters=[CASE_ID],
                   request=ServiceInputSerializer, responses={201: ServiceSerializer, **ERRORS},
                   summary="Record a service delivered to the survivor")
    def post(self, request, case_id):
        case = _case_part(request, case_id, "services", audit=False)
        body = ServiceInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service = services.service_add(actor=request.user, case=case, data=dict(body.validated_data))
        return Response(ServiceSerializer(_one(request, case, "services", service.pk)).data,
                        status=status.HTTP_201_CREATED)


class ServiceDetailView(APIView):
    @extend_schema(operation_id="case_services_partial_update", tags=["cases"],
                   parameters=[CASE_ID, OpenApiParameter("service_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
                   request=ServiceInputSerializer(partial=True), responses={200: ServiceSerializer, **ERRORS})
    def patch(self, request, case_id, service_id):
        case = _case_part(request, case_id, "services", audit=False)
        service = get_visible(ServiceDelivery.objects.filter(case=case).select_related("case"), service_id, "service")
        body = ServiceInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        service = services.service_update(
            actor=request.user, service=service,
            data=given(d, "type", "provider", "started_on", "ended_on", "outcome", "notes"))
        return Response(ServiceSerializer(_one(request, case, "services", service.pk)).data)


class NoteListView(APIView):
    @extend_schema(operation_id="case_notes_list", tags=["cases"], parameters=[CASE_ID],
                   responses={200: NoteSerializer(many=True), 404: ErrorDetailSerializer})
    def get(self, request, case_id):
        case = _case_part(request, case_id, "notes", audit=True)
        return Response(NoteSerializer(_part(request, case, "notes"), many=True).data)

    @extend_schema(operation_id="case_notes_create", tags=["cases"], parameters=[CASE_ID],
                   request=NoteInputSerializer, responses={201: NoteSerializer, **ERRORS})
    def post(self, request, case_id):
        case = _case_part(request, case_id, "notes", audit=False)
        body = NoteInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.note_add(actor=request.user, case=case, body=body.validated_data["body"])
        return Response(NoteSerializer(_one(request, case, "notes", note.pk)).data, status=status.HTTP_201_CREATED)


class AttachmentListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="case_attachments_list", tags=["cases"], parameters=[CASE_ID],
                   responses={200: AttachmentSerializer(many=True), 404: ErrorDetailSerializer})
    def get(self, request, case_id):
        case = _case_part(request, case_id, "attachments", audit=True)
        return Response(AttachmentSerializer(_part(request, case, "attachments"), many=True).data)

    @extend_schema(operation_id="case_attachments_create", tags=["cases"], parameters=[CASE_ID],
                   request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer, **ERRORS},
                   summary="Upload a file (type checked by content, size-limited)")
    def post(self, request, case_id):
        case = _case_part(request, case_id, "attachments", audit=False)
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        attachment = attachment_add(actor=request.user, case=case, uploaded=d["file"],
                                    description=d.get("description") or "")
        return Response(AttachmentSerializer(_one(request, case, "attachments", attachment.pk)).data,
                        status=status.HTTP_201_CREATED)


class AttachmentDownloadView(APIView):
    @extend_schema(operation_id="case_attachments_download", tags=["cases"],
                   parameters=[CASE_ID, OpenApiParameter("attachment_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
                               OpenApiParameter("purpose", str, description="Why you open the file (audited)")],
                   responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY,
                                                                                  description="The file, as uploaded"),
                              404: ErrorDetailSerializer})
    def get(self, request, case_id, attachment_id):
        case = _case_part(request, case_id, "attachments", audit=False)
        attachment = get_visible(Attachment.objects.filter(case=case).select_related("case"), attachment_id,
                                 "attachment")
        purpose = (request.query_params.get("purpose") or "").strip()[:300]
        handle = attachment_open(actor=request.user, attachment=attachment, purpose=purpose)
        return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)


class TimelineView(APIView):
    @extend_schema(operation_id="case_timeline", tags=["cases"], parameters=[CASE_ID],
                   responses={200: TimelineEventSerializer(many=True), 404: ErrorDetailSerializer},
                   summary="Everything that happened to the case, oldest first")
    def get(self, request, case_id):
        case = _case_part(request, case_id, "all", audit=True)
        return Response(TimelineEventSerializer(_part(request, case, "timeline"), many=True).data)
