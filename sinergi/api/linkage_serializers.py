"""Linkage serializers. A pair's sides come from ``linkage.selectors.project_pair``: a side the reader's agency
holds is its ``access.projection.PersonView`` (the fields the review page shows, phone and document numbers masked
by role as there); any other side is only the names of the agencies holding it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sinergi.linkage.enums import PairStatus

from .common import StrictSerializer


class PairDocumentSerializer(serializers.Serializer):
    type = serializers.CharField()
    type_label = serializers.CharField()
    number = serializers.CharField(help_text="Masked by role, as on the review page")


class PairPersonSerializer(serializers.Serializer):
    """One side of a pair seen in full: what the review page shows of it, masked by the reader's role."""

    id = serializers.UUIDField()
    full_name = serializers.CharField(source="identity.full_name")
    aliases = serializers.ListField(child=serializers.CharField(), source="identity.aliases")
    sex = serializers.CharField(source="identity.sex")
    sex_label = serializers.CharField(source="identity.sex_label")
    date_of_birth = serializers.DateField(source="identity.date_of_birth", allow_null=True)
    estimated_age = serializers.IntegerField(source="identity.estimated_age", allow_null=True)
    origin_village = serializers.CharField(source="identity.origin_village_code", allow_null=True)
    origin_village_name = serializers.SerializerMethodField()
    phone = serializers.CharField(source="contact.phone", help_text="Masked by role, as on the review page")
    documents = PairDocumentSerializer(many=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_origin_village_name(self, view):
        village = view.identity.origin_village
        return village.name if village is not None else None


class PairSideSerializer(serializers.Serializer):
    held = serializers.SerializerMethodField(help_text="One of your agencies holds this record: it is shown")
    person = PairPersonSerializer(allow_null=True, help_text="Null for a record held only by other agencies")
    held_by = serializers.ListField(child=serializers.CharField(),
                                    help_text="For a record you do not hold: the agencies that do; ask them")

    @extend_schema_field(serializers.BooleanField())
    def get_held(self, side):
        return side.person is not None


class ExplanationSerializer(serializers.Serializer):
    field = serializers.CharField(source="code", help_text="name, sex, birth, origin, passport or phone")
    label = serializers.CharField(source="field", help_text="The field in the reader's language")
    level = serializers.CharField(help_text="How it agreed, in the reader's language (never a value)")
    weight = serializers.FloatField(help_text="log2 Bayes factor: positive for, negative against")
    agreement = serializers.IntegerField(help_text="-1 missing on one side, 0 different, higher: closer")


class PairSerializer(serializers.Serializer):
    """A candidate pair as the reader may see it (``linkage.selectors.PairView``)."""

    id = serializers.UUIDField()
    probability = serializers.FloatField()
    status = serializers.ChoiceField(choices=PairStatus.choices)
    status_label = serializers.CharField()
    left = PairSideSerializer()
    right = PairSideSerializer()
    explanation = ExplanationSerializer(many=True, help_text="Strongest first")
    confirmed_by_agencies = serializers.ListField(child=serializers.CharField(),
                                                  help_text="Agencies that have said 'same person' so far")
    merge = serializers.UUIDField(source="merge_id", allow_null=True,
                                  help_text="The active merge of this pair (undo it at merges/{id}/undo/)")


class PairFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PairStatus.values, required=False, default=PairStatus.PENDING)


class DecisionSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=["confirm", "reject"],
                                       help_text="confirm: the same person (merged once every holder agrees); "
                                                 "reject: different persons (closes the pair)")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True,
                                            help_text="Send the same key again to retry safely")


class UndoSerializer(StrictSerializer):
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True)


class MergeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    pair = serializers.UUIDField(source="pair_id", allow_null=True)
    merged_at = serializers.DateTimeField()
    unmerged_at = serializers.DateTimeField(allow_null=True)


class PeerSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="Code of the partner's agency holding a similar person")
    agency_name = serializers.CharField()
    score = serializers.FloatField(help_text="Dice coefficient of the encodings, 0 to 1")


class ClkQuerySerializer(serializers.Serializer):
    """A question to a partner and its answer, as the partner-queries page shows it: no person, no name."""

    id = serializers.UUIDField()
    asked_at = serializers.DateTimeField(source="created_at")
    peer = PeerSerializer()
    answered_at = serializers.DateTimeField(allow_null=True, help_text="Null while the partner has not answered")
    matches = MatchSerializer(many=True)


class ClkQueryInputSerializer(StrictSerializer):
    case = serializers.CharField(max_length=32, help_text="Reference of a case your agency leads")
    peer = serializers.CharField(max_length=40, help_text="Code of a partner instance (GET linkage/partners/)")
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True)
