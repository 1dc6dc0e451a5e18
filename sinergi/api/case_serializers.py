"""Case serializers. Input serializers check shape and types only (the services decide what is allowed);
output serializers present the reader's projection of the case (``access.projection``), in which what a referral
receiver was not given is absent and sensitive fields are masked."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sinergi.cases.enums import (
    DecisionOrg,
    Outcome,
    ServiceOutcome,
    ServiceType,
    Stage,
    VictimStatus,
    moves_from,
)

from .common import AgencyRefSerializer, StrictSerializer, agency_ref
from .people_serializers import PersonInputSerializer
from django.utils.translation import gettext_lazy as _

# ---- input -----------------------------------------------------------------------------------------------

def _list_field(help_text: str):
    return serializers.ListField(child=serializers.CharField(max_length=100), required=False, help_text=help_text)


class CaseDetailsInputSerializer(StrictSerializer):
    """Exploitation details in HTCDS value names (see ``GET /api/v1/vocabularies/``)."""

    exploitation_types = _list_field("HTCDS vic_TypeOfExploitation; the first is the primary one.")
    forced_labour_industry = serializers.CharField(required=False, allow_blank=True, max_length=60)
    sex_exploitation_types = _list_field("HTCDS vic_TypeOfSexExploitation")
    means_of_control = _list_field("HTCDS vic_MethodsOfControl")
    recruitment_methods = _list_field("HTCDS vic_MethodOfRecruitment")
    recruitment_apps = _list_field("HTCDS vic_RecruitmentWebsitesAndApps")
    exploitation_apps = _list_field("HTCDS vic_ExploitationWebsitesAndApps")
    relation_to_trafficker = serializers.CharField(required=False, allow_blank=True, max_length=16)
    country_of_exploitation = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=3,
                                                    help_text="ISO 3166-1 alpha-2 or alpha-3")
    city_of_exploitation = serializers.CharField(required=False, allow_blank=True, max_length=120)
    recruited_on = serializers.DateField(required=False, allow_null=True)
    exploitation_started_on = serializers.DateField(required=False, allow_null=True)
    exploitation_ended_on = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class CaseCreateSerializer(StrictSerializer):
    survivor = serializers.UUIDField(required=False, help_text="An existing person you can see")
    survivor_data = PersonInputSerializer(required=False, help_text="Or a new person, created with the case")
    lead_agency = serializers.CharField(required=False, allow_blank=True,
                                        help_text="Id or code; needed when you may open cases in several agencies")
    reported_on = serializers.DateField(required=False, help_text="Defaults to today")
    external_id = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    details = CaseDetailsInputSerializer(required=False)
    previous_case = serializers.UUIDField(required=False, allow_null=True,
                                          help_text="The earlier case when the survivor was trafficked again")

    def validate(self, attrs):
        if ("survivor" in attrs) == ("survivor_data" in attrs):
            raise serializers.ValidationError(
                {"survivor": [_("Isi salah satu: survivor atau survivor_data.")]})
        return attrs


class TransitionSerializer(StrictSerializer):
    to_stage = serializers.CharField(max_length=16, help_text=f"One of: {', '.join(Stage.values)}")
    at = serializers.DateTimeField(required=False, allow_null=True, help_text="When it happened; defaults to now")
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=16,
                                    help_text=f"Only when closing: {', '.join(Outcome.values)}")
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    data = serializers.DictField(required=False, child=serializers.CharField(allow_blank=True, max_length=120),
                                 help_text="What the target stage needs: travel_document_number, port_of_entry")
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                            help_text="Repeating a request with the same key changes nothing")


class VictimStatusSerializer(StrictSerializer):
    status = serializers.CharField(max_length=32, help_text=f"One of: {', '.join(VictimStatus.values)}")
    decided_by = serializers.CharField(max_length=40, help_text=f"One of: {', '.join(DecisionOrg.values)}")
    decided_on = serializers.DateField(required=False, allow_null=True)


class ServiceInputSerializer(StrictSerializer):
    type = serializers.CharField(max_length=24, help_text=f"One of: {', '.join(ServiceType.values)}")
    provider = serializers.CharField(max_length=64, help_text="Agency id or code")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=16,
                                    help_text=f"One of: {', '.join(ServiceOutcome.values)}")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class NoteInputSerializer(StrictSerializer):
    body = serializers.CharField(allow_blank=True, max_length=20000, trim_whitespace=False)


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="PDF, JPEG, PNG, DOCX or plain text; checked by content")
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)


# ---- output ----------------------------------------------------------------------------------------------

class CaseRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()


class SurvivorRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()


class SurvivorSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    sex = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    citizenship = serializers.CharField(source="citizenship_code", allow_null=True)
    origin_village = serializers.CharField(source="origin_village_code", allow_null=True)
    deceased = serializers.BooleanField()


class StageDurationSerializer(serializers.Serializer):
    stage = serializers.CharField()
    entered_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField(allow_null=True)
    days = serializers.FloatField()


class CaseListSerializer(serializers.Serializer):
    """One row of the case list, from ``access.projection.CaseRow``. ``survivor``, ``origin_province`` and
    ``origin_regency`` are null when a referral did not share the identity section; the exploitation and location
    fields likewise."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    external_id = serializers.CharField(allow_null=True, help_text="The lead agency's own key; null for others")
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_entered_at = serializers.DateTimeField()
    reported_on = serializers.DateField()
    outcome = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    lead_agency = serializers.SerializerMethodField()
    survivor = SurvivorRefSerializer(allow_null=True)
    country_of_exploitation = serializers.CharField(source="country_code", allow_null=True)
    primary_exploitation = serializers.CharField(allow_null=True)
    exploitation_types = serializers.ListField(child=serializers.CharField(), allow_null=True)
    victim_status = serializers.CharField(allow_null=True)
    origin_province = serializers.CharField(source="origin_province_code", allow_null=True)
    origin_regency = serializers.CharField(source="origin_regency_code", allow_null=True)

    @extend_schema_field(AgencyRefSerializer)
    def get_lead_agency(self, view):
        return agency_ref(view.lead_agency)


