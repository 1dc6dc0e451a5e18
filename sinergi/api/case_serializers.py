"""Case serializers. Input serializers check shape and types only (the services decide what is allowed);
output serializers present, hiding what a referral receiver was not given and masking sensitive fields."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sinergi.access.sections import ALL, may_see
from sinergi.cases.enums import (
    ALLOWED_TRANSITIONS,
    DecisionOrg,
    Outcome,
    ServiceOutcome,
    ServiceType,
    Stage,
    VictimStatus,
)

from .common import AgencyRefSerializer, StrictSerializer, agency_ref
from .people_serializers import PersonInputSerializer

# Which fields of a case each shared section carries (see referrals.enums.Section).
EXPLOITATION_FIELDS = (
    "exploitation_types", "primary_exploitation", "forced_labour_industry", "sex_exploitation_types",
    "means_of_control", "recruitment_methods", "recruitment_apps", "exploitation_apps", "relation_to_trafficker",
    "recruited_on", "exploitation_started_on", "exploitation_ended_on", "summary", "victim_status",
    "victim_status_decided_by", "victim_status_decided_on",
)
LOCATION_FIELDS = ("country_of_exploitation", "city_of_exploitation")


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
                {"survivor": ["Isi salah satu: survivor atau survivor_data / give either survivor or survivor_data."]})
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
    citizenship = serializers.CharField(allow_null=True)
    origin_village = serializers.CharField(allow_null=True)
    deceased = serializers.BooleanField()


class StageDurationSerializer(serializers.Serializer):
    stage = serializers.CharField()
    entered_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField(allow_null=True)
    days = serializers.FloatField()


class CaseListSerializer(serializers.Serializer):
    """One row of the case list. ``survivor`` is null when a referral did not share the identity section."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    external_id = serializers.CharField(allow_null=True)
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_entered_at = serializers.DateTimeField()
    reported_on = serializers.DateField()
    outcome = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    lead_agency = serializers.SerializerMethodField()
    survivor = serializers.SerializerMethodField()
    country_of_exploitation = serializers.CharField(source="country_of_exploitation_id", allow_null=True)
    primary_exploitation = serializers.CharField()
    exploitation_types = serializers.ListField(child=serializers.CharField())
    victim_status = serializers.CharField()
    origin_province = serializers.CharField(source="origin_province_id", allow_null=True)
    origin_regency = serializers.CharField(source="origin_regency_id", allow_null=True)

    gated: dict[str, tuple[str, ...]] = {
        "exploitation": ("primary_exploitation", "exploitation_types", "victim_status"),
        "location": ("country_of_exploitation",),
    }

    @extend_schema_field(AgencyRefSerializer)
    def get_lead_agency(self, case):
        return agency_ref(case.lead_agency)

    @extend_schema_field(SurvivorRefSerializer(allow_null=True))
    def get_survivor(self, case):
        if not may_see(self._sections(case), "identity"):
            return None
        return {"id": case.survivor_id, "full_name": case.survivor.full_name}

    def _sections(self, case) -> set[str]:
        return self.context.get("sections", {}).get(case.pk, {ALL})

    def to_representation(self, case):
        data = super().to_representation(case)
        sections = self._sections(case)
        for section, fields in self.gated.items():
            if not may_see(sections, section):
                for f in fields:
                    data[f] = None
        return data


class CaseDetailSerializer(CaseListSerializer):
    """A case. Sections a referral did not share are null; ``travel_document_number`` is masked unless revealed."""

    victim_status_decided_by = serializers.CharField()
    victim_status_decided_on = serializers.DateField(allow_null=True)
    forced_labour_industry = serializers.CharField()
    sex_exploitation_types = serializers.ListField(child=serializers.CharField())
    means_of_control = serializers.ListField(child=serializers.CharField())
    recruitment_methods = serializers.ListField(child=serializers.CharField())
    recruitment_apps = serializers.ListField(child=serializers.CharField())
    exploitation_apps = serializers.ListField(child=serializers.CharField())
    relation_to_trafficker = serializers.CharField()
    city_of_exploitation = serializers.CharField()
    recruited_on = serializers.DateField(allow_null=True)
    exploitation_started_on = serializers.DateField(allow_null=True)
    exploitation_ended_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    travel_document_number = serializers.SerializerMethodField()
    port_of_entry = serializers.CharField()
    previous_case = serializers.SerializerMethodField()
    stage_durations = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()
    revealed = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    gated = {"exploitation": EXPLOITATION_FIELDS, "location": LOCATION_FIELDS, "documents": ("travel_document_number",)}

    @extend_schema_field(SurvivorSummarySerializer(allow_null=True))
    def get_survivor(self, case):
        if not may_see(self._sections(case), "identity"):
            return None
        p = case.survivor
        return {
            "id": p.pk, "full_name": p.full_name, "aliases": [a.name for a in p.aliases.all()], "sex": p.sex,
            "date_of_birth": p.date_of_birth, "estimated_age": p.estimated_age, "citizenship": p.citizenship_id,
            "origin_village": p.origin_village_id, "deceased": p.deceased,
        }

    @extend_schema_field(serializers.CharField())
    def get_travel_document_number(self, case):
        return self.context["viewer"].show("cases.Case", "travel_document_number", case.travel_document_number)

    @extend_schema_field(CaseRefSerializer(allow_null=True))
    def get_previous_case(self, case):
        if case.previous_case_id is None:
            return None
        return {"id": case.previous_case_id, "reference": case.previous_case.reference}

    @extend_schema_field(StageDurationSerializer(many=True))
    def get_stage_durations(self, case):
        return StageDurationSerializer(self.context.get("durations", []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, case):
        return [s.value for s in Stage if s in ALLOWED_TRANSITIONS[Stage(case.stage)]]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sections(self, case):
        return sorted(self._sections(case))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_revealed(self, case):
        return sorted(self.context["viewer"].revealed)


class ServiceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    provider = serializers.SerializerMethodField()
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    notes = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    created_at = serializers.DateTimeField()

    @extend_schema_field(AgencyRefSerializer)
    def get_provider(self, service):
        return agency_ref(service.provider)


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    body = serializers.CharField()
    author = serializers.CharField(source="author.username")
    agency = serializers.UUIDField(source="agency_id")
    created_at = serializers.DateTimeField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    description = serializers.CharField()
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    created_at = serializers.DateTimeField()


class TimelineEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    summary = serializers.CharField(help_text="The event in Bahasa Indonesia, as written.")
    text = serializers.SerializerMethodField(help_text="The event in the request's language (Accept-Language).")
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    agency = serializers.UUIDField(source="agency_id", allow_null=True)
    data = serializers.DictField()

    def get_text(self, obj) -> str:
        from sinergi.cases.timeline import event_text

        return event_text(obj)
