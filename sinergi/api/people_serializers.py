"""Person serializers. Output comes from the person's projection (``access.projection.project_person``), in
which phone, e-mail, address, document numbers and family contacts' phone and address are masked by
``access.masking`` with the viewer's roles and what they revealed."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sinergi.people.enums import ConsentPurpose, DocumentType, Relationship, Sex

from .common import StrictSerializer


class PersonInputSerializer(StrictSerializer):
    """A person's fields; codes are checked by the service (country alpha-2/alpha-3, Kemendagri village code)."""

    full_name = serializers.CharField(max_length=200, allow_blank=True)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    sex = serializers.CharField(required=False, allow_blank=True, max_length=24,
                                help_text=f"One of: {', '.join(Sex.values)}")
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True)
    citizenship = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=3)
    origin_village = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=13,
                                           help_text="Kemendagri village code, e.g. 53.01.04.2003")
    address = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.EmailField(required=False, allow_blank=True)
    primary_language = serializers.CharField(required=False, allow_blank=True, max_length=8)
    deceased = serializers.BooleanField(required=False)


class PersonPatchSerializer(PersonInputSerializer):
    full_name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    agency = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Agency id or code you act for; needed only with several memberships")


class DocumentInputSerializer(StrictSerializer):
    type = serializers.CharField(max_length=24, help_text=f"One of: {', '.join(DocumentType.values)}")
    number = serializers.CharField(max_length=40, allow_blank=True)
    issuing_country = serializers.CharField(max_length=3, allow_blank=True)
    issued_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    agency = serializers.CharField(required=False, allow_blank=True)


class FamilyContactInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    relationship = serializers.CharField(max_length=16, help_text=f"One of: {', '.join(Relationship.values)}")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    village = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=13)
    agency = serializers.CharField(required=False, allow_blank=True)


class ConsentInputSerializer(StrictSerializer):
    purpose = serializers.CharField(max_length=24, help_text=f"One of: {', '.join(ConsentPurpose.values)}")
    given = serializers.BooleanField()
    method = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    agency = serializers.CharField(required=False, allow_blank=True)
    agency_types = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20,
        help_text="For purpose 'referral': the kinds of agency the survivor agreed to share with (none: any)")


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    number = serializers.CharField(help_text="Masked unless the identity section is revealed")
    issuing_country = serializers.CharField(source="issuing_country_code")
    issued_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)


class FamilyContactSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    relationship = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    village = serializers.CharField(source="village_code", allow_null=True)


class ConsentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField()
    given = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    method = serializers.CharField()
    agency_types = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    """A person seen in full, from ``access.projection.PersonView``: contacts, address and document numbers
    masked unless revealed."""

    id = serializers.UUIDField()
    full_name = serializers.CharField(source="identity.full_name")
    aliases = serializers.ListField(child=serializers.CharField(), source="identity.aliases")
    sex = serializers.CharField(source="identity.sex")
    date_of_birth = serializers.DateField(source="identity.date_of_birth", allow_null=True)
    estimated_age = serializers.IntegerField(source="identity.estimated_age", allow_null=True)
    citizenship = serializers.CharField(source="identity.citizenship_code", allow_null=True)
    origin_village = serializers.CharField(source="identity.origin_village_code", allow_null=True)
    origin_regency = serializers.CharField(source="identity.origin_regency_code", allow_null=True)
    origin_province = serializers.CharField(source="identity.origin_province_code", allow_null=True)
    phone = serializers.CharField(source="contact.phone")
    email = serializers.CharField(source="contact.email")
    address = serializers.CharField(source="contact.address")
    primary_language = serializers.CharField(source="identity.primary_language")
    deceased = serializers.BooleanField(source="identity.deceased")
    documents = DocumentSerializer(many=True)
    family_contacts = FamilyContactSerializer(many=True, source="contact.family")
    revealed = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_revealed(self, view):
        return sorted(view.revealed)
