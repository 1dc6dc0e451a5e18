"""Person endpoints: read (always audited, masked by role, revealed only with a purpose), update, identity
documents, family contacts and consent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.principal import Principal
from sinergi.access.projection import project_person
from sinergi.people import services

from .cases import ERRORS, REVEAL_PARAMS
from .common import agency_lookup, audit_read, given, parse_reveal
from .people_serializers import (
    ConsentInputSerializer,
    ConsentSerializer,
    DocumentInputSerializer,
    DocumentSerializer,
    FamilyContactInputSerializer,
    FamilyContactSerializer,
    PersonPatchSerializer,
    PersonSerializer,
)
from .reads import person_get
from django.utils.translation import gettext_lazy as _

PERSON_ID = OpenApiParameter("person_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
PERSON_FIELDS = ("full_name", "sex", "date_of_birth", "estimated_age", "citizenship", "origin_village", "address",
                 "phone", "email", "primary_language", "deceased")


def acting_agency(user, seen_through, requested):
    """The agency a write about this person is made for: the one the user sees the person through, or one of
    the user's own agencies named in the request."""
    if requested in (None, ""):
        return seen_through
    agency = agency_lookup(requested)
    if agency is None or agency.pk not in Principal.of(user).casework_agency_ids:
        raise ValidationError(
            {"agency": [_("Anda tidak dapat bertindak untuk lembaga ini.")]})
    return agency.pk


def person_view(user, person_id, agency_id, revealed=frozenset()):
    """The person as the user sees them through ``agency_id`` (read again: a write may have changed them)."""
    person, _ = person_get(user, person_id)
    return project_person(user, person, agency_id=agency_id, revealed=revealed)


class PersonDetailView(APIView):
    @extend_schema(operation_id="persons_retrieve", tags=["persons"], parameters=[PERSON_ID, *REVEAL_PARAMS],
                   responses={200: PersonSerializer, **ERRORS},
                   summary="A person (audited). Contacts, addresses and document numbers are masked unless revealed.")
    def get(self, request, person_id):
        person, agency_id = person_get(request.user, person_id)
        roles = Principal.of(request.user).roles_in(agency_id)
        reveal = parse_reveal(request, roles)
        purpose = (request.query_params.get("purpose") or "").strip()[:300]
        audit_read(request.user, agency_id=agency_id, object_type="person", object_id=person.pk, purpose=purpose,
                   reveal=reveal)
        view = project_person(request.user, person, agency_id=agency_id, revealed=reveal.what)
        return Response(PersonSerializer(view).data)

    @extend_schema(operation_id="persons_partial_update", tags=["persons"], parameters=[PERSON_ID],
                   request=PersonPatchSerializer, responses={200: PersonSerializer, **ERRORS})
    def patch(self, request, person_id):
        person, seen_through = person_get(request.user, person_id)
        body = PersonPatchSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        agency_id = acting_agency(request.user, seen_through, d.get("agency"))
        services.person_update(actor=request.user, person=person, agency_id=agency_id,
                               data=given(d, *PERSON_FIELDS), aliases=d.get("aliases"))
        return Response(PersonSerializer(person_view(request.user, person.pk, seen_through)).data)


class DocumentListView(APIView):
    @extend_schema(operation_id="persons_documents_create", tags=["persons"], parameters=[PERSON_ID],
                   request=DocumentInputSerializer, responses={201: DocumentSerializer, **ERRORS},
                   summary="Add an identity document (NIK, passport, ...); the number is checked by type")
    def post(self, request, person_id):
        person, seen_through = person_get(request.user, person_id)
        body = DocumentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        doc = services.document_add(
            actor=request.user, person=person, agency_id=acting_agency(request.user, seen_through, d.get("agency")),
            type=d["type"], number=d["number"], issuing_country=d["issuing_country"], issued_on=d.get("issued_on"),
            expires_on=d.get("expires_on"))
        view = next(d for d in person_view(request.user, person.pk, seen_through).documents if d.id == doc.pk)
        return Response(DocumentSerializer(view).data, status=status.HTTP_201_CREATED)


class FamilyContactListView(APIView):
    @extend_schema(operation_id="persons_family_contacts_create", tags=["persons"], parameters=[PERSON_ID],
                   request=FamilyContactInputSerializer, responses={201: FamilyContactSerializer, **ERRORS})
    def post(self, request, person_id):
        person, seen_through = person_get(request.user, person_id)
        body = FamilyContactInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        contact = services.family_contact_add(
            actor=request.user, person=person, agency_id=acting_agency(request.user, seen_through, d.get("agency")),
            name=d["name"], relationship=d["relationship"], phone=d.get("phone") or "",
            address=d.get("address") or "", village=d.get("village"))
        view = next(f for f in person_view(request.user, person.pk, seen_through).contact.family
                    if f.id == contact.pk)
        return Response(FamilyContactSerializer(view).data, status=status.HTTP_201_CREATED)


class ConsentListView(APIView):
    @extend_schema(operation_id="persons_consents_list", tags=["persons"], parameters=[PERSON_ID],
                   responses={200: ConsentSerializer(many=True), **ERRORS},
                   summary="The person's consent answers, newest first (withdrawals are new rows)")
    def get(self, request, person_id):
        person, agency_id = person_get(request.user, person_id)
        audit_read(request.user, agency_id=agency_id, object_type="person", object_id=person.pk,
                   detail={"part": "consents"})
        return Response(ConsentSerializer(person.consents.select_related("recorded_by"), many=True).data)

    @extend_schema(operation_id="persons_consents_create", tags=["persons"], parameters=[PERSON_ID],
                   request=ConsentInputSerializer, responses={201: ConsentSerializer, **ERRORS})
    def post(self, request, person_id):
        person, seen_through = person_get(request.user, person_id)
        body = ConsentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        consent = services.consent_record(
            actor=request.user, person=person, agency_id=acting_agency(request.user, seen_through, d.get("agency")),
            purpose=d["purpose"], given=d["given"], method=d.get("method") or "", note=d.get("note") or "",
            agency_types=d.get("agency_types") or [])
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)
