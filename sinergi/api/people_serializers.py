"""Person serializers. Phone, e-mail, address, document numbers and family contacts' phone and address are
presented through ``access.masking`` with the viewer's roles and what they revealed."""

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


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    number = serializers.SerializerMethodField()
    issuing_country = serializers.CharField(source="issuing_country_id")
    issued_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)

    @extend_schema_field(serializers.CharField(help_text="Masked unless the identity section is revealed"))
    def get_number(self, doc):
        return self.context["viewer"].show("people.IdentityDocument", "number", doc.number)


class FamilyContactSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    relationship = serializers.CharField()
    phone = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    village = serializers.CharField(source="village_id", allow_null=True)

    @extend_schema_field(serializers.CharField())
    def get_phone(self, contact):
        return self.context["viewer"].show("people.FamilyContact", "phone", contact.phone)

    @extend_schema_field(serializers.CharField())
    def get_address(self, contact):
        return self.context["viewer"].show("people.FamilyContact", "address", contact.address)


class ConsentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField()
    given = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    method = serializers.CharField()
    note = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()
    aliases = serializers.SerializerMethodField()
    sex = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    citizenship = serializers.CharField(source="citizenship_id", allow_null=True)
    origin_village = serializers.CharField(source="origin_village_id", allow_null=True)
    origin_regency = serializers.CharField(source="origin_regency_id", allow_null=True)
    origin_province = serializers.CharField(source="origin_province_id", allow_null=True)
    phone = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    primary_language = serializers.CharField()
    deceased = serializers.BooleanField()
    documents = serializers.SerializerMethodField()
    family_contacts = serializers.SerializerMethodField()
    revealed = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, person):
        return [a.name for a in person.aliases.all()]

    @extend_schema_field(serializers.CharField())
    def get_phone(self, person):
        return self.context["viewer"].show("people.Person", "phone", person.phone)

    @extend_schema_field(serializers.CharField())
    def get_email(self, person):
        return self.context["viewer"].show("people.Person", "email", person.email)

    @extend_schema_field(serializers.CharField())
    def get_address(self, person):
        return self.context["viewer"].show("people.Person", "address", person.address)

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, person):
        return DocumentSerializer(person.documents.all(), many=True, context=self.context).data

    @extend_schema_field(FamilyContactSerializer(many=True))
    def get_family_contacts(self, person):
        return FamilyContactSerializer(person.family_contacts.all(), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_revealed(self, person):
        return sorted(self.context["viewer"].revealed)
