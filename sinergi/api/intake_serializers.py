"""Report (intake) serializers: shape and types in, masked reporter contact out."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sinergi.cases.enums import DecisionOrg, VictimStatus
from sinergi.intake.enums import Channel, ReportStatus

from .case_serializers import CaseDetailsInputSerializer, CaseRefSerializer, SurvivorRefSerializer
from .common import AgencyRefSerializer, StrictSerializer, agency_ref
from .people_serializers import PersonInputSerializer


class ReportCreateSerializer(StrictSerializer):
    agency = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Agency id or code receiving the report; needed with several memberships")
    channel = serializers.CharField(max_length=16, help_text=f"One of: {', '.join(Channel.values)}")
    received_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Defaults to now")
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reporter_relation = serializers.CharField(required=False, allow_blank=True, max_length=100)
    reporter_contact = serializers.CharField(required=False, allow_blank=True, max_length=200)
    narrative = serializers.CharField(allow_blank=True, max_length=20000)
    country_of_exploitation = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=3)
    last_known_location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    subject = serializers.UUIDField(required=False, help_text="An existing person you can see")
    subject_data = PersonInputSerializer(required=False, help_text="Or a new person the report is about")

    def validate(self, attrs):
        if "subject" in attrs and "subject_data" in attrs:
            raise serializers.ValidationError(
                {"subject": ["Isi salah satu: subject atau subject_data / give subject or subject_data, not both."]})
        return attrs


class ScreeningInputSerializer(StrictSerializer):
    ilo_indicators = serializers.ListField(child=serializers.CharField(max_length=8), required=False,
                                           help_text="ILO indicator ids (see /api/v1/indicators/)")
    delphi_items = serializers.ListField(child=serializers.CharField(max_length=120), required=False,
                                         help_text="Delphi item keys (see /api/v1/indicators/)")
    victim_status = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                          help_text=f"Decide now: {', '.join(VictimStatus.values)}")
    decided_by_org = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                           help_text=f"With victim_status: {', '.join(DecisionOrg.values)}")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReportOpenCaseSerializer(StrictSerializer):
    survivor = serializers.UUIDField(required=False, help_text="Defaults to the report's subject")
    survivor_data = PersonInputSerializer(required=False)
    reported_on = serializers.DateField(required=False, allow_null=True, help_text="Defaults to the day received")
    external_id = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    details = CaseDetailsInputSerializer(required=False)
    previous_case = serializers.UUIDField(required=False, allow_null=True)

    def validate(self, attrs):
        if "survivor" in attrs and "survivor_data" in attrs:
            raise serializers.ValidationError(
                {"survivor": ["Isi salah satu: survivor atau survivor_data / "
                              "give survivor or survivor_data, not both."]})
        return attrs


class ReportLinkCaseSerializer(StrictSerializer):
    case = serializers.CharField(max_length=64, help_text="Case id or reference (SNG-...)")


class ScreeningSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    report = serializers.UUIDField(source="report_id", allow_null=True)
    case = serializers.UUIDField(source="case_id", allow_null=True)
    agency = serializers.UUIDField(source="agency_id")
    performed_by = serializers.CharField(source="performed_by.username")
    performed_at = serializers.DateTimeField()
    ilo_indicators = serializers.ListField(child=serializers.CharField())
    delphi_items = serializers.ListField(child=serializers.CharField())
    delphi_positive_dimensions = serializers.ListField(child=serializers.CharField())
    suggested_status = serializers.CharField()
    victim_status = serializers.CharField()
    decided_by_org = serializers.CharField()
    notes = serializers.CharField()


class ReportListSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    channel = serializers.CharField()
    status = serializers.CharField(help_text=f"One of: {', '.join(ReportStatus.values)}")
    received_at = serializers.DateTimeField()
    agency = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    country_of_exploitation = serializers.CharField(source="country_of_exploitation_id", allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Decide on the report (inbox triage) by then")
    escalation_level = serializers.IntegerField(help_text="0: on time; 1: the agency's supervisors were told; "
                                                          "2: the task force was told")

    @extend_schema_field(AgencyRefSerializer)
    def get_agency(self, report):
        return agency_ref(report.agency)

    @extend_schema_field(SurvivorRefSerializer(allow_null=True))
    def get_subject(self, report):
        return {"id": report.subject_id, "full_name": report.subject.full_name} if report.subject_id else None

    @extend_schema_field(CaseRefSerializer(allow_null=True))
    def get_case(self, report):
        return {"id": report.case_id, "reference": report.case.reference} if report.case_id else None


class ReportSerializer(ReportListSerializer):
    reporter_name = serializers.CharField()
    reporter_relation = serializers.CharField()
    reporter_contact = serializers.SerializerMethodField()
    narrative = serializers.CharField()
    last_known_location = serializers.CharField()
    received_by = serializers.CharField(source="received_by.username", allow_null=True, default=None)
    screenings = serializers.SerializerMethodField()
    revealed = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(help_text="Masked unless the contact section is revealed"))
    def get_reporter_contact(self, report):
        return self.context["viewer"].show("intake.Report", "reporter_contact", report.reporter_contact)

    @extend_schema_field(ScreeningSerializer(many=True))
    def get_screenings(self, report):
        return ScreeningSerializer(report.screenings.select_related("performed_by"), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_revealed(self, report):
        return sorted(self.context["viewer"].revealed)