def _gated(section: str, name: str, field_class=serializers.CharField, **kwargs):
    """A field of a shared section (``CaseView.<section>.<name>``): null when the section was not shared."""
    return field_class(source=f"{section}.{name}", allow_null=True, required=False, **kwargs)


def _gated_list(section: str, name: str):
    return _gated(section, name, serializers.ListField, child=serializers.CharField())


class CaseDetailSerializer(CaseListSerializer):
    """A case, from ``access.projection.CaseView``. Sections a referral did not share are null;
    ``travel_document_number`` is masked unless revealed."""

    survivor = SurvivorSummarySerializer(source="identity", allow_null=True)
    victim_status_decided_by = _gated("exploitation", "victim_status_decided_by")
    victim_status_decided_on = _gated("exploitation", "victim_status_decided_on", serializers.DateField)
    forced_labour_industry = _gated("exploitation", "forced_labour_industry")
    sex_exploitation_types = _gated_list("exploitation", "sex_exploitation_types")
    means_of_control = _gated_list("exploitation", "means_of_control")
    recruitment_methods = _gated_list("exploitation", "recruitment_methods")
    recruitment_apps = _gated_list("exploitation", "recruitment_apps")
    exploitation_apps = _gated_list("exploitation", "exploitation_apps")
    relation_to_trafficker = _gated("exploitation", "relation_to_trafficker")
    city_of_exploitation = _gated("location", "city")
    recruited_on = _gated("exploitation", "recruited_on", serializers.DateField)
    exploitation_started_on = _gated("exploitation", "exploitation_started_on", serializers.DateField)
    exploitation_ended_on = _gated("exploitation", "exploitation_ended_on", serializers.DateField)
    summary = _gated("exploitation", "summary")
    travel_document_number = _gated("documents", "travel_document_number")
    port_of_entry = serializers.CharField()
    previous_case = CaseRefSerializer(allow_null=True)
    stage_durations = StageDurationSerializer(source="stages", many=True)
    allowed_transitions = serializers.SerializerMethodField()
    sections = serializers.ListField(child=serializers.CharField())
    revealed = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, view):
        return [s.value for s in moves_from(view.stage)]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_revealed(self, view):
        return sorted(view.revealed)


class ServiceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    provider = serializers.SerializerMethodField()
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    notes = serializers.CharField()
    recorded_by = serializers.CharField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(AgencyRefSerializer)
    def get_provider(self, service):
        return agency_ref(service.provider)


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    body = serializers.CharField()
    author = serializers.CharField()
    agency = serializers.UUIDField(source="agency_id")
    created_at = serializers.DateTimeField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    description = serializers.CharField()
    uploaded_by = serializers.CharField()
    created_at = serializers.DateTimeField()


class TimelineEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    summary = serializers.CharField(help_text="The event in Bahasa Indonesia, as written.")
    text = serializers.SerializerMethodField(help_text="The event in the request's language (Accept-Language).")
    actor = serializers.CharField(allow_null=True)
    agency = serializers.UUIDField(source="agency_id", allow_null=True)
    data = serializers.DictField()

    def get_text(self, obj) -> str:
        from sinergi.cases.timeline import event_text

        return event_text(obj)
