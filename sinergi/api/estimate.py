"""The hidden-victims estimate through the API: the analyst chooses the period, the region of origin and which
agency types' lists to use; the answer is what the estimate page shows (``analytics.hidden.hidden_estimate``, the
same call): the total and the number never seen with the 95% interval, the model chosen and how, the spread that
linkage uncertainty causes, and the plain-language caveats. Aggregates only; the read is audited by the estimate."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.access.policy import require_aggregates
from sinergi.agencies.enums import AgencyType
from sinergi.analytics import mse
from sinergi.analytics.hidden import HiddenQuery, hidden_estimate
from sinergi.regions.enums import Level
from sinergi.regions.models import Region

from .errors import ErrorDetailSerializer, FieldErrorsSerializer
from django.utils.translation import gettext_lazy as _

PARAMETERS = [
    OpenApiParameter("date_from", str, required=True, description="First day of the period (YYYY-MM-DD)"),
    OpenApiParameter("date_to", str, required=True, description="Last day of the period (YYYY-MM-DD)"),
    OpenApiParameter("region", str, description="Region of origin: a province (53) or a regency/city (53.01) code"),
    OpenApiParameter("lists", str, many=True, required=True, enum=list(AgencyType.values),
                     description="At least two agency types, each one list (repeat the parameter or separate by "
                                 "commas)"),
]


class EstimateQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    region = serializers.CharField(required=False, allow_blank=True, max_length=13)
    lists = serializers.ListField(child=serializers.ChoiceField(choices=AgencyType.values), allow_empty=True)

    def validate_region(self, value):
        if value and not Region.objects.filter(code=value, level__in=[Level.PROVINCE, Level.REGENCY]).exists():
            raise serializers.ValidationError(_("Wilayah tidak dikenal: kode provinsi atau kabupaten/kota."))
        return value

    def validate(self, data):
        errors = {}
        if data["date_from"] > data["date_to"]:
            errors["date_to"] = [_("Tanggal akhir sebelum tanggal awal.")]
        elif data["date_to"] > dt.date.today() + dt.timedelta(days=1):
            errors["date_to"] = [_("Tanggal akhir di masa depan.")]
        if len(set(data["lists"])) < 2:
            errors["lists"] = [_("Pilih sedikitnya dua daftar (jenis lembaga).")]
        if errors:
            raise serializers.ValidationError(errors)
        return data


def _query_data(params) -> dict:
    data = {k: params[k] for k in ("date_from", "date_to", "region") if k in params}
    data["lists"] = [part.strip() for raw in params.getlist("lists") for part in raw.split(",") if part.strip()]
    return data


RANGE = serializers.ListField(child=serializers.FloatField(allow_null=True), min_length=2, max_length=2,
                              help_text="[lower, upper]; upper null when unbounded")


class EstimateIntervalSerializer(serializers.Serializer):
    level = serializers.FloatField()
    method = serializers.CharField()
    total = RANGE
    unseen = serializers.ListField(child=serializers.FloatField(allow_null=True))


class EstimateSpreadSerializer(serializers.Serializer):
    lower = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True)


class EstimateLinkageSerializer(serializers.Serializer):
    uncertain_pairs = serializers.IntegerField(help_text="Pairs still waiting for review, re-drawn by probability")
    draws = serializers.IntegerField()
    failed_draws = serializers.IntegerField()
    total = EstimateSpreadSerializer(help_text="The estimated total across the re-drawn linkages")
    unseen = EstimateSpreadSerializer()
    combined_interval = serializers.DictField(help_text="Interval for linkage and sampling together")


class EstimateListSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    persons = serializers.IntegerField()


class EstimateModelSerializer(serializers.Serializer):
    interactions = serializers.ListField(child=serializers.ListField(child=serializers.CharField()),
                                         help_text="The two-list interactions chosen, as pairs of agency types")
    interaction_labels = serializers.ListField(child=serializers.CharField())
    method = serializers.CharField(help_text="stepwise (as SparseMSE) or bic")
    parameters = serializers.IntegerField()


class EstimateCaveatSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()


class EstimateSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    region = serializers.CharField()
    lists = EstimateListSerializer(many=True)
    observed = serializers.IntegerField(help_text="Persons on at least one list")
    total = serializers.FloatField(help_text="Estimated number of victims, seen or not")
    unseen = serializers.FloatField(help_text="Estimated number never seen on any list")
    interval = EstimateIntervalSerializer(allow_null=True, help_text="The 95% interval of the estimate")
    model = EstimateModelSerializer()
    linkage = EstimateLinkageSerializer(allow_null=True, help_text="Null when no pair waits for review")
    caveats = EstimateCaveatSerializer(many=True)


def estimate_document(query: HiddenQuery, result) -> dict:
    """The estimate page's figures as one document (aggregates only)."""
    est, labels = result.estimate, dict(AgencyType.choices)
    terms = [term.split(":") for term in est["model"]["interactions"]]
    spread = est.get("linkage")
    return {
        "date_from": query.date_from, "date_to": query.date_to, "region": query.region,
        "lists": [{"type": name, "label": str(labels.get(name, name)), "persons": result.list_sizes.get(name, 0)}
                  for name in result.lists],
        "observed": est["observed"], "total": est["estimate"]["total"], "unseen": est["estimate"]["unseen"],
        "interval": est["interval"],
        "model": {"interactions": terms, "interaction_labels": [" × ".join(str(labels.get(x, x)) for x in t)
                                                                for t in terms],
                  "method": est["selection"]["method"], "parameters": est["model"]["parameters"]},
        "linkage": {"uncertain_pairs": result.uncertain_pairs, **spread} if spread else None,
        "caveats": result.caveats or mse.caveats(),
    }


class EstimateView(APIView):
    @extend_schema(operation_id="analytics_estimate", tags=["analytics"], parameters=PARAMETERS,
                   responses={200: EstimateSerializer, 400: FieldErrorsSerializer, 403: ErrorDetailSerializer},
                   summary="Hidden victims: multiple systems estimation over the agencies' lists (aggregates only)")
    def get(self, request):
        require_aggregates(request.user)
        params = EstimateQuerySerializer(data=_query_data(request.query_params))
        params.is_valid(raise_exception=True)
        d = params.validated_data
        query = HiddenQuery(d["date_from"], d["date_to"], d.get("region") or "", tuple(d["lists"]))
        result = hidden_estimate(actor=request.user, query=query)
        return Response(EstimateSerializer(estimate_document(query, result)).data)
