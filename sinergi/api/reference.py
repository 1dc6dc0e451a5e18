"""Reference data for any signed-in user: agencies, regions, countries, screening indicators and the HTCDS
vocabulary of case fields. None of it is personal data, so none of it is audited."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.agencies.enums import AgencyType
from sinergi.agencies.enums import Level as AgencyLevel
from sinergi.agencies.models import Agency
from sinergi.cases import vocab
from sinergi.cases.enums import DecisionOrg, Outcome, ServiceOutcome, ServiceType, Stage, VictimStatus
from sinergi.core import htcds
from sinergi.core.errors import NotFound
from sinergi.intake import indicators
from sinergi.intake.enums import Channel, ReportStatus
from sinergi.people.enums import ConsentPurpose, DocumentType, Relationship, Sex
from sinergi.regions.enums import Level
from sinergi.regions.models import Country, Region

from .common import agency_lookup
from .errors import ErrorDetailSerializer
from .pagination import KeysetPagination


class AgencySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id")
    region = serializers.CharField(source="region_id", allow_null=True)
    parent = serializers.UUIDField(source="parent_id", allow_null=True)

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name", "type", "country", "level", "region", "parent", "is_active"]


class AgencyFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=AgencyType.choices)
    level = django_filters.ChoiceFilter(choices=AgencyLevel.choices)
    country = django_filters.CharFilter(method="filter_country", help_text="ISO 3166-1 alpha-2 or alpha-3")
    q = django_filters.CharFilter(method="filter_q", help_text="Part of the name, short name or code")

    class Meta:
        model = Agency
        fields = ["type", "level", "country", "q"]

    def filter_country(self, qs, name, value):
        code = value.strip().upper()
        return qs.filter(Q(country_id=code) | Q(country__alpha3=code))

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value))


class AgencyListView(ListAPIView):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    pagination_class = KeysetPagination
    cursor_ordering = ("name", "id")
    queryset = Agency.objects.filter(is_active=True)

    @extend_schema(operation_id="agencies_list", tags=["reference"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AgencyDetailView(RetrieveAPIView):
    serializer_class = AgencySerializer

    @extend_schema(operation_id="agencies_retrieve", tags=["reference"],
                   parameters=[OpenApiParameter("agency", str, OpenApiParameter.PATH, description="Id or code")],
                   responses={200: AgencySerializer, 404: ErrorDetailSerializer})
    def get(self, request, agency):
        found = agency_lookup(agency)
        if found is None:
            raise NotFound("agency")
        return Response(AgencySerializer(found).data)


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, help_text="1 province, 2 regency/city, 3 district, "
                                                                          "4 village")
    parent = django_filters.CharFilter(field_name="parent_id", help_text="Code of the parent area")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name")

    class Meta:
        model = Region
        fields = ["level", "parent", "q"]


class RegionListView(ListAPIView):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    pagination_class = KeysetPagination
    cursor_ordering = ("code",)
    queryset = Region.objects.all()

    @extend_schema(operation_id="regions_list", tags=["reference"],
                   summary="Indonesia's administrative areas (Kemendagri codes)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "alpha3", "name", "name_id"]


class CountryListView(ListAPIView):
    serializer_class = CountrySerializer
    pagination_class = None
    queryset = Country.objects.order_by("name")
    filter_backends: list = []

    @extend_schema(operation_id="countries_list", tags=["reference"], summary="Countries (ISO 3166-1)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


IndicatorsSerializer = inline_serializer("Indicators", {
    "ilo": serializers.ListField(child=inline_serializer("IloIndicator", {
        "key": serializers.CharField(), "label": serializers.CharField()})),
    "delphi": serializers.ListField(child=inline_serializer("DelphiItem", {
        "key": serializers.CharField(), "dimension": serializers.CharField(), "label": serializers.CharField(),
        "strength": serializers.ChoiceField(choices=["strong", "medium", "weak"])})),
    "dimensions": serializers.ListField(child=serializers.CharField()),
})


class IndicatorsView(APIView):
    @extend_schema(operation_id="indicators_retrieve", tags=["reference"], responses={200: IndicatorsSerializer},
                   summary="ILO 11 forced-labour indicators and ILO/EC Delphi items, with the keys screening takes")
    def get(self, request):
        return Response({
            "ilo": [{"key": i.key, "label": i.label} for i in indicators.ilo_indicators()],
            "delphi": [{"key": i.key, "dimension": i.dimension, "label": i.label, "strength": i.strength}
                       for i in indicators.delphi_items()],
            "dimensions": indicators.dimensions(),
        })


def _choices(choices) -> list[dict]:
    return [{"value": str(v), "label": str(label)} for v, label in choices]


def vocabularies() -> dict[str, list[dict]]:
    htcds_fields = {**vocab.LIST_FIELDS, **vocab.CHOICE_FIELDS}
    result = {field: _choices(htcds.choices(name)) for field, name in htcds_fields.items()}
    for name, enum in {
        "stage": Stage, "outcome": Outcome, "victim_status": VictimStatus, "decided_by": DecisionOrg,
        "service_type": ServiceType, "service_outcome": ServiceOutcome, "channel": Channel,
        "report_status": ReportStatus, "sex": Sex, "document_type": DocumentType, "relationship": Relationship,
        "consent_purpose": ConsentPurpose, "agency_type": AgencyType,
    }.items():
        result[name] = _choices(enum.choices)
    return result


class VocabulariesView(APIView):
    @extend_schema(
        operation_id="vocabularies_retrieve", tags=["reference"],
        responses={200: OpenApiTypes.OBJECT},
        summary="Allowed values of coded fields: HTCDS value names for exploitation details, and the pathway codes",
        description="An object of field name -> list of {value, label}. Labels follow the request's language.")
    def get(self, request):
        return Response(vocabularies())
